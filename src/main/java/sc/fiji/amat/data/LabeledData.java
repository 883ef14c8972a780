package sc.fiji.amat.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import sc.fiji.amat.AmatException;

/**
 * A set of normalised 2D samples of one size, each with a label of the task's type and a stable
 * id (its index in the set it was read from), which AMAT keys its per-sample margins by, and,
 * for samples cut from volumes, the name of the volume each comes from ({@link #group}), which
 * the validation split keeps together.
 *
 * @param <L> the task's label type (a mask, a list of points, a list of boxes)
 */
public final class LabeledData<L> {

	private final float[] images; // N x C x H x W, normalised
	private final int channels, height, width;
	private final List<L> labels;
	private final int[] ids;
	private final String[] groups; // null: independent images

	public LabeledData(final float[] images, final int channels, final int height, final int width,
		final List<L> labels)
	{
		this(images, channels, height, width, labels, range(labels.size()), null);
	}

	private LabeledData(final float[] images, final int channels, final int height, final int width,
		final List<L> labels, final int[] ids, final String[] groups)
	{
		if (labels.isEmpty()) throw new AmatException("The training set is empty: give at least one image and label.");
		if ((long) labels.size() * channels * height * width != images.length) {
			throw new AmatException("There are " + labels.size() + " labels for " + images.length /
				((long) channels * height * width) + " images: give one label per image.");
		}
		this.images = images;
		this.channels = channels;
		this.height = height;
		this.width = width;
		this.labels = Collections.unmodifiableList(new ArrayList<>(labels));
		this.ids = ids;
		this.groups = groups;
	}

	/**
	 * A set whose samples carry the given stable ids (e.g. the image a patch was cut from, so that
	 * AMAT keeps one margin per image however its patches are drawn).
	 */
	public static <L> LabeledData<L> withIds(final float[] images, final int channels, final int height,
		final int width, final List<L> labels, final int[] ids)
	{
		if (ids.length != labels.size()) throw new IllegalArgumentException("one id per label");
		return new LabeledData<>(images, channels, height, width, labels, ids.clone(), null);
	}

	/**
	 * These samples (sharing their pixels), each in the named group: the volume it was cut from,
	 * so that slices of one volume stay on one side of a validation split; null for none.
	 */
	public LabeledData<L> withGroups(final List<String> groupOfSample) {
		if (groupOfSample != null && groupOfSample.size() != size()) throw new IllegalArgumentException(groupOfSample
			.size() + " groups for " + size() + " samples");
		return new LabeledData<>(images, channels, height, width, labels, ids, groupOfSample == null ? null
			: groupOfSample.toArray(new String[0]));
	}

	/** Whether the samples carry groups (volume names), see {@link #withGroups}. */
	public boolean hasGroups() {
		return groups != null;
	}

	/** The group (volume name) of the i-th sample, or null when the samples carry none. */
	public String group(final int i) {
		return groups == null ? null : groups[i];
	}

	private static int[] range(final int n) {
		final int[] r = new int[n];
		for (int i = 0; i < n; i++) r[i] = i;
		return r;
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

	public int sampleSize() {
		return channels * height * width;
	}

	public L label(final int i) {
		return labels.get(i);
	}

	public List<L> labels() {
		return labels;
	}

	/** The stable id of the i-th sample. */
	public int id(final int i) {
		return ids[i];
	}

	/** The normalised values of sample i, C x H x W. */
	public float[] image(final int i) {
		final float[] out = new float[sampleSize()];
		System.arraycopy(images, i * sampleSize(), out, 0, sampleSize());
		return out;
	}

	/** The samples at the given positions, keeping their ids and groups. */
	public LabeledData<L> subset(final int[] positions) {
		final int s = sampleSize();
		final float[] im = new float[positions.length * s];
		final List<L> lab = new ArrayList<>(positions.length);
		final int[] id = new int[positions.length];
		final String[] group = groups == null ? null : new String[positions.length];
		for (int k = 0; k < positions.length; k++) {
			System.arraycopy(images, positions[k] * s, im, k * s, s);
			lab.add(labels.get(positions[k]));
			id[k] = ids[positions[k]];
			if (group != null) group[k] = groups[positions[k]];
		}
		return new LabeledData<>(im, channels, height, width, lab, id, group);
	}

	/** The images at the given positions as an NCHW float32 batch. */
	public NDArray batch(final NDManager manager, final int[] positions) {
		final int s = sampleSize();
		final float[] out = new float[positions.length * s];
		for (int k = 0; k < positions.length; k++) {
			System.arraycopy(images, positions[k] * s, out, k * s, s);
		}
		return manager.create(out, new Shape(positions.length, channels, height, width));
	}

	public List<L> labels(final int[] positions) {
		final List<L> out = new ArrayList<>(positions.length);
		for (final int p : positions) out.add(labels.get(p));
		return out;
	}

	public int[] ids(final int[] positions) {
		final int[] out = new int[positions.length];
		for (int k = 0; k < positions.length; k++) out[k] = ids[positions[k]];
		return out;
	}
}
