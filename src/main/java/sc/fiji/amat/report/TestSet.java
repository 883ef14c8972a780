package sc.fiji.amat.report;

import ij.ImagePlus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.task.ij.ImageJTasks;

/**
 * A labelled test set as the user gave it: raw intensities (N images of C x H x W values) and
 * one label per image, for one task type. Every model sees it through its own normalisation
 * ({@link #normalizedFor}), as it saw its training data.
 *
 * @param <L> the task's label type
 */
public final class TestSet<L> {

	/** The identity: range normalisation from [0, 1]. */
	private static final Normalization RAW = Normalization.range(0, 1);

	private final String taskType;
	private final String title;
	private final float[] raw;
	private final int channels, height, width;
	private final List<L> labels;
	/** The volume of each image for slices cut from volumes, else null. */
	private final List<String> volumes;
	private final Map<String, LabeledData<L>> normalized = new LinkedHashMap<>();

	public TestSet(final String taskType, final String title, final float[] raw, final int channels, final int height,
		final int width, final List<L> labels)
	{
		this(taskType, title, raw, channels, height, width, labels, null);
	}

	/**
	 * As {@link #TestSet(String, String, float[], int, int, int, List)}, for images that are
	 * slices of volumes: {@code volumes} names each image's volume (null: not from volumes); the
	 * report then adds per-volume tables.
	 */
	public TestSet(final String taskType, final String title, final float[] raw, final int channels, final int height,
		final int width, final List<L> labels, final List<String> volumes)
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
		if (volumes != null && volumes.size() != labels.size()) throw new IllegalArgumentException(volumes.size() +
			" volume names for " + labels.size() + " images");
		this.volumes = volumes == null ? null : Collections.unmodifiableList(new ArrayList<>(volumes));
	}

	/**
	 * A test set for a task type from an image (stack) and its labels in the task's form: a
	 * label image, or null for labels the images carry as ROIs. Gets the checks training data
	 * gets (sizes, counts, label values).
	 */
	public static TestSet<?> fromImages(final String taskType, final ImagePlus images, final ImagePlus labels) {
		if (images == null) throw new AmatException("No test images were given.");
		return of(taskType, images.getTitle(), ImageJTasks.type(taskType).fromImages(images, labels, RAW,
			new NetworkConfig()).data);
	}

	/** As {@link #fromImages}, from files in the forms the task type reads ({@link ImageJTaskType#fromFiles}). */
	public static TestSet<?> fromFiles(final String taskType, final Path images, final Path labels) {
		final Labeled<?> l = ImageJTasks.type(taskType).testFromFiles(images, labels, RAW, new NetworkConfig());
		return of(taskType, images.getFileName().toString(), l.data, l.volumeOfSample);
	}

	/** Labelled data already in memory (e.g. a validation split), taken as raw images. */
	public static <L> TestSet<L> of(final String taskType, final String title, final LabeledData<L> d) {
		return of(taskType, title, d, null);
	}

	/** As {@link #of(String, String, LabeledData)}, with the volume of each image (null: not from volumes). */
	public static <L> TestSet<L> of(final String taskType, final String title, final LabeledData<L> d,
		final List<String> volumes)
	{
		final float[] raw = new float[d.size() * d.sampleSize()];
		for (int i = 0; i < d.size(); i++) System.arraycopy(d.image(i), 0, raw, i * d.sampleSize(), d.sampleSize());
		return new TestSet<>(taskType, title, raw, d.channels(), d.height(), d.width(), d.labels(), volumes);
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

	/** The volume of each image when the images are slices of volumes, else null. */
	public List<String> volumes() {
		return volumes;
	}

	/**
	 * Per image and channel (image-major), the scale of normalisation {@code to} divided by that of
	 * {@code from}: what a perturbation made in {@code from}'s normalised units is multiplied by to
	 * be the same change of raw intensities in {@code to}'s units.
	 */
	public double[] scaleRatio(final Normalization to, final Normalization from) {
		final double[] a = to.apply(raw, size(), channels, height * width).scale;
		final double[] b = from.apply(raw, size(), channels, height * width).scale;
		final double[] r = new double[a.length];
		for (int i = 0; i < r.length; i++) r[i] = a[i] / b[i];
		return r;
	}

	/**
	 * A SHA-256 digest of the task type, the image size and every raw value and label: jobs of a
	 * split report check by it that they evaluated the same test set.
	 */
	public String fingerprint() {
		final java.security.MessageDigest d = ReportFiles.sha256();
		final java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(16);
		head.putInt(labels.size()).putInt(channels).putInt(height).putInt(width);
		d.update(taskType.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		d.update(head.array());
		final java.nio.ByteBuffer values = java.nio.ByteBuffer.allocate(raw.length * 4);
		values.asFloatBuffer().put(raw);
		d.update(values.array());
		// label types have value-based hash codes (Task's contract)
		for (final L label : labels) d.update(java.nio.ByteBuffer.allocate(4).putInt(label.hashCode()).array());
		if (volumes != null) {
			for (final String v : volumes) d.update((v + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}
		return ReportFiles.hex(d.digest());
	}

	/** The images normalised as a model with this normalisation expects them (cached). */
	public synchronized LabeledData<L> normalizedFor(final Normalization normalization) {
		return normalized.computeIfAbsent(normalization.toString(), k -> new LabeledData<>(normalization.apply(raw, size(),
			channels, height * width).values, channels, height, width, labels));
	}
}
