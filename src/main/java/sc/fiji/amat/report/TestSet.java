package sc.fiji.amat.report;

import ij.ImagePlus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.data.volume.VolumeSlicer;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.task.ij.ImageJTasks;
import sc.fiji.amat.task.segmentation.Mask;

/**
 * A labelled test set as the user gave it: raw intensities of N images of C channels and one
 * label per image, for one task type. The images may differ in size: they are kept in size
 * groups (each group's images of one size, in test-set order, with their positions in the test
 * set), which the report evaluates one after the other, so that no batch mixes sizes, and whose
 * per-image results it puts back in test-set order. The images are kept raw and unpadded; every
 * model sees them through its own normalisation and, for volume slices, padded to its own size
 * multiple ({@link #groupsFor(Normalization, int)}), as it saw its training data.
 *
 * @param <L> the task's label type
 */
public final class TestSet<L> {

	/** The identity: range normalisation from [0, 1]. */
	private static final Normalization RAW = Normalization.range(0, 1);

	private final String taskType;
	private final String title;
	private final int channels;
	/** Per size group: raw values (images of the group in test-set order), size, positions in the test set. */
	private final List<float[]> raw = new ArrayList<>();
	private final int[] heights, widths;
	private final List<int[]> positions = new ArrayList<>();
	/** Per image: its group and its index in the group. */
	private final int[] groupOf, indexInGroup;
	private final List<L> labels;
	/** The volume of each image for slices cut from volumes, else null. */
	private final List<String> volumes;
	private final Map<String, List<LabeledData<L>>> normalized = new LinkedHashMap<>();

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
		this(taskType, title, channels, Collections.singletonList(raw), new int[] { height }, new int[] { width },
			Collections.singletonList(range(labels.size())), labels, volumes);
	}

	private TestSet(final String taskType, final String title, final int channels, final List<float[]> raw,
		final int[] heights, final int[] widths, final List<int[]> positions, final List<L> labels,
		final List<String> volumes)
	{
		if (labels.isEmpty()) throw new AmatException("The test set is empty: give at least one image and its label.");
		this.groupOf = new int[labels.size()];
		this.indexInGroup = new int[labels.size()];
		Arrays.fill(groupOf, -1);
		for (int g = 0; g < raw.size(); g++) {
			final long size = (long) channels * heights[g] * widths[g];
			if ((long) positions.get(g).length * size != raw.get(g).length) {
				throw new AmatException("The test set has " + raw.get(g).length / size + " images of " + widths[g] + "x" +
					heights[g] + " pixels but " + positions.get(g).length + " labels for them: give one label per image.");
			}
			for (int k = 0; k < positions.get(g).length; k++) {
				final int i = positions.get(g)[k];
				if (i < 0 || i >= labels.size() || groupOf[i] >= 0) throw new IllegalArgumentException("image " + i +
					" placed twice or out of range");
				groupOf[i] = g;
				indexInGroup[i] = k;
			}
		}
		for (final int g : groupOf) {
			if (g < 0) throw new IllegalArgumentException("an image without a size group");
		}
		this.taskType = taskType;
		this.title = title;
		this.channels = channels;
		this.raw.addAll(raw);
		this.heights = heights.clone();
		this.widths = widths.clone();
		for (final int[] p : positions) this.positions.add(p.clone());
		this.labels = Collections.unmodifiableList(new ArrayList<>(labels));
		if (volumes != null && volumes.size() != labels.size()) throw new IllegalArgumentException(volumes.size() +
			" volume names for " + labels.size() + " images");
		this.volumes = volumes == null ? null : Collections.unmodifiableList(new ArrayList<>(volumes));
	}

	private static int[] range(final int n) {
		final int[] r = new int[n];
		for (int i = 0; i < n; i++) r[i] = i;
		return r;
	}

	/**
	 * A test set from parts in order (e.g. one per file or volume), each of one size, all of the
	 * same channel count: the test set's images are the parts' images one after the other, kept
	 * in groups of one size. Parts of one size make one group.
	 *
	 * @param volumes the volume of each image of the test set (null: not from volumes)
	 */
	public static <L> TestSet<L> ofParts(final String taskType, final String title, final List<LabeledData<L>> parts,
		final List<String> volumes)
	{
		if (parts.isEmpty()) throw new AmatException("The test set is empty: give at least one image and its label.");
		final int channels = parts.get(0).channels();
		final Map<String, List<float[]>> values = new LinkedHashMap<>();
		final Map<String, List<Integer>> where = new LinkedHashMap<>();
		final Map<String, int[]> sizes = new LinkedHashMap<>();
		final List<L> labels = new ArrayList<>();
		for (final LabeledData<L> p : parts) {
			if (p.channels() != channels) {
				throw new AmatException("Some test images have " + p.channels() + " channel(s) and others " + channels +
					": all test images need the same channels.");
			}
			final String key = p.height() + "x" + p.width();
			sizes.putIfAbsent(key, new int[] { p.height(), p.width() });
			for (int i = 0; i < p.size(); i++) {
				values.computeIfAbsent(key, k -> new ArrayList<>()).add(p.image(i));
				where.computeIfAbsent(key, k -> new ArrayList<>()).add(labels.size());
				labels.add(p.label(i));
			}
		}
		final List<float[]> raw = new ArrayList<>();
		final List<int[]> positions = new ArrayList<>();
		final int[] h = new int[sizes.size()], w = new int[sizes.size()];
		int g = 0;
		for (final String key : sizes.keySet()) {
			final List<float[]> images = values.get(key);
			final int s = images.get(0).length;
			final float[] all = new float[images.size() * s];
			for (int k = 0; k < images.size(); k++) System.arraycopy(images.get(k), 0, all, k * s, s);
			raw.add(all);
			positions.add(where.get(key).stream().mapToInt(Integer::intValue).toArray());
			h[g] = sizes.get(key)[0];
			w[g++] = sizes.get(key)[1];
		}
		return new TestSet<>(taskType, title, channels, raw, h, w, positions, labels, volumes);
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

	/**
	 * As {@link #fromImages}, from files in the forms the task type reads ({@link ImageJTaskType#testFromFiles});
	 * images of different sizes ({@link MixedSizeReaders}: folders of images and label images,
	 * NIfTI volumes of different in-plane sizes) make a test set of several size groups.
	 */
	public static TestSet<?> fromFiles(final String taskType, final Path images, final Path labels) {
		final MixedSizeReaders.Parts parts = MixedSizeReaders.read(taskType, images, labels, RAW);
		if (parts != null) return ofParts(taskType, images.getFileName().toString(), parts.parts, parts.volumes);
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

	/** The images' height, the largest when they differ in size. */
	public int height() {
		return Arrays.stream(heights).max().getAsInt();
	}

	/** The images' width, the largest when they differ in size. */
	public int width() {
		return Arrays.stream(widths).max().getAsInt();
	}

	/** The number of size groups (1: every image has one size). */
	public int groups() {
		return heights.length;
	}

	/** The height of the images of size group g. */
	public int height(final int group) {
		return heights[group];
	}

	/** The width of the images of size group g. */
	public int width(final int group) {
		return widths[group];
	}

	/** The positions in the test set of size group g's images, in order (a copy). */
	public int[] positions(final int group) {
		return positions.get(group).clone();
	}

	/** The size group of image i. */
	public int groupOf(final int image) {
		return groupOf[image];
	}

	/** The index of image i in its size group. */
	public int indexInGroup(final int image) {
		return indexInGroup[image];
	}

	public List<L> labels() {
		return labels;
	}

	/** The volume of each image when the images are slices of volumes, else null. */
	public List<String> volumes() {
		return volumes;
	}

	/** Batches of at most {@code batchSize} images the test set makes, group by group. */
	public int batches(final int batchSize) {
		int b = 0;
		for (final int[] p : positions) b += (p.length + batchSize - 1) / batchSize;
		return b;
	}

	/**
	 * Per image of size group g and channel (image-major, in the group's order), the scale of
	 * normalisation {@code to} divided by that of {@code from}: what a perturbation made in
	 * {@code from}'s normalised units is multiplied by to be the same change of raw intensities in
	 * {@code to}'s units.
	 */
	public double[] scaleRatio(final Normalization to, final Normalization from, final int group) {
		final int n = positions.get(group).length, plane = heights[group] * widths[group];
		final double[] a = to.apply(raw.get(group), n, channels, plane).scale;
		final double[] b = from.apply(raw.get(group), n, channels, plane).scale;
		final double[] r = new double[a.length];
		for (int i = 0; i < r.length; i++) r[i] = a[i] / b[i];
		return r;
	}

	/**
	 * A SHA-256 digest of the task type, the image sizes and every raw value and label: jobs of a
	 * split report check by it that they evaluated the same test set. A test set of one size keeps
	 * the digest it always had; one of several sizes adds each image's size in test-set order.
	 */
	public String fingerprint() {
		final java.security.MessageDigest d = ReportFiles.sha256();
		final java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(16);
		d.update(taskType.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		if (groups() == 1) {
			head.putInt(labels.size()).putInt(channels).putInt(heights[0]).putInt(widths[0]);
			d.update(head.array());
			d.update(bytes(raw.get(0), 0, raw.get(0).length));
		}
		else {
			head.putInt(labels.size()).putInt(channels).putInt(-1).putInt(groups());
			d.update(head.array());
			for (int i = 0; i < size(); i++) {
				final int g = groupOf[i], s = channels * heights[g] * widths[g];
				d.update(java.nio.ByteBuffer.allocate(8).putInt(heights[g]).putInt(widths[g]).array());
				d.update(bytes(raw.get(g), indexInGroup[i] * s, s));
			}
		}
		// label types have value-based hash codes (Task's contract)
		for (final L label : labels) d.update(java.nio.ByteBuffer.allocate(4).putInt(label.hashCode()).array());
		if (volumes != null) {
			for (final String v : volumes) d.update((v + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}
		return ReportFiles.hex(d.digest());
	}

	private static byte[] bytes(final float[] v, final int from, final int length) {
		final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(length * 4);
		b.asFloatBuffer().put(v, from, length);
		return b.array();
	}

	/**
	 * The size groups' images normalised as a model with this normalisation expects them, not
	 * padded (cached): {@link #groupsFor(Normalization, int)} with multiple 1.
	 */
	public List<LabeledData<L>> groupsFor(final Normalization normalization) {
		return groupsFor(normalization, 1);
	}

	/**
	 * The size groups' images as a model with this normalisation and size multiple is given them
	 * (cached per normalisation and multiple), each group one {@link LabeledData} of one size, its
	 * images in the group's order: each image normalised on its own pixels, then, for slices of
	 * segmentation volumes ({@link #volumes} not null, masks as labels), padded at the right and
	 * bottom to its sides rounded up to {@code multiple} as training pads volume slices
	 * ({@link VolumeSlicer#normalizeAndPad}: each channel with its normalised minimum, labels with
	 * background). Images whose sides are multiples already, and 2D images (which training does
	 * not pad either: a model refuses them), are as they are.
	 */
	public synchronized List<LabeledData<L>> groupsFor(final Normalization normalization, final int multiple) {
		return normalized.computeIfAbsent(normalization + "@" + Math.max(1, multiple), k -> {
			final List<LabeledData<L>> out = new ArrayList<>();
			for (int g = 0; g < groups(); g++) {
				final int[] p = positions.get(g);
				final List<L> groupLabels = new ArrayList<>(p.length);
				for (final int i : p) groupLabels.add(labels.get(i));
				final boolean pad = volumes != null && groupLabels.get(0) instanceof Mask;
				final int m = pad ? multiple : 1, h = VolumeSlicer.roundUp(heights[g], m), w = VolumeSlicer.roundUp(
					widths[g], m);
				out.add(new LabeledData<>(VolumeSlicer.normalizeAndPad(normalization, raw.get(g), p.length, channels,
					heights[g], widths[g], m), channels, h, w, h == heights[g] && w == widths[g] ? groupLabels : padded(
						groupLabels, heights[g], widths[g], h, w)));
			}
			return Collections.unmodifiableList(out);
		});
	}

	@SuppressWarnings("unchecked")
	private static <L> List<L> padded(final List<L> masks, final int sh, final int sw, final int h, final int w) {
		final List<L> out = new ArrayList<>(masks.size());
		for (final L m : masks) out.add((L) new Mask(VolumeSlicer.padLabel(((Mask) m).classes(), sh, sw, h, w), w, h));
		return out;
	}

	/** The images of a test set of one size normalised as a model with this normalisation expects them (cached). */
	public LabeledData<L> normalizedFor(final Normalization normalization) {
		return normalizedFor(normalization, 1);
	}

	/** As {@link #groupsFor(Normalization, int)} for a test set of one size. */
	public LabeledData<L> normalizedFor(final Normalization normalization, final int multiple) {
		requireOneSize();
		return groupsFor(normalization, multiple).get(0);
	}

	private void requireOneSize() {
		if (groups() > 1) throw new IllegalStateException("The test set '" + title + "' holds images of " + groups() +
			" sizes: take its size groups (groupsFor)");
	}
}
