package sc.fiji.amat.report;

import ij.ImagePlus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.ImagePlusImages;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.NdImages;
import sc.fiji.amat.data.NormalizedImages;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationData;
import sc.fiji.amat.task.segmentation.SegmentationTask;

/**
 * A labelled test set as the user gave it: raw intensities (N images of C x H x W values) and
 * one label per image, for one task type. Every model sees it through its own normalisation
 * ({@link #normalizedFor}), as it saw its training data.
 *
 * @param <L> the task's label type
 */
public final class TestSet<L> {

	private final String taskType;
	private final String title;
	private final float[] raw;
	private final int channels, height, width;
	private final List<L> labels;
	private final Map<String, LabeledData<L>> normalized = new LinkedHashMap<>();

	public TestSet(final String taskType, final String title, final float[] raw, final int channels, final int height,
		final int width, final List<L> labels)
	{
		if (labels.isEmpty()) throw new AmatException("The test set is empty: give at least one image and its label.");
		if ((long) labels.size() * channels * height * width != raw.length) {
			throw new AmatException("The test set has " + raw.length / ((long) channels * height * width) + " images but " +
				labels.size() + " labels: give one label per image.");
		}
		this.taskType = taskType;
		this.title = title;
		this.raw = raw;
		this.channels = channels;
		this.height = height;
		this.width = width;
		this.labels = Collections.unmodifiableList(new ArrayList<>(labels));
	}

	/** A segmentation test set: an image stack and a stack of label images (class indices). */
	public static TestSet<Mask> segmentation(final ImagePlus images, final ImagePlus labels) {
		if (images == null) throw new AmatException("No test images were given.");
		if (labels == null) throw new AmatException("No test labels were given.");
		// the checks training data gets: sizes, counts, label values (the normalisation is irrelevant)
		SegmentationData.fromImages(images, labels, Normalization.range(0, 1));
		final int c = images.getNChannels();
		final float[] raw = NdImages.toFloats(ImagePlusImages.wrap(images));
		final List<Mask> masks = SegmentationData.masks(labels);
		return new TestSet<>(SegmentationTask.TYPE, images.getTitle(), raw, c, images.getHeight(), images.getWidth(),
			masks);
	}

	/** A segmentation test set from an image file and a label file (TIFF stacks). */
	public static TestSet<Mask> segmentation(final Path images, final Path labels) {
		final ImagePlus imp = NormalizedImages.open(images);
		final ImagePlus lab = NormalizedImages.open(labels);
		final TestSet<Mask> t = segmentation(imp, lab);
		return new TestSet<>(t.taskType, images.getFileName().toString(), t.raw, t.channels, t.height, t.width, t.labels);
	}

	/** A test set for a task type, from images and label images; only tasks whose labels are images. */
	public static TestSet<?> fromImages(final String taskType, final ImagePlus images, final ImagePlus labels) {
		if (SegmentationTask.TYPE.equals(taskType)) return segmentation(images, labels);
		throw new AmatException("Reports on " + taskType + " models need a test set in that task's own label format, " +
			"which this version cannot read from images yet.");
	}

	/** As {@link #fromImages}, from files. */
	public static TestSet<?> fromFiles(final String taskType, final Path images, final Path labels) {
		if (SegmentationTask.TYPE.equals(taskType)) return segmentation(images, labels);
		throw new AmatException("Reports on " + taskType + " models need a test set in that task's own label format, " +
			"which this version cannot read from files yet.");
	}

	public String taskType() {
		return taskType;
	}

	public String title() {
		return title;
	}

	public int size() {
		return labels.size();
	}

	public int channels() {
		return channels;
	}

	public int height() {
		return height;
	}

	public int width() {
		return width;
	}

	public List<L> labels() {
		return labels;
	}

	/**
	 * A SHA-256 digest of the task type, the image size and every raw value and label: jobs of a
	 * split report check by it that they evaluated the same test set.
	 */
	public String fingerprint() {
		try {
			final java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
			final java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(16);
			head.putInt(labels.size()).putInt(channels).putInt(height).putInt(width);
			d.update(taskType.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			d.update(head.array());
			final java.nio.ByteBuffer values = java.nio.ByteBuffer.allocate(raw.length * 4);
			values.asFloatBuffer().put(raw);
			d.update(values.array());
			for (final L label : labels) {
				if (label instanceof Mask) d.update(((Mask) label).classes());
				else d.update(String.valueOf(label).getBytes(java.nio.charset.StandardCharsets.UTF_8));
			}
			return ReportPart.hex(d.digest());
		}
		catch (final java.security.NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	/** The images normalised as a model with this normalisation expects them (cached). */
	public synchronized LabeledData<L> normalizedFor(final Normalization normalization) {
		return normalized.computeIfAbsent(normalization.toString(), k -> new LabeledData<>(normalization.apply(raw, size(),
			channels, height * width).values, channels, height, width, labels));
	}
}
