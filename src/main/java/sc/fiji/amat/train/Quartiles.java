package sc.fiji.amat.train;

import java.util.Arrays;

/**
 * The median and interquartile range of repeated measurements (timings), robust to the odd slow
 * repeat that a mean would absorb. Quartiles interpolate linearly between order statistics
 * (R's type 7, numpy's default): for n values sorted, quantile q sits at index q (n - 1).
 */
public final class Quartiles {

	public final double q1, median, q3;
	public final int n;

	private Quartiles(final double q1, final double median, final double q3, final int n) {
		this.q1 = q1;
		this.median = median;
		this.q3 = q3;
		this.n = n;
	}

	/** The quartiles of the values (at least one; NaN values are an error). */
	public static Quartiles of(final double... values) {
		if (values.length == 0) throw new IllegalArgumentException("no values");
		final double[] s = values.clone();
		Arrays.sort(s);
		if (Double.isNaN(s[s.length - 1])) throw new IllegalArgumentException("NaN among the values");
		return new Quartiles(quantile(s, 0.25), quantile(s, 0.5), quantile(s, 0.75), s.length);
	}

	/** The quartiles of a[i] / b[i]: ratios of paired repeats (same round), so drifts in load cancel. */
	public static Quartiles ofRatios(final double[] a, final double[] b) {
		if (a.length != b.length) throw new IllegalArgumentException("unpaired: " + a.length + " vs " + b.length);
		final double[] r = new double[a.length];
		for (int i = 0; i < r.length; i++) r[i] = a[i] / b[i];
		return of(r);
	}

	/** Quantile q of sorted values, linear between neighbours. */
	static double quantile(final double[] sorted, final double q) {
		final double pos = q * (sorted.length - 1);
		final int lo = (int) Math.floor(pos);
		final int hi = Math.min(sorted.length - 1, lo + 1);
		return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
	}

	/** The fraction of values at most {@code limit}. */
	public static double fractionAtMost(final double[] values, final double limit) {
		int k = 0;
		for (final double v : values) if (v <= limit) k++;
		return values.length == 0 ? Double.NaN : k / (double) values.length;
	}

	/** The interquartile range q3 - q1. */
	public double iqr() {
		return q3 - q1;
	}
}
