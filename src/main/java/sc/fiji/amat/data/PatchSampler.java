package sc.fiji.amat.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import sc.fiji.amat.AmatException;

/**
 * Random square patches of one size from labelled images of any size (each at least the patch
 * size), for training on images larger than, or of other sizes than, what one batch holds.
 * <p>
 * Each call to {@link #sample} cuts one patch per image it is given, at an offset drawn from a
 * generator seeded by (seed, epoch, image), so an epoch's patches do not depend on the batch
 * order, the other images or whether the run was resumed. A patch's stable id is its
 * <em>image's</em> id: AMAT keeps one margin per image, since a patch id would be new every
 * epoch and its margin would never grow, while an image's margin accumulates over the epochs as
 * the method's per-sample margins do (its patches share its anatomy, contrast and noise).
 * Epoch 0 is reserved for the fixed patches that validate and calibrate ({@link #fixed}). A
 * patch keeps its image's group too (the volume a slice was cut from; {@link LabeledData#group}).
 * </p>
 *
 * @param <L> the task's label type
 */
public final class PatchSampler<L> {

	/** Cuts a label to a patch: the part of {@code label} in the rectangle, in the patch's coordinates. */
	public interface LabelCrop<L> {

		L crop(L label, int x, int y, int width, int height);
	}

	private final List<LabeledData<L>> sets;
	private final int[] setOf, indexIn;
	private final int patch, channels;
	private final LabelCrop<L> crop;

	/**
	 * @param sets labelled images, each set of one size (a set may hold one image), all with the
	 *          same channels; image ids are their positions over the sets in order
	 * @param names a name per set for messages (a file name), or null
	 * @param patch the patch side in pixels
	 * @param crop the task's label crop
	 */
	public PatchSampler(final List<LabeledData<L>> sets, final List<String> names, final int patch,
		final LabelCrop<L> crop)
	{
		if (sets.isEmpty()) throw new AmatException("The training set is empty: give at least one image and label.");
		if (patch < 1) throw new AmatException("The patch size must be at least 1 pixel, got " + patch + ".");
		int n = 0;
		for (int s = 0; s < sets.size(); s++) {
			final LabeledData<L> d = sets.get(s);
			final String name = names == null ? "Training image set " + (s + 1) : "The training image " + names.get(s);
			if (d.width() < patch || d.height() < patch) {
				throw new AmatException(name + " is " + d.width() + "x" + d.height() + " pixels, smaller than the " + patch +
					"x" + patch + " patches: use a smaller patch size or leave that image out.");
			}
			if (d.channels() != sets.get(0).channels()) {
				throw new AmatException(name + " has " + d.channels() + " channel(s), the first image " + sets.get(0)
					.channels() + ": give images with the same channels.");
			}
			n += d.size();
		}
		this.sets = Collections.unmodifiableList(new ArrayList<>(sets));
		this.setOf = new int[n];
		this.indexIn = new int[n];
		for (int s = 0, k = 0; s < sets.size(); s++) {
			for (int i = 0; i < sets.get(s).size(); i++, k++) {
				setOf[k] = s;
				indexIn[k] = i;
			}
		}
		this.patch = patch;
		this.channels = sets.get(0).channels();
		this.crop = crop;
	}

	/** The number of images. */
	public int size() {
		return setOf.length;
	}

	public int patchSize() {
		return patch;
	}

	public int channels() {
		return channels;
	}

	/** The height and width of image i. */
	public int[] imageSize(final int i) {
		final LabeledData<L> d = sets.get(setOf[i]);
		return new int[] { d.height(), d.width() };
	}

	/** One patch of every image: the fixed patches (epoch 0) that validate and calibrate. */
	public LabeledData<L> fixed(final long seed) {
		final int[] all = new int[size()];
		for (int i = 0; i < all.length; i++) all[i] = i;
		return sample(all, seed, 0);
	}

	/**
	 * One patch per image at the given positions (image ids), in that order, each keeping its
	 * image's id; the offsets are drawn from (seed, epoch, image).
	 */
	public LabeledData<L> sample(final int[] images, final long seed, final int epoch) {
		final int area = patch * patch, size = channels * area;
		final float[] out = new float[images.length * size];
		final List<L> labels = new ArrayList<>(images.length);
		for (int k = 0; k < images.length; k++) {
			final int id = images[k];
			final LabeledData<L> d = sets.get(setOf[id]);
			final int[] at = offset(id, d.height(), d.width(), seed, epoch);
			final float[] im = d.image(indexIn[id]);
			final int h = d.height(), w = d.width();
			for (int c = 0; c < channels; c++) {
				for (int y = 0; y < patch; y++) {
					System.arraycopy(im, (c * h + at[0] + y) * w + at[1], out, k * size + c * area + y * patch, patch);
				}
			}
			labels.add(crop.crop(d.label(indexIn[id]), at[1], at[0], patch, patch));
		}
		final LabeledData<L> patches = LabeledData.withIds(out, channels, patch, patch, labels, images);
		return hasGroups() ? patches.withGroups(groups(images)) : patches;
	}

	/** Whether every image carries a group (the volume it was cut from), which its patches then keep. */
	private boolean hasGroups() {
		for (final LabeledData<L> d : sets) {
			if (!d.hasGroups()) return false;
		}
		return true;
	}

	private List<String> groups(final int[] images) {
		final List<String> out = new ArrayList<>(images.length);
		for (final int id : images) out.add(sets.get(setOf[id]).group(indexIn[id]));
		return out;
	}

	/** The top-left corner (y, x) of image {@code id}'s patch in that epoch. */
	int[] offset(final int id, final int height, final int width, final long seed, final int epoch) {
		final Random r = new Random(mix(mix(mix(seed) + epoch) + id));
		return new int[] { r.nextInt(height - patch + 1), r.nextInt(width - patch + 1) };
	}

	/** SplitMix64's finaliser: neighbouring seeds give unrelated generators. */
	private static long mix(final long v) {
		long z = v + 0x9E3779B97F4A7C15L;
		z = (z ^ z >>> 30) * 0xBF58476D1CE4E5B9L;
		z = (z ^ z >>> 27) * 0x94D049BB133111EBL;
		return z ^ z >>> 31;
	}
}
