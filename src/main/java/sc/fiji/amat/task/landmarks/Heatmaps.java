package sc.fiji.amat.task.landmarks;

/**
 * The arithmetic of landmark heatmaps on plain arrays: Gaussian targets, the per-map terms of
 * the loss (as {@link LandmarkTask#loss} computes them on tensors), and sub-pixel decoding.
 * A map is H x W network outputs (logits) of one landmark, row by row; its probability map is
 * their softmax over all pixels.
 */
public final class Heatmaps {

	private Heatmaps() {}

	/**
	 * Writes the Gaussian of standard deviation sigma around (x0, y0), normalised to sum 1 over
	 * the image, into out[offset ...]; returns sum(g log g) (minus its entropy), the constant
	 * that makes the heatmap term a Kullback-Leibler divergence (0 for a perfect map).
	 */
	public static double gaussian(final double x0, final double y0, final double sigma, final int h, final int w,
		final float[] out, final int offset)
	{
		final double[] g = new double[h * w];
		final double s2 = 2 * sigma * sigma;
		double sum = 0;
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				final double d2 = (x - x0) * (x - x0) + (y - y0) * (y - y0);
				g[y * w + x] = Math.exp(-d2 / s2);
				sum += g[y * w + x];
			}
		}
		double glogg = 0;
		for (int p = 0; p < g.length; p++) {
			final double v = g[p] / sum;
			out[offset + p] = (float) v;
			if (v > 0) glogg += v * Math.log(v);
		}
		return glogg;
	}

	/**
	 * Per map: the heatmap term KL(target || softmax(z)) and the soft-argmax error (distance of
	 * the probability-weighted mean position to (x0, y0), in pixels, with the same 1e-4 px^2 added
	 * under the root as the tensor loss).
	 *
	 * @return { KL, soft-argmax error }
	 */
	public static double[] terms(final float[] z, final int offset, final int h, final int w, final double x0,
		final double y0, final double sigma)
	{
		final int n = h * w;
		double max = Double.NEGATIVE_INFINITY;
		for (int p = 0; p < n; p++) max = Math.max(max, z[offset + p]);
		double sum = 0, sx = 0, sy = 0;
		for (int p = 0; p < n; p++) {
			final double e = Math.exp(z[offset + p] - max);
			sum += e;
			sx += e * (p % w);
			sy += e * (p / w);
		}
		final double lse = max + Math.log(sum), ex = sx / sum, ey = sy / sum;
		// the target is negligible (below exp(-32)) beyond 8 sigma: sum over that window only
		final int r = (int) Math.ceil(8 * sigma);
		final int x1 = Math.max(0, (int) Math.floor(x0) - r), x2 = Math.min(w - 1, (int) Math.ceil(x0) + r);
		final int y1 = Math.max(0, (int) Math.floor(y0) - r), y2 = Math.min(h - 1, (int) Math.ceil(y0) + r);
		final double s2 = 2 * sigma * sigma;
		double gs = 0, gz = 0, glg = 0;
		for (int y = y1; y <= y2; y++) {
			for (int x = x1; x <= x2; x++) {
				final double lg = -((x - x0) * (x - x0) + (y - y0) * (y - y0)) / s2;
				final double g = Math.exp(lg);
				gs += g;
				gz += g * (z[offset + y * w + x] - lse);
				glg += g * lg;
			}
		}
		// with g = exp(lg) / gs: sum g log g = glg / gs - log gs, sum g log p = gz / gs
		final double kl = glg / gs - Math.log(gs) - gz / gs;
		final double dx = ex - x0, dy = ey - y0;
		return new double[] { kl, Math.sqrt(dx * dx + dy * dy + 1e-4) };
	}

	/**
	 * The position of a map's maximum with sub-pixel precision: the pixel of the largest value,
	 * refined along x and along y by the vertex of the parabola through it and its two
	 * neighbours (exact for a Gaussian heatmap's logits, whose logarithm is a quadratic; at most
	 * half a pixel; none at the image border or where the neighbours do not curve down).
	 *
	 * @return { x, y }
	 */
	public static float[] peak(final float[] z, final int offset, final int h, final int w) {
		int best = 0;
		for (int p = 1; p < h * w; p++) {
			if (z[offset + p] > z[offset + best]) best = p;
		}
		final int bx = best % w, by = best / w;
		final float c = z[offset + best];
		float dx = 0, dy = 0;
		if (bx > 0 && bx < w - 1) dx = vertex(z[offset + best - 1], c, z[offset + best + 1]);
		if (by > 0 && by < h - 1) dy = vertex(z[offset + best - w], c, z[offset + best + w]);
		return new float[] { bx + dx, by + dy };
	}

	/** The vertex offset of the parabola through (-1, a), (0, b), (1, c), in [-0.5, 0.5]; 0 if flat. */
	static float vertex(final float a, final float b, final float c) {
		final double curvature = a - 2.0 * b + c;
		if (!(curvature < 0)) return 0;
		final double d = (a - c) / (2 * curvature);
		return (float) Math.max(-0.5, Math.min(0.5, d));
	}
}
