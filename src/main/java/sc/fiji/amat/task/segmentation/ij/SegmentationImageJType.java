package sc.fiji.amat.task.segmentation.ij;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.data.volume.VolumeSlicer;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.ij.ImageJTask;
import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.task.ij.SampleFiles;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationData;
import sc.fiji.amat.task.segmentation.SegmentationSamples;
import sc.fiji.amat.task.segmentation.SegmentationTask;
import sc.fiji.amat.task.segmentation.SegmentationVolumes;

/** The ImageJ side of segmentation: label images, TIFF stacks or folders of them, and the sample data. */
@Plugin(type = ImageJTaskType.class, name = SegmentationTask.TYPE)
public final class SegmentationImageJType implements ImageJTaskType {

	static final int TRAIN = 128, TEST = 32, SIZE = 64;

	@Override
	public String name() {
		return SegmentationTask.TYPE;
	}

	@Override
	public ImageJTask<?> adapt(final Task<?> task) {
		return new SegmentationImageJ((SegmentationTask) task);
	}

	@Override
	public Labeled<?> fromImages(final ImagePlus images, final ImagePlus labels, final Normalization normalization,
		final NetworkConfig network)
	{
		if (labels == null) {
			throw new AmatException("Segmentation needs label images: give a stack with one label image (class " +
				"indices, 0 = background) per image of '" + images.getTitle() + "'.");
		}
		final LabeledData<Mask> data = SegmentationData.requireForeground(SegmentationImages.fromImages(images, labels,
			normalization));
		final List<String> names = SegmentationTask.defaultClassNames(SegmentationData.numClasses(data.labels()));
		return new Labeled<>(new SegmentationTask(names, data.channels(), network), data);
	}

	/**
	 * Label images (a TIFF stack, or folders paired by name), or volumes
	 * ({@link SegmentationVolumes#isVolumeSource}: a .nii/.nii.gz image and its label volume, a
	 * folder of them and a label folder, or an MSD folder with no labels: its training cases): their
	 * z slices, every one kept, padded at the right and bottom to the network's size multiple when
	 * they differ.
	 */
	@Override
	public Labeled<?> fromFiles(final Path images, final Path labels, final Normalization normalization,
		final NetworkConfig network)
	{
		return read(images, labels, false, normalization, network);
	}

	/** As {@link #fromFiles}; an MSD folder gives its labelled test cases (imagesTs/, labelsTs/). */
	@Override
	public Labeled<?> testFromFiles(final Path images, final Path labels, final Normalization normalization,
		final NetworkConfig network)
	{
		return read(images, labels, true, normalization, network);
	}

	private static Labeled<?> read(final Path images, final Path labels, final boolean test,
		final Normalization normalization, final NetworkConfig network)
	{
		if (SegmentationVolumes.isVolumeSource(images)) {
			final VolumeSlicer.Options o = new VolumeSlicer.Options();
			o.normalization = normalization;
			o.padMultiple = network == null ? 1 : network.sizeMultiple();
			return SegmentationVolumes.labeled(SegmentationVolumes.open(images, labels, test, o), network);
		}
		final LabeledData<Mask> data = SegmentationData.requireForeground(SegmentationImages.fromFiles(images, labels,
			normalization));
		final List<String> names = SegmentationData.classNames(labels, data.labels());
		return new Labeled<>(new SegmentationTask(names, data.channels(), network), data);
	}

	/**
	 * 128 training and 32 test images of 64 x 64 pixels, MRI-like, with two structures
	 * ({@link SegmentationSamples}): train-images.tif, train-labels.tif, test-images.tif,
	 * test-labels.tif and classes.txt.
	 */
	@Override
	public void writeSamples(final Path dir, final long seed) {
		final SegmentationSamples gen = new SegmentationSamples(SIZE, seed);
		SampleFiles.createFolder(dir);
		writePair(gen, dir, "train", 0, TRAIN);
		writePair(gen, dir, "test", TRAIN, TEST);
		SampleFiles.writeText(dir.resolve(SegmentationData.CLASSES_FILE), String.join("\n", Arrays.asList(
			SegmentationSamples.CLASSES)) + "\n");
	}

	private static void writePair(final SegmentationSamples gen, final Path dir, final String name, final int first,
		final int count)
	{
		final ImageStack images = new ImageStack(SIZE, SIZE), labels = new ImageStack(SIZE, SIZE);
		for (int i = first; i < first + count; i++) {
			final short[] image = new short[SIZE * SIZE];
			final byte[] label = new byte[SIZE * SIZE];
			gen.sample(i, image, label);
			images.addSlice("image " + (i - first + 1), new ShortProcessor(SIZE, SIZE, image, null));
			labels.addSlice("label " + (i - first + 1), new ByteProcessor(SIZE, SIZE, label));
		}
		SampleFiles.saveTiff(new ImagePlus(name + "-images", images), dir.resolve(name + "-images.tif"));
		SampleFiles.saveTiff(new ImagePlus(name + "-labels", labels), dir.resolve(name + "-labels.tif"));
	}
}
