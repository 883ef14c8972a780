package sc.fiji.amat.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.data.volume.EmptySlices;
import sc.fiji.amat.data.volume.SliceAxis;
import sc.fiji.amat.data.volume.VolumeSlicer;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.task.segmentation.SegmentationTask;
import sc.fiji.amat.task.segmentation.SegmentationVolumes;

/**
 * Volumes for {@code scripts/amat train} (segmentation): an MSD folder (no {@code --labels}), a
 * folder of NIfTI images with a folder of label volumes, or a .nii/.nii.gz image with its label
 * volume, cut into slices ({@code --axis x|y|z}, default z; {@code --empty-slices keep|drop|
 * every:K|fraction:F}, default keep, fraction seeded with 1). Whole-slice training pads slices
 * to the network's size multiple; patch training takes each volume's slices as they are.
 */
final class VolumeTrainingSource implements TrainingSource {

	private final VolumeSlicer.Options slicing = new VolumeSlicer.Options();

	@Override
	public String describe() {
		return "volumes: an MSD folder, a NIfTI image folder and label folder, or a .nii/.nii.gz image and label " +
			"(--axis x|y|z, --empty-slices keep|drop|every:K|fraction:F)";
	}

	@Override
	public void options(final Args args) {
		slicing.axis = SliceAxis.parse(args.get("axis", "z"));
		slicing.emptySlices = EmptySlices.parse(args.get("empty-slices", "keep"));
	}

	@Override
	public boolean accepts(final Path images, final Path labels) {
		return SegmentationVolumes.isVolumeSource(images);
	}

	private VolumeSlicer.Options options(final ImageJTaskType type, final Normalization n, final int padMultiple) {
		if (!SegmentationTask.TYPE.equals(type.name())) throw new AmatException("Volumes train the segmentation task, " +
			"not " + type.name() + ": give --task segmentation.");
		final VolumeSlicer.Options o = new VolumeSlicer.Options();
		o.axis = slicing.axis;
		o.emptySlices = slicing.emptySlices;
		o.normalization = n;
		o.padMultiple = padMultiple;
		return o;
	}

	@Override
	public Labeled<?> read(final ImageJTaskType type, final Path images, final Path labels, final Normalization n,
		final NetworkConfig network)
	{
		final VolumeSlicer.Options o = options(type, n, network == null ? 1 : network.sizeMultiple());
		return SegmentationVolumes.labeled(SegmentationVolumes.open(images, labels, o), network);
	}

	@Override
	public List<Labeled<?>> readEach(final ImageJTaskType type, final Path images, final Path labels,
		final Normalization n, final NetworkConfig network, final List<String> names)
	{
		final List<Labeled<?>> out = new ArrayList<>();
		for (final SegmentationVolumes.Data d : SegmentationVolumes.openEach(images, labels, options(type, n, 0))) {
			names.add(d.slices.volumes().get(0).name);
			out.add(SegmentationVolumes.labeled(d, network));
		}
		return out;
	}
}
