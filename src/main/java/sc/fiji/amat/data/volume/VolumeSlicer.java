package sc.fiji.amat.data.volume;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.Normalization;

/**
 * Cuts labelled volumes into 2D slices along one axis, checking each pair first: the label
 * must be 3D, of the image's x/y/z size and affine; the image must have the number of channels
 * (modalities, its 4th dimension) the dataset names; label values must be class indices.
 * Normalisation is {@link Normalization} applied per slice and channel, as to every 2D image and
 * as a model applies it to each image it is given (its normalisation is recorded per image, so a
 * per-volume normalisation would not be the one it sees in prediction and in the report).
 */
public final class VolumeSlicer {

	/** Relative tolerance when comparing an image's and its label's affines (NIfTI-1 stores floats). */
	static final double AFFINE_TOLERANCE = 1e-4;

	/** How to cut: axis, empty slices, normalisation, padding. */
	public static final class Options {

		public SliceAxis axis = SliceAxis.Z;
		public EmptySlices emptySlices = EmptySlices.keep();
		/** Seed of the {@code fraction} empty-slice option. */
		public long seed = 1;
		/** Applied to each slice and channel (range 0 1: the raw values, e.g. for a report's test set). */
		public Normalization normalization = Normalization.zscore();
		/**
		 * 0: all slices must have one size; k >= 1: pad slices at the right and bottom (images with
		 * the slice's minimum, labels with background) to the largest size, rounded up to a
		 * multiple of k.
		 */
		public int padMultiple = 0;
	}

	private VolumeSlicer() {}

	/**
	 * Slices of the cases' volumes. {@code channels}: the number of modalities the dataset names
	 * (-1: take each image's 4th dimension, the same for all); {@code classes}: the number of
	 * classes the labels may use (-1: up to 255).
	 */
	public static VolumeSlices slice(final List<MsdDataset.Case> cases, final int channels, final int classes,
		final Options o)
	{
		if (cases.isEmpty()) throw new AmatException("There are no labelled volumes to slice.");
		final List<float[]> planes = new ArrayList<>();
		final List<byte[]> labels = new ArrayList<>();
		final List<int[]> sizes = new ArrayList<>();
		final List<VolumeSlices.SliceRef> refs = new ArrayList<>();
		final List<VolumeSlices.Volume> volumes = new ArrayList<>();
		int idBase = 0, c = channels;
		String first = null;
		for (final MsdDataset.Case k : cases) {
			final NiftiImage image = Nifti.read(k.image);
			final NiftiImage label = Nifti.read(k.label);
			final int[] xyz = check(image, label, c, classes, k);
			final int cc = (int) image.channels();
			if (c < 0) {
				c = cc;
				first = k.name;
			}
			else if (cc != c) {
				throw new AmatException("The image " + k.image.getFileName() + " has " + cc + " channel(s) but " + first +
					" has " + c + ": all images need the same modalities.");
			}
			final float[] values = image.values();
			final int n = o.axis.count(xyz);
			final int[] wh = o.axis.plane(xyz);
			final int plane = wh[0] * wh[1];
			int empties = 0;
			for (int s = 0; s < n; s++) {
				final int id = idBase + s;
				final float[] lab = new float[plane];
				o.axis.copy(label.values(), xyz, 0, s, lab, 0);
				final byte[] mask = new byte[plane];
				boolean empty = true;
				for (int p = 0; p < plane; p++) {
					mask[p] = (byte) Math.round(lab[p]);
					if (mask[p] != 0) empty = false;
				}
				if (empty && !o.emptySlices.keepEmpty(empties++, id, o.seed)) continue;
				final float[] im = new float[c * plane];
				for (int ch = 0; ch < c; ch++) o.axis.copy(values, xyz, ch, s, im, ch * plane);
				planes.add(o.normalization.apply(im, 1, c, plane).values);
				labels.add(mask);
				sizes.add(wh);
				refs.add(new VolumeSlices.SliceRef(k.name, o.axis, s, id));
			}
			volumes.add(new VolumeSlices.Volume(k.name, xyz, image.header(), n));
			idBase += n;
		}
		if (refs.isEmpty()) throw new AmatException("Every slice of the volumes is empty (background only) and the " +
			"empty-slice option '" + o.emptySlices + "' dropped them all.");
		return assemble(planes, labels, sizes, refs, volumes, c, o);
	}

	private static VolumeSlices assemble(final List<float[]> planes, final List<byte[]> labels, final List<int[]> sizes,
		final List<VolumeSlices.SliceRef> refs, final List<VolumeSlices.Volume> volumes, final int c, final Options o)
	{
		int w = 0, h = 0;
		for (final int[] s : sizes) {
			w = Math.max(w, s[0]);
			h = Math.max(h, s[1]);
		}
		if (o.padMultiple > 0) {
			w = roundUp(w, o.padMultiple);
			h = roundUp(h, o.padMultiple);
		}
		else {
			for (int i = 0; i < sizes.size(); i++) {
				if (sizes.get(i)[0] != sizes.get(0)[0] || sizes.get(i)[1] != sizes.get(0)[1]) {
					throw new AmatException(String.format(Locale.ROOT, "Slice %s is %dx%d but %s is %dx%d: give a padding " +
						"multiple to pad slices to one size.", refs.get(i), sizes.get(i)[0], sizes.get(i)[1], refs.get(0), sizes
							.get(0)[0], sizes.get(0)[1]));
				}
			}
		}
		final long total = (long) planes.size() * c * w * h;
		if (total > Integer.MAX_VALUE - 8) throw new AmatException("The " + planes.size() + " slices hold " + total +
			" values, more than fit in memory as one set: drop empty slices or use fewer volumes.");
		final float[] images = new float[(int) total];
		final List<byte[]> padded = new ArrayList<>(labels.size());
		for (int i = 0; i < planes.size(); i++) {
			final int sw = sizes.get(i)[0], sh = sizes.get(i)[1];
			padImage(planes.get(i), 0, c, sh, sw, images, i * c * w * h, h, w);
			padded.add(padLabel(labels.get(i), sh, sw, h, w));
			planes.set(i, null);
		}
		return new VolumeSlices(images, padded, c, w, h, o.axis, refs, volumes);
	}

	/** A side rounded up to a multiple of {@code multiple} (1 or less: the side). */
	public static int roundUp(final int side, final int multiple) {
		return multiple <= 1 ? side : (side + multiple - 1) / multiple * multiple;
	}

	/**
	 * Training's padding of one normalised image: its {@code c} channels of {@code sh x sw}
	 * (from {@code src[from]}) copied to the top left of {@code h x w} channels at
	 * {@code dst[to]}, the rest of each channel filled with that channel's minimum (of the
	 * normalised image's own pixels).
	 */
	public static void padImage(final float[] src, final int from, final int c, final int sh, final int sw,
		final float[] dst, final int to, final int h, final int w)
	{
		for (int ch = 0; ch < c; ch++) {
			final int in = from + ch * sw * sh, base = to + ch * w * h;
			float min = Float.POSITIVE_INFINITY;
			for (int q = in; q < in + sw * sh; q++) min = Math.min(min, src[q]);
			Arrays.fill(dst, base, base + w * h, min);
			for (int row = 0; row < sh; row++) System.arraycopy(src, in + row * sw, dst, base + row * w, sw);
		}
	}

	/** Training's padding of a label image of class indices: background (0) at the right and bottom. */
	public static byte[] padLabel(final byte[] classes, final int sh, final int sw, final int h, final int w) {
		final byte[] m = new byte[w * h];
		for (int row = 0; row < sh; row++) System.arraycopy(classes, row * sw, m, row * w, sw);
		return m;
	}

	/**
	 * Images as training gives them to a network: each of the {@code n} images of {@code c}
	 * channels of {@code sh x sw} raw values normalised on its own pixels, then padded
	 * ({@link #padImage}) to its sides rounded up to {@code multiple}: the values of
	 * {@link #slice} for slices of that size, normalisation and padding multiple.
	 */
	public static float[] normalizeAndPad(final Normalization normalization, final float[] raw, final int n,
		final int c, final int sh, final int sw, final int multiple)
	{
		final float[] normalized = normalization.apply(raw, n, c, sh * sw).values;
		final int h = roundUp(sh, multiple), w = roundUp(sw, multiple);
		if (h == sh && w == sw) return normalized;
		final float[] out = new float[n * c * h * w];
		for (int i = 0; i < n; i++) padImage(normalized, i * c * sh * sw, c, sh, sw, out, i * c * h * w, h, w);
		return out;
	}

	/** Checks an image and its label (shape, affine, channels, class indices); returns the x, y, z size. */
	public static int[] check(final NiftiImage image, final NiftiImage label, final int channels, final int classes,
		final MsdDataset.Case k)
	{
		final String in = k.image.getFileName().toString(), ln = k.label.getFileName().toString();
		if (image.dims().length > 5 || image.dims().length > 4 && image.dim(4) > 1) {
			throw new AmatException("The image " + in + " has " + image.dims().length + " dimensions " + Arrays.toString(
				image.dims()) + ": give 3D volumes, or 4D with the modalities along the 4th dimension.");
		}
		if (channels == 1 && image.channels() > 1) {
			throw new AmatException("The image " + in + " is 4D " + Arrays.toString(image.dims()) +
				" but the dataset names one modality: give a 3D image, or name its " + image.channels() + " modalities.");
		}
		if (channels > 1 && image.channels() != channels) {
			throw new AmatException("The image " + in + " has " + image.channels() + " channel(s) " + Arrays.toString(image
				.dims()) + " but the dataset names " + channels + " modalities.");
		}
		if (label.channels() > 1) throw new AmatException("The label volume " + ln + " is 4D " + Arrays.toString(label
			.dims()) + ": a label volume must be 3D.");
		final int[] xyz = { (int) image.dim(0), (int) image.dim(1), (int) image.dim(2) };
		final int[] lxyz = { (int) label.dim(0), (int) label.dim(1), (int) label.dim(2) };
		if (!Arrays.equals(xyz, lxyz)) {
			throw new AmatException("The label volume " + ln + " is " + str(lxyz) + " voxels but its image " + in + " is " +
				str(xyz) + ": a label must have its image's shape.");
		}
		final double[][] a = image.affine(), b = label.affine();
		for (int r = 0; r < 3; r++) {
			for (int col = 0; col < 4; col++) {
				if (Math.abs(a[r][col] - b[r][col]) > AFFINE_TOLERANCE * (1 + Math.abs(a[r][col]))) {
					throw new AmatException("The label volume " + ln + " has another voxel-to-world affine than its image " +
						in + " (row " + r + ": " + Arrays.toString(b[r]) + " vs " + Arrays.toString(a[r]) +
						"): resample the label onto the image's grid.");
				}
			}
		}
		final int max = classes > 0 ? classes - 1 : 255;
		final float[] v = label.values();
		for (int i = 0; i < v.length; i++) {
			if (v[i] != Math.rint(v[i]) || v[i] < 0 || v[i] > max) {
				throw new AmatException("The label volume " + ln + " holds the value " + v[i] + " at voxel " + i +
					", which is not a class index 0 to " + max + ".");
			}
		}
		return xyz;
	}

	private static String str(final int[] xyz) {
		return xyz[0] + "x" + xyz[1] + "x" + xyz[2];
	}
}
