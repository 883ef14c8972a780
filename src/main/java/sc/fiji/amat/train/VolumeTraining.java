package sc.fiji.amat.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.segmentation.SegmentationTask;
import sc.fiji.amat.task.segmentation.SegmentationVolumes;

/**
 * Training data from volumes, as AMAT Train and {@code scripts/amat train} both read it: an MSD
 * folder, a folder of NIfTI images with a folder of label volumes, or a .nii/.nii.gz image with
 * its label volume ({@link SegmentationVolumes#isVolumeSource}), cut into slices as
 * {@link TrainOptions#slicing} says. Whole-slice training pads slices to the network's size
 * multiple; patch training takes each volume's slices as they are.
 */
public final class VolumeTraining {

	private VolumeTraining() {}

	/** Whether these training images are volumes this class reads. */
	public static boolean accepts(final Path images) {
		return SegmentationVolumes.isVolumeSource(images);
	}

	/** All volumes' slices as one set (whole-slice training). */
	public static Labeled<?> read(final TrainOptions o, final Path images, final Path labels, final Normalization n,
		final NetworkConfig network)
	{
		return SegmentationVolumes.labeled(SegmentationVolumes.open(images, labels, options(o, n, network == null ? 1
			: network.sizeMultiple())), network);
	}

	/** One set per volume, each named in {@code names} (patch training: volumes of different sizes). */
	public static List<Labeled<?>> readEach(final TrainOptions o, final Path images, final Path labels,
		final Normalization n, final NetworkConfig network, final List<String> names)
	{
		final List<Labeled<?>> out = new ArrayList<>();
		for (final SegmentationVolumes.Data d : SegmentationVolumes.openEach(images, labels, options(o, n, 0))) {
			names.add(d.slices.volumes().get(0).name);
			out.add(SegmentationVolumes.labeled(d, network));
		}
		return out;
	}

	private static sc.fiji.amat.data.volume.VolumeSlicer.Options options(final TrainOptions o, final Normalization n,
		final int padMultiple)
	{
		if (!SegmentationTask.TYPE.equalsIgnoreCase(o.task.trim())) throw new AmatException("Volumes train the segmentation task, not " +
			o.task + ": choose the task segmentation.");
		return o.slicing(n, padMultiple);
	}
}
