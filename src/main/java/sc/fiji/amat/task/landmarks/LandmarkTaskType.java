package sc.fiji.amat.task.landmarks;

import com.google.gson.JsonObject;

import ij.ImagePlus;
import ij.measure.Calibration;

import java.nio.file.Path;
import java.util.Locale;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.NormalizedImages;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.TaskType;

/**
 * Registers {@link LandmarkTask}: labels from point ROIs ({@link LandmarkRois}) or files
 * ({@link LandmarkFiles}); the pixel size from the label file when it says (CSV comment, ISBI
 * layout), otherwise from the images' spatial calibration (mm, cm, µm).
 */
@Plugin(type = TaskType.class, name = LandmarkTask.TYPE)
public final class LandmarkTaskType implements TaskType {

	static final int TRAIN = 120, TEST = 30, SIZE = 64;

	@Override
	public String name() {
		return LandmarkTask.TYPE;
	}

	@Override
	public Task<?> fromSpec(final JsonObject spec, final int inputChannels, final NetworkConfig network) {
		return LandmarkTask.fromSpec(spec, inputChannels, network);
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
		if (r.landmarks.size() != LandmarkRois.samples(images)) {
			throw new AmatException("'" + images.getTitle() + "' has " + LandmarkRois.samples(images) + " images but '" +
				source.getTitle() + "' has landmarks for " + r.landmarks.size() + ".");
		}
		return labeled(images, r.names, r.landmarks, pixelSize(images), normalization, network);
	}

	@Override
	public Labeled<?> fromFiles(final Path images, final Path labels, final Normalization normalization,
		final NetworkConfig network)
	{
		final LandmarkFiles.Read r = LandmarkFiles.read(images, labels);
		return labeled(r.images, r.names, r.landmarks, Double.isNaN(r.pixelSize) ? pixelSize(r.images) : r.pixelSize,
			normalization, network);
	}

	private static Labeled<Landmarks> labeled(final ImagePlus images, final java.util.List<String> names,
		final java.util.List<Landmarks> landmarks, final double pixelSize, final Normalization normalization,
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

	/** 120 training and 30 test X-ray-like 64 x 64 skull profiles with 10 landmarks. */
	@Override
	public void writeSamples(final Path dir, final long seed) {
		new LandmarkSamples(SIZE, seed).write(dir, TRAIN, TEST);
	}
}
