package sc.fiji.amat.report;

import ij.process.ColorProcessor;

import java.awt.Color;
import java.awt.Font;
import java.util.List;
import java.util.Locale;

/**
 * Draws a model's examples as one RGB sheet: a row per test image with its clean input, the
 * adversarial input (same display range), the noise (adversarial - clean, grey = 0, stretched
 * to its own largest absolute value, which the caption states), and, for tasks the report can
 * draw, the ground truth and the predictions on the clean and on the adversarial input as the
 * task renders them (class maps, points, boxes). Multi-channel images show their first channel.
 * Images of different sizes are drawn each at its own size, with the zoom of the largest.
 */
public final class ExampleImages {

	private static final int CAPTION = 18, FOOTER = 16, GAP = 4, MIN_TILE = 128;

	private ExampleImages() {}

	/** The sheet of one model's examples, or null when there are none. */
	public static ColorProcessor sheet(final String title, final List<Example> examples, final String metricName) {
		if (examples.isEmpty() || examples.get(0).clean == null) return null;
		final Example first = examples.get(0);
		final boolean labels = first.truth != null && first.cleanPrediction != null;
		final String[] captions = labels ? new String[] { "clean", "adversarial", "noise", "ground truth",
			"pred. clean", "pred. adversarial" } : new String[] { "clean", "adversarial", "noise" };
		// images of different sizes share one zoom (set by the largest) and are drawn at their own size
		int maxW = 0, maxH = 0, rows = 0;
		for (final Example e : examples) {
			maxW = Math.max(maxW, e.width);
			maxH = Math.max(maxH, e.height);
		}
		final int zoom = Math.max(1, (MIN_TILE + Math.max(maxW, maxH) - 1) / Math.max(maxW, maxH));
		for (final Example e : examples) rows += e.height * zoom + FOOTER + GAP;
		final int tw = maxW * zoom;
		final int cols = captions.length;
		final int width = cols * tw + (cols + 1) * GAP;
		final int height = CAPTION + 20 + rows + GAP;
		final ColorProcessor cp = new ColorProcessor(width, height);
		cp.setColor(Color.white);
		cp.fill();
		cp.setAntialiasedText(true);
		cp.setColor(Color.black);
		cp.setFont(new Font("SansSerif", Font.BOLD, 13));
		cp.drawString(title, GAP, CAPTION);
		cp.setFont(new Font("SansSerif", Font.PLAIN, 12));
		for (int c = 0; c < cols; c++) cp.drawString(captions[c], GAP + c * (tw + GAP), CAPTION + 18);
		int y = CAPTION + 20 + GAP;
		for (final Example e : examples) {
			final int th = e.height * zoom;
			final float[] clean = channel0(e.clean, e.height * e.width);
			final float[] adv = channel0(e.adversarial, e.height * e.width);
			float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY, big = 0;
			for (int k = 0; k < clean.length; k++) {
				lo = Math.min(lo, clean[k]);
				hi = Math.max(hi, clean[k]);
				big = Math.max(big, Math.abs(adv[k] - clean[k]));
			}
			final int[][] tiles = new int[cols][];
			tiles[0] = grey(clean, lo, hi);
			tiles[1] = grey(adv, lo, hi);
			final float[] noise = new float[clean.length];
			for (int k = 0; k < noise.length; k++) noise[k] = adv[k] - clean[k];
			tiles[2] = grey(noise, -Math.max(big, 1e-12f), Math.max(big, 1e-12f));
			if (labels) {
				tiles[3] = e.truth;
				tiles[4] = e.cleanPrediction;
				tiles[5] = e.adversarialPrediction;
			}
			for (int c = 0; c < cols; c++) put(cp, tiles[c], e.width, e.height, zoom, GAP + c * (tw + GAP), y);
			cp.setColor(Color.black);
			cp.drawString(String.format(Locale.ROOT, "image %d", e.image + 1), GAP, y + th + FOOTER - 3);
			cp.drawString(String.format(Locale.ROOT, "max |noise| %.3g", big), GAP + 2 * (tw + GAP), y + th + FOOTER - 3);
			if (labels) {
				cp.drawString(String.format(Locale.ROOT, "%s %.3f", metricName, e.cleanMetric), GAP + 4 * (tw + GAP), y + th +
					FOOTER - 3);
				cp.drawString(String.format(Locale.ROOT, "%s %.3f", metricName, e.adversarialMetric), GAP + 5 * (tw + GAP), y +
					th + FOOTER - 3);
			}
			else {
				cp.drawString(String.format(Locale.ROOT, "%s %.3f -> %.3f", metricName, e.cleanMetric, e.adversarialMetric),
					GAP + (tw + GAP), y + th + FOOTER - 3);
			}
			y += th + FOOTER + GAP;
		}
		return cp;
	}

	private static float[] channel0(final float[] v, final int plane) {
		return v.length == plane ? v : java.util.Arrays.copyOf(v, plane);
	}

	private static int[] grey(final float[] v, final float lo, final float hi) {
		final int[] rgb = new int[v.length];
		final float span = hi > lo ? hi - lo : 1;
		for (int k = 0; k < v.length; k++) {
			final int g = Math.max(0, Math.min(255, Math.round((v[k] - lo) / span * 255)));
			rgb[k] = g << 16 | g << 8 | g;
		}
		return rgb;
	}

	private static void put(final ColorProcessor cp, final int[] rgb, final int w, final int h, final int zoom,
		final int x0, final int y0)
	{
		for (int y = 0; y < h * zoom; y++) {
			for (int x = 0; x < w * zoom; x++) {
				cp.set(x0 + x, y0 + y, rgb[(y / zoom) * w + x / zoom]);
			}
		}
	}
}
