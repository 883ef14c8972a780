package sc.fiji.amat.task.detection;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import ij.ImagePlus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.TaskType;

/** Registers {@link DetectionTask}. */
@Plugin(type = TaskType.class, name = DetectionTask.TYPE)
public final class DetectionTaskType implements TaskType {

	static final int TRAIN = 128, TEST = 32, SIZE = 64;

	@Override
	public String name() {
		return DetectionTask.TYPE;
	}

	@Override
	public Task<?> fromSpec(final JsonObject spec, final int inputChannels, final NetworkConfig network) {
		final List<String> names = new ArrayList<>();
		for (final JsonElement e : spec.getAsJsonArray("classes")) names.add(e.getAsString());
		return new DetectionTask(names, inputChannels, network);
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
		final DetectionData.Read read;
		if (withRois == images) read = DetectionData.fromImages(images, normalization);
		else {
			final List<Boxes> boxes = DetectionData.boxesFromRois(labels, null, false);
			read = DetectionData.fromImages(copyOverlay(images, labels), normalization);
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
		final DetectionData.Read read = DetectionData.fromFiles(images, labels, normalization);
		return new Labeled<>(new DetectionTask(read.classes, read.data.channels(), network), read.data);
	}

	@Override
	public Path sampleLabels(final Path dir, final String split) {
		return dir.resolve(split + "-labels.csv");
	}

	/** 128 training and 32 test RGB images of 64 x 64 pixels, blood-smear-like, three cell classes. */
	@Override
	public void writeSamples(final Path dir, final long seed) {
		new BloodSmearSamples(SIZE, seed).write(dir, TRAIN, TEST);
	}
}
