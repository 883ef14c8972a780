package sc.fiji.amat.report;

import java.util.Arrays;
import java.util.Locale;

/**
 * A small inline SVG histogram of AMAT's per-sample margins after the last epoch (rms per
 * value), with the 10th, 50th and 90th percentiles written under it: whether the margins
 * adapted (spread out) or all stayed at delta shows at a glance.
 */
final class MarginHistogram {

	static final int BINS = 20, WIDTH = 360, HEIGHT = 120, PAD = 24;

	private MarginHistogram() {}

	/** Counts of the values in {@code bins} equal bins from the smallest to the largest (one bin when all are equal). */
	static int[] counts(final double[] values, final int bins) {
		final double lo = Arrays.stream(values).min().orElse(0), hi = Arrays.stream(values).max().orElse(0);
		final int n = hi > lo ? bins : 1;
		final int[] c = new int[n];
		for (final double v : values) c[n == 1 ? 0 : Math.min(n - 1, (int) ((v - lo) / (hi - lo) * n))]++;
		return c;
	}

	/** The SVG, or "" for no values. */
	static String svg(final double[] marginsRms) {
		if (marginsRms.length == 0) return "";
		final double[] s = marginsRms.clone();
		Arrays.sort(s);
		final int[] c = counts(s, BINS);
		final int top = Arrays.stream(c).max().orElse(1);
		final double barW = (double) (WIDTH - 2 * PAD) / c.length;
		final StringBuilder b = new StringBuilder();
		b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" " +
			"role=\"img\" aria-label=\"histogram of the final AMAT margins\">", WIDTH, HEIGHT + 2 * PAD));
		for (int k = 0; k < c.length; k++) {
			final double h = (double) c[k] / top * HEIGHT;
			b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" " +
				"fill=\"#1f77b4\"><title>%d samples</title></rect>", PAD + k * barW, PAD + HEIGHT - h, Math.max(1, barW - 1),
				h, c[k]));
		}
		b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", PAD, PAD +
			HEIGHT, WIDTH - PAD, PAD + HEIGHT));
		b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%.4f</text>", PAD, PAD + HEIGHT + 14,
			s[0]));
		b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.4f</text>",
			WIDTH - PAD, PAD + HEIGHT + 14, s[s.length - 1]));
		b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%d samples, most in one bin: %d" +
			"</text>", PAD, PAD - 8, s.length, top));
		b.append("</svg>");
		return b.toString();
	}
}
