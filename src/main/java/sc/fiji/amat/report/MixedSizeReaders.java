package sc.fiji.amat.report;

import ij.ImagePlus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import sc.fiji.amat.data.ImageFolders;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.data.volume.VolumeSlicer;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationData;
import sc.fiji.amat.task.segmentation.SegmentationTask;
import sc.fiji.amat.task.segmentation.SegmentationVolumes;
import sc.fiji.amat.task.segmentation.ij.SegmentationImages;

/**
 * Test sets whose images may differ in size, read in parts of one size each (training keeps its
 * own rules): segmentation volumes (NIfTI, an MSD folder's labelled test cases) one part per volume, each volume's slices
 * raw and of its own size, not padded (each model's evaluation normalises and pads them to its
 * own size multiple as training does: {@link TestSet#groupsFor(Normalization, int)}); and segmentation folders of images and label images one part
 * per run of consecutive files of one size. Other sources are read as one set of one size.
 */
final class MixedSizeReaders {

	/** The parts of a test set, in order, and the volume of each image (null: not from volumes). */
	static final class Parts {

		final List<LabeledData<Mask>> parts = new ArrayList<>();
		List<String> volumes;
	}

	private MixedSizeReaders() {}

	/**
	 * The parts of the test set in these files, or null when the task type and the source are not
	 * read in parts here (then the task type's reader reads them as one set).
	 */
	static Parts read(final String taskType, final Path images, final Path labels, final Normalization raw) {
		if (!SegmentationTask.TYPE.equals(taskType) || images == null) return null;
		final Parts out = new Parts();
		if (SegmentationVolumes.isVolumeSource(images)) {
			final VolumeSlicer.Options o = new VolumeSlicer.Options();
			o.normalization = raw;
			o.padMultiple = 0; // raw values of each volume's own size: each model pads to its own multiple (TestSet.groupsFor)
			out.volumes = new ArrayList<>();
			for (final SegmentationVolumes.Data d : SegmentationVolumes.openEach(images, labels, true, o)) {
				out.parts.add(d.data);
				out.volumes.addAll(d.slices.volumeOfEachSlice());
			}
		}
		else if (Files.isDirectory(images) && labels != null && Files.isDirectory(labels)) {
			final List<Mask> all = new ArrayList<>();
			for (final ImagePlus[] run : ImageFolders.openRuns(images, labels)) {
				final LabeledData<Mask> d = SegmentationImages.fromImages(run[0], run[1], raw);
				out.parts.add(d);
				all.addAll(d.labels());
			}
			SegmentationData.classNames(labels, all); // the checks of a classes.txt the single-size reader makes
		}
		else return null;
		boolean foreground = false;
		for (final LabeledData<Mask> d : out.parts) {
			for (final Mask m : d.labels()) foreground |= !m.isEmpty();
		}
		// the single-size reader's check, over the whole test set
		if (!foreground) SegmentationData.requireForeground(out.parts.get(0));
		return out;
	}
}
