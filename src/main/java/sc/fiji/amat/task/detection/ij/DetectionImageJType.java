package sc.fiji.amat.task.detection.ij;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.detection.BloodSmearSamples;
import sc.fiji.amat.task.detection.BoxFiles;
import sc.fiji.amat.task.detection.Boxes;
import sc.fiji.amat.task.detection.DetectionTask;
import sc.fiji.amat.task.ij.ImageJTask;
import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.task.ij.SampleFiles;

/** The ImageJ side of detection: boxes from rectangle ROIs, CSV, VOC or BCCD files, and the sample data. */
@Plugin(type = ImageJTaskType.class, name = DetectionTask.TYPE)
public final class DetectionImageJType implements ImageJTaskType {

	static final int TRAIN = 128, TEST = 32, SIZE = 64;

	@Override
	public String name() {
		return DetectionTask.TYPE;
	}

	@Override
	public ImageJTask<?> adapt(final Task<?> task) {
		return new DetectionImageJ((DetectionTask) task);
	}

	/** Boxes from the images' rectangle ROIs (a label image is not a form detection reads). */
	@Override
	public Labeled<?> fromImages(final ImagePlus images, final ImagePlus labels, final Normalization normalization,
		final NetworkConfig network)
	{
		final ImagePlus withRois = labels != null ? labels : images;
		if (labels != null && labels.getOverlay() == null) {
			throw new AmatException("Detection labels are rectangle ROIs named by class on the images (overlay or ROI " +
				"Manager), or a CSV / VOC file: '" + labels.getTitle() + "' has no overlay; leave the labels empty.");
		}
		final DetectionImages.Read read;
		if (withRois == images) read = DetectionImages.fromImages(images, normalization);
		else {
			final List<Boxes> boxes = DetectionRois.boxes(labels, null, false);
			read = DetectionImages.fromImages(copyOverlay(images, labels), normalization);
			if (boxes == null) throw new AmatException("No rectangle ROIs on '" + labels.getTitle() + "'.");
		}
		return new Labeled<>(new DetectionTask(read.classes, read.data.channels(), network), read.data);
	}

	private static ImagePlus copyOverlay(final ImagePlus images, final ImagePlus labels) {
		final ImagePlus copy = new ImagePlus(images.getTitle(), images.getStack());
		copy.setDimensions(images.getNChannels(), images.getNSlices(), images.getNFrames());
		copy.setOverlay(labels.getOverlay());
		return copy;
	}

	/**
	 * An image stack file or folder with a CSV file (image, class, xmin, ymin, xmax, ymax) or a
	 * folder of Pascal VOC XML files; or a BCCD-style folder (JPEGImages, Annotations).
	 */
	@Override
	public Labeled<?> fromFiles(final Path images, final Path labels, final Normalization normalization,
		final NetworkConfig network)
	{
		final DetectionImages.Read read = DetectionImages.fromFiles(images, labels, normalization);
		return new Labeled<>(new DetectionTask(read.classes, read.data.channels(), network), read.data);
	}

	@Override
	public Path sampleLabels(final Path dir, final String split) {
		return dir.resolve(split + "-labels.csv");
	}

	/**
	 * 128 training and 32 test RGB images of 64 x 64 pixels, blood-smear-like, three cell classes
	 * ({@link BloodSmearSamples}): train-images.tif and test-images.tif (RGB stacks, slice labels
	 * "image N"), train-labels.csv and test-labels.csv (image = slice number), classes.txt and
	 * README.md.
	 */
	@Override
	public void writeSamples(final Path dir, final long seed) {
		final BloodSmearSamples gen = new BloodSmearSamples(SIZE, seed);
		SampleFiles.createFolder(dir);
		writeSplit(gen, dir, "train", 0, TRAIN);
		writeSplit(gen, dir, "test", TRAIN, TEST);
		SampleFiles.writeText(dir.resolve(BoxFiles.CLASSES_FILE), String.join("\n", BloodSmearSamples.CLASSES) + "\n");
		SampleFiles.writeText(dir.resolve("README.md"), gen.readme(TRAIN, TEST));
	}

	private static void writeSplit(final BloodSmearSamples gen, final Path dir, final String name, final int first,
		final int count)
	{
		final ImageStack stack = new ImageStack(SIZE, SIZE);
		final List<Boxes> boxes = new ArrayList<>();
		final List<String> names = new ArrayList<>();
		for (int i = first; i < first + count; i++) {
			final BloodSmearSamples.Sample s = gen.sample(i);
			stack.addSlice("image " + (i - first + 1), new ColorProcessor(SIZE, SIZE, s.rgb));
			boxes.add(s.boxes);
			names.add(Integer.toString(i - first + 1));
		}
		SampleFiles.saveTiff(new ImagePlus(name + "-images", stack), dir.resolve(name + "-images.tif"));
		SampleFiles.writeText(dir.resolve(name + "-labels.csv"), BoxFiles.toCsv(boxes, names));
	}
}
