package sc.fiji.amat.app;

import java.nio.file.Path;
import java.util.List;

import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.train.TrainOptions;
import sc.fiji.amat.train.VolumeTraining;

/**
 * Volumes for {@code scripts/amat train} (segmentation), read as AMAT Train reads them
 * ({@link VolumeTraining}): an MSD folder (no {@code --labels}), a folder of NIfTI images with a
 * folder of label volumes, or a .nii/.nii.gz image with its label volume, cut into slices
 * ({@code --slice-axis x|y|z}, default z; {@code --empty-slices keep|drop|every:K|fraction:F},
 * default keep: options of {@link TrainOptions}, shared with the command).
 */
final class VolumeTrainingSource implements TrainingSource {

	private TrainOptions options = new TrainOptions();

	@Override
	public String describe() {
		return "volumes: an MSD folder, a NIfTI image folder and label folder, or a .nii/.nii.gz image and label " +
			"(--slice-axis x|y|z, --empty-slices keep|drop|every:K|fraction:F)";
	}

	@Override
	public void options(final TrainOptions o) {
		options = o;
	}

	@Override
	public boolean accepts(final Path images, final Path labels) {
		return VolumeTraining.accepts(images);
	}

	@Override
	public Labeled<?> read(final ImageJTaskType type, final Path images, final Path labels, final Normalization n,
		final NetworkConfig network)
	{
		return VolumeTraining.read(options, images, labels, n, network);
	}

	@Override
	public List<Labeled<?>> readEach(final ImageJTaskType type, final Path images, final Path labels,
		final Normalization n, final NetworkConfig network, final List<String> names)
	{
		return VolumeTraining.readEach(options, images, labels, n, network, names);
	}
}
