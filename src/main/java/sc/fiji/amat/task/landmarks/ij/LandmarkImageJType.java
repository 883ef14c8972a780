package sc.fiji.amat.task.landmarks.ij;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.ImageFolders;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.NormalizedImages;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.ij.ImageJTask;
import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.task.ij.SampleFiles;
import sc.fiji.amat.task.ij.StackSamples;
import sc.fiji.amat.task.landmarks.LandmarkFiles;
import sc.fiji.amat.task.landmarks.LandmarkSamples;
import sc.fiji.amat.task.landmarks.LandmarkTask;
import sc.fiji.amat.task.landmarks.Landmarks;

/**
 * The ImageJ side of landmark detection: labels from point ROIs ({@link LandmarkRois}) or files
 * ({@link LandmarkFiles}); the pixel size from the label file when it says (CSV comment, ISBI
 * layout), otherwise from the images' spatial calibration (mm, cm, µm); and the sample data.
 */
@Plugin(type = ImageJTaskType.class, name = LandmarkTask.TYPE)
public final class LandmarkImageJType implements ImageJTaskType {

	static final int TRAIN = 120, TEST = 30, SIZE = 64;

	@Override
	public String name() {
		return LandmarkTask.TYPE;
	}

	@Override
	public ImageJTask<?> adapt(final Task<?> task) {
		return new LandmarkImageJ((LandmarkTask) task);
	}

	@Override
	public Labeled<?> fromImages(final ImagePlus images, final ImagePlus labels, final Normalization normalization,
		final NetworkConfig network)
	{
		final ImagePlus source = labels != null ? labels : images;
		final LandmarkRois.Read r = LandmarkRois.read(source, null);
		if (r == null) {
			throw new AmatException("Landmark detection needs landmarks: mark them on '" + source.getTitle() +
				"' as point ROIs (a multi-point selection in landmark order, named points in its overlay, or the ROI " +
				"Manager), or give the images and a CSV file of image, landmark, x, y.");
		}
		if (r.landmarks.size() != StackSamples.count(images)) {
			throw new AmatException("'" + images.getTitle() + "' has " + StackSamples.count(images) + " images but '" +
				source.getTitle() + "' has landmarks for " + r.landmarks.size() + ".");
		}
		return labeled(images, r.names, r.landmarks, pixelSize(images), normalization, network);
	}

	/** An image stack file or folder with a CSV file or a folder of text files ({@link LandmarkFiles}). */
	@Override
	public Labeled<?> fromFiles(final Path images, final Path labels, final Normalization normalization,
		final NetworkConfig network)
	{
		LandmarkFiles.requireExists(labels);
		final ImagePlus imp = ImageFolders.openStack(images);
		final LandmarkFiles.Read r = LandmarkFiles.read(labels, StackSamples.names(imp), imp.getWidth(), imp
			.getHeight());
		return labeled(imp, r.names, r.landmarks, Double.isNaN(r.pixelSize) ? pixelSize(imp) : r.pixelSize,
			normalization, network);
	}

	private static Labeled<Landmarks> labeled(final ImagePlus images, final List<String> names,
		final List<Landmarks> landmarks, final double pixelSize, final Normalization normalization,
		final NetworkConfig network)
	{
		final NormalizedImages norm = NormalizedImages.of(images, normalization);
		for (final Landmarks l : landmarks) {
			for (int k = 0; k < l.size(); k++) {
				if (!LandmarkTask.inside(l.x(k), l.y(k), norm.width, norm.height)) {
					throw new AmatException(String.format(Locale.ROOT, "%s: landmark %s at (%.2f, %.2f) lies outside the " +
						"%dx%d image.", l.source(), names.get(k), l.x(k), l.y(k), norm.width, norm.height));
				}
			}
		}
		final LabeledData<Landmarks> data = new LabeledData<>(norm.values(), norm.channels, norm.height, norm.width,
			landmarks);
		return new Labeled<>(new LandmarkTask(names, pixelSize, norm.channels, network), data);
	}

	/** The images' pixel width in mm when they are calibrated in a length unit, else NaN. */
	static double pixelSize(final ImagePlus imp) {
		final Calibration c = imp.getCalibration();
		if (c == null || !c.scaled()) return Double.NaN;
		final String u = c.getUnit().trim().toLowerCase(Locale.ROOT);
		final double f = u.equals("mm") || u.equals("millimeter") || u.equals("millimetre") ? 1 : u.equals("cm") ? 10
			: u.equals("µm") || u.equals("um") || u.equals("micron") || u.equals("microns") ? 1e-3 : u.equals("m") ? 1e3
				: Double.NaN;
		return c.pixelWidth * f;
	}

	/** Where the sample data keeps a split's landmarks: {@code <split>-landmarks.csv}. */
	@Override
	public Path sampleLabels(final Path dir, final String split) {
		return dir.resolve(split + "-landmarks.csv");
	}

	/**
	 * 120 training and 30 test X-ray-like 64 x 64 skull profiles with 10 landmarks
	 * ({@link LandmarkSamples}): train-images.tif and test-images.tif (8-bit stacks, slice labels
	 * train-001 ..., calibrated in mm, the landmarks as named points in their overlays) and
	 * train-landmarks.csv, test-landmarks.csv.
	 */
	@Override
	public void writeSamples(final Path dir, final long seed) {
		final LandmarkSamples gen = new LandmarkSamples(SIZE, seed);
		SampleFiles.createFolder(dir);
		writeSplit(gen, dir, "train", 0, TRAIN);
		writeSplit(gen, dir, "test", TRAIN, TEST);
	}

	private static void writeSplit(final LandmarkSamples gen, final Path dir, final String split, final int first,
		final int count)
	{
		final ImageStack stack = new ImageStack(SIZE, SIZE);
		final List<Landmarks> labels = new ArrayList<>();
		final List<String> imageNames = new ArrayList<>();
		for (int i = first; i < first + count; i++) {
			final byte[] pixels = new byte[SIZE * SIZE];
			final String name = String.format(Locale.ROOT, "%s-%03d", split, i - first + 1);
			labels.add(gen.sample(i, pixels));
			stack.addSlice(name, new ByteProcessor(SIZE, SIZE, pixels));
			imageNames.add(name);
		}
		final ImagePlus imp = new ImagePlus(split + "-images", stack);
		final Calibration cal = new Calibration();
		cal.pixelWidth = cal.pixelHeight = gen.pixelSize();
		cal.setUnit("mm");
		imp.setCalibration(cal);
		final LandmarkTask task = new LandmarkTask(LandmarkSamples.NAMES, gen.pixelSize(), 1, new NetworkConfig());
		imp.setOverlay(LandmarkRois.overlay(task, labels));
		SampleFiles.saveTiff(imp, dir.resolve(split + "-images.tif"));
		LandmarkFiles.writeCsv(dir.resolve(split + "-landmarks.csv"), LandmarkSamples.NAMES, imageNames, labels, gen
			.pixelSize());
	}
}
