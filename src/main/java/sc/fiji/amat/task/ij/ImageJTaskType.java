package sc.fiji.amat.task.ij;

import ij.ImagePlus;

import java.nio.file.Path;

import org.scijava.plugin.SciJavaPlugin;

import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.TaskType;

/**
 * The ImageJ side of a {@link TaskType} of the same {@link #name()}: its labels read from ImageJ
 * images, ROIs and files (opened with ImageJ), its sample data, and an {@link ImageJTask} for
 * each of its tasks. Discovered as a SciJava plugin ({@code @Plugin(type = ImageJTaskType.class)})
 * through the annotation index, as task types are ({@link ImageJTasks}).
 */
public interface ImageJTaskType extends SciJavaPlugin {

	/** The name of the task type this is the ImageJ side of, e.g. "segmentation". */
	String name();

	/** The ImageJ side of one task of this type. */
	ImageJTask<?> adapt(Task<?> task);

	/**
	 * A task and its training data from ImageJ images: an image (stack) and its labels in the
	 * form this task reads them ({@link ImageJTask#labelsFrom}: a label image, or, when
	 * {@code labels} is null, the images' own point or box ROIs). Throws an
	 * {@code AmatException} saying what to give when there are no labels.
	 */
	Labeled<?> fromImages(ImagePlus images, ImagePlus labels, Normalization normalization, NetworkConfig network);

	/**
	 * A task and its training data from files: an image stack file and a label file, or a
	 * folder of images and a folder of labels paired by file name.
	 */
	Labeled<?> fromFiles(Path images, Path labels, Normalization normalization, NetworkConfig network);

	/**
	 * As {@link #fromFiles}, for a test set: where the files hold both training and held-out
	 * cases (a Medical Segmentation Decathlon folder), the held-out cases with labels. By default
	 * the same as {@link #fromFiles} (files with no such parts).
	 */
	default Labeled<?> testFromFiles(final Path images, final Path labels, final Normalization normalization,
		final NetworkConfig network)
	{
		return fromFiles(images, labels, normalization, network);
	}

	/**
	 * Where this task's sample data keeps the labels of a split ("train" or "test") beside
	 * {@code <split>-images.tif} in {@code dir}, in the form {@link #fromFiles} reads.
	 */
	default Path sampleLabels(final Path dir, final String split) {
		return dir.resolve(split + "-labels.tif");
	}

	/**
	 * Writes this task's generated sample data into {@code dir} (train and test images and
	 * labels as {@link #sampleLabels} names them, and a README), deterministically from the seed.
	 */
	void writeSamples(Path dir, long seed);
}
