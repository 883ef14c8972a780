package sc.fiji.amat.engine;

/**
 * A 2D convolution (stride 1, zero padding {@code pad}, no bias) and its two gradients in plain
 * Java, summed in double precision: the reference the kernel self-test compares PyTorch's
 * kernels against. Arrays are NCHW, weights (O, C, K, K), all flat and row-major.
 */
final class ReferenceConvolution {

	final int n, c, h, w, o, k, pad;

	ReferenceConvolution(final int n, final int c, final int h, final int w, final int o, final int k,
		final int pad)
	{
		this.n = n;
		this.c = c;
		this.h = h;
		this.w = w;
		this.o = o;
		this.k = k;
		this.pad = pad;
	}

	int outH() {
		return h + 2 * pad - k + 1;
	}

	int outW() {
		return w + 2 * pad - k + 1;
	}

	/** Calls {@code visitor} for every (output, input, weight) index triple that one product joins. */
	private void forEachTap(final Tap visitor) {
		final int oh = outH(), ow = outW();
		for (int b = 0; b < n; b++)
			for (int q = 0; q < o; q++)
				for (int y = 0; y < oh; y++)
					for (int x = 0; x < ow; x++) {
						final int out = ((b * o + q) * oh + y) * ow + x;
						for (int p = 0; p < c; p++)
							for (int i = 0; i < k; i++) {
								final int yy = y + i - pad;
								if (yy < 0 || yy >= h) continue;
								for (int j = 0; j < k; j++) {
									final int xx = x + j - pad;
									if (xx < 0 || xx >= w) continue;
									visitor.tap(out, ((b * c + p) * h + yy) * w + xx, ((q * c + p) * k + i) * k + j);
								}
							}
					}
	}

	private interface Tap {

		void tap(int out, int in, int weight);
	}

	/** y = conv(x, weight). */
	double[] forward(final float[] x, final float[] weight) {
		final double[] y = new double[n * o * outH() * outW()];
		forEachTap((out, in, wt) -> y[out] += (double) x[in] * weight[wt]);
		return y;
	}

	/** d(sum(y * g))/dx for the upstream gradient g. */
	double[] gradInput(final float[] g, final float[] weight) {
		final double[] dx = new double[n * c * h * w];
		forEachTap((out, in, wt) -> dx[in] += (double) g[out] * weight[wt]);
		return dx;
	}

	/** d(sum(y * g))/dweight for the upstream gradient g. */
	double[] gradWeight(final float[] g, final float[] x) {
		final double[] dw = new double[o * c * k * k];
		forEachTap((out, in, wt) -> dw[wt] += (double) g[out] * x[in]);
		return dw;
	}
}
