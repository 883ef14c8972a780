package sc.fiji.amat.data;

import java.util.Arrays;
import java.util.Locale;

import sc.fiji.amat.AmatException;

/**
 * Per-image, per-channel intensity normalisation, recorded with every model so that training,
 * attacks and evaluation see the same input scale.
 * <ul>
 * <li>{@code zscore}: (v - mean) / std;</li>
 * <li>{@code percentile}: (v - p_low) / (p_high - p_low), percentiles of the image;</li>
 * <li>{@code range}: (v - min) / (max - min) for a fixed intensity range (e.g. 0..255); the only
 * one with a valid normalised range, [0, 1], to which attacks clamp.</li>
 * </ul>
 */
public final class Normalization {

	public enum Method {
		ZSCORE, PERCENTILE, RANGE
	}

	private final Method method;
	private final double low;
	private final double high;

	private Normalization(final Method method, final double low, final double high) {
		this.method = method;
		this.low = low;
		this.high = high;
	}

	public static Normalization zscore() {
		return new Normalization(Method.ZSCORE, 0, 0);
	}

	public static Normalization percentile(final double lowPercent, final double highPercent) {
		if (!(lowPercent >= 0 && lowPercent < highPercent && highPercent <= 100)) {
			throw new AmatException("Percentile normalisation needs 0 <= low < high <= 100, got " + lowPercent +
				" and " + highPercent + ".");
		}
		return new Normalization(Method.PERCENTILE, lowPercent, highPercent);
	}

	public static Normalization range(final double min, final double max) {
		if (!(max > min)) throw new AmatException("Range normalisation needs max > min, got " + min + " and " + max + ".");
		return new Normalization(Method.RANGE, min, max);
	}

	/** Parses "zscore", "percentile", "percentile 1 99.8", "range 0 255". */
	public static Normalization parse(final String text) {
		final String[] w = text.trim().toLowerCase(Locale.ROOT).split("[\\s,:]+");
		try {
			switch (w[0]) {
				case "zscore":
				case "z-score":
					return zscore();
				case "percentile":
					return w.length >= 3 ? percentile(Double.parseDouble(w[1]), Double.parseDouble(w[2])) : percentile(1,
						99.8);
				case "range":
					return w.length >= 3 ? range(Double.parseDouble(w[1]), Double.parseDouble(w[2])) : range(0, 255);
				default:
			}
		}
		catch (final NumberFormatException e) {
			// fall through to the message below
		}
		throw new AmatException("Unknown normalisation '" + text +
			"': use zscore, percentile [low high] or range [min max].");
	}

	public Method method() {
		return method;
	}

	public double low() {
		return low;
	}

	public double high() {
		return high;
	}

	/** The valid range of normalised intensities, or null when there is none to clamp to. */
	public float[] validRange() {
		return method == Method.RANGE ? new float[] { 0f, 1f } : null;
	}

	/**
	 * Normalises {@code n} images of {@code channels} x {@code planeSize} values each, in place
	 * in a copy, and returns the affine maps used: {@code v_norm = (v - offset) * scale}, one
	 * (offset, scale) pair per image and channel, so that results can be mapped back.
	 */
	public Normalized apply(final float[] raw, final int n, final int channels, final int planeSize) {
		final float[] out = new float[raw.length];
		final double[] offset = new double[n * channels];
		final double[] scale = new double[n * channels];
		for (int i = 0; i < n * channels; i++) {
			final int from = i * planeSize;
			final double[] os = affine(raw, from, planeSize);
			offset[i] = os[0];
			scale[i] = os[1];
			for (int k = 0; k < planeSize; k++) {
				out[from + k] = (float) ((raw[from + k] - os[0]) * os[1]);
			}
		}
		return new Normalized(out, offset, scale);
	}

	private double[] affine(final float[] v, final int from, final int len) {
		switch (method) {
			case ZSCORE: {
				double s = 0, s2 = 0;
				for (int k = from; k < from + len; k++) {
					s += v[k];
					s2 += (double) v[k] * v[k];
				}
				final double mean = s / len;
				final double var = Math.max(s2 / len - mean * mean, 0);
				return new double[] { mean, 1 / Math.max(Math.sqrt(var), 1e-6) };
			}
			case PERCENTILE: {
				final float[] sorted = Arrays.copyOfRange(v, from, from + len);
				Arrays.sort(sorted);
				final double lo = quantile(sorted, low / 100), hi = quantile(sorted, high / 100);
				return new double[] { lo, 1 / Math.max(hi - lo, 1e-6) };
			}
			default:
				return new double[] { low, 1 / (high - low) };
		}
	}

	private static double quantile(final float[] sorted, final double q) {
		final double pos = q * (sorted.length - 1);
		final int i = (int) Math.floor(pos);
		final int j = Math.min(i + 1, sorted.length - 1);
		return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
	}

	@Override
	public String toString() {
		switch (method) {
			case ZSCORE:
				return "zscore";
			case PERCENTILE:
				return String.format(Locale.ROOT, "percentile %s %s", fmt(low), fmt(high));
			default:
				return String.format(Locale.ROOT, "range %s %s", fmt(low), fmt(high));
		}
	}

	private static String fmt(final double d) {
		return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
	}

	@Override
	public boolean equals(final Object o) {
		return o instanceof Normalization && o.toString().equals(toString());
	}

	@Override
	public int hashCode() {
		return toString().hashCode();
	}

	/** Normalised values and the per-image, per-channel affine maps that produced them. */
	public static final class Normalized {

		public final float[] values;
		public final double[] offset;
		public final double[] scale;

		Normalized(final float[] values, final double[] offset, final double[] scale) {
			this.values = values;
			this.offset = offset;
			this.scale = scale;
		}

		/** Maps normalised values of image-channel {@code i} back to raw intensities, in place. */
		public void invert(final float[] normalised, final int from, final int len, final int i) {
			for (int k = from; k < from + len; k++) {
				normalised[k] = (float) (normalised[k] / scale[i] + offset[i]);
			}
		}
	}
}
