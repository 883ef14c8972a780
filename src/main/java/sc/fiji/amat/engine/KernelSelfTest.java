package sc.fiji.amat.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;

import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import sc.fiji.amat.AmatException;

/**
 * The cheap part of the self-test: PyTorch's 2D convolution, forward and both gradients, on
 * a device, against {@link ReferenceConvolution} in plain Java, on shapes like those of the
 * networks trained here (channel counts that are not multiples of 16 among them), each run twice
 * to check that the results are finite, right and, on the CPU, the same bits both times (cuDNN
 * may sum in another order each time). Training and the
 * commands run it once per device and JVM ({@link #require}) and stop with a clear message
 * instead of training on NaN; the doctor shows its details.
 */
public final class KernelSelfTest {

	/** {@code -Damat.selftest=skip} skips the check before training and attacks (the doctor still runs it). */
	public static final String SKIP_PROPERTY = "amat.selftest";

	/** Largest error allowed, relative to the largest reference value of the array compared. */
	static final double TOLERANCE = 1e-4;

	/** Shapes checked: batch, input channels, height, width, output channels, kernel, padding. */
	static final int[][] CASES = { { 2, 3, 12, 10, 5, 3, 1 }, { 8, 1, 16, 16, 4, 3, 1 }, { 4, 4, 16, 16, 4, 3, 1 },
		{ 4, 12, 8, 8, 4, 3, 1 }, { 4, 8, 8, 8, 16, 1, 0 }, { 2, 16, 8, 8, 16, 3, 1 } };

	private static final Map<Device, Result> PASSED = new ConcurrentHashMap<>();

	private KernelSelfTest() {}

	/** What one run found on one device. */
	public static final class Result {

		public final Device device;
		/** The largest relative error over all cases and arrays (NaN when a value was not finite). */
		public final double maxError;
		/** Empty when the check passed, else what failed, in one sentence. */
		public final String problem;

		Result(final Device device, final double maxError, final String problem) {
			this.device = device;
			this.maxError = maxError;
			this.problem = problem;
		}

		public boolean passed() {
			return problem.isEmpty();
		}

		@Override
		public String toString() {
			return passed() ? String.format(Locale.ROOT, "convolution forward and gradients on %s match the plain-Java " +
				"reference (largest relative error %.1e)%s", device, maxError, device.isGpu() ? ""
					: " and repeat bit for bit") : problem;
		}
	}

	/**
	 * Runs the check on the device once per JVM (a passed result is remembered); throws an
	 * {@link AmatException} that says what to do when PyTorch's kernels are wrong here.
	 */
	public static void require(final Device device) {
		if (PASSED.containsKey(device)) return;
		final Result r = run(device);
		if (!r.passed()) {
			throw new AmatException(r.problem + ": training or attacking here would give wrong or NaN results. " +
				advice());
		}
		PASSED.put(device, r);
	}

	/** What to do after a failed check, depending on the convolution backend in force. */
	static String advice() {
		final Boolean oneDnn = ConvolutionBackend.oneDnnEnabled();
		if (Boolean.TRUE.equals(oneDnn)) {
			return "oneDNN runs the convolutions: start with -D" + ConvolutionBackend.PROPERTY + "=native to use " +
				"PyTorch's own kernels, and run the diagnostics (Plugins > AMAT > Diagnostics, or scripts/amat doctor).";
		}
		return "Run the diagnostics (Plugins > AMAT > Diagnostics, or scripts/amat doctor) and report its output.";
	}

	/** Runs every case on the device, twice, and compares. */
	public static Result run(final Device device) {
		Engines.pytorch();
		double worst = 0;
		for (final int[] c : CASES) {
			final ReferenceConvolution ref = new ReferenceConvolution(c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
			final Random random = new Random(1234 + 31L * c[1] + c[4]);
			final float[] x = uniform(random, ref.n * ref.c * ref.h * ref.w);
			final float[] w = uniform(random, ref.o * ref.c * ref.k * ref.k);
			final float[] g = uniform(random, ref.n * ref.o * ref.outH() * ref.outW());
			final float[][] first = runOnce(device, ref, x, w, g);
			final float[][] second = runOnce(device, ref, x, w, g);
			final String what = String.format(Locale.ROOT, "a %dx%dx%dx%d input, %d output channels, %dx%d kernel", ref.n,
				ref.c, ref.h, ref.w, ref.o, ref.k, ref.k);
			final double[][] expected = { ref.forward(x, w), ref.gradInput(g, w), ref.gradWeight(g, x) };
			final String[] names = { "output", "input gradient", "weight gradient" };
			for (int a = 0; a < 3; a++) {
				final String where = "PyTorch's convolution " + names[a] + " on " + device + " (" + what + ")";
				// cuDNN may pick algorithms whose sums run in another order each time: bits only on the CPU
				final java.util.Optional<String> problem = check(where, first[a], device.isGpu() ? first[a] : second[a],
					expected[a]);
				final double e = relativeError(first[a], expected[a]);
				if (problem.isPresent()) return new Result(device, e, problem.get());
				worst = Math.max(worst, e);
			}
		}
		return new Result(device, worst, "");
	}

	private static float[][] runOnce(final Device device, final ReferenceConvolution ref, final float[] xv,
		final float[] wv, final float[] gv)
	{
		final Engine engine = Engines.pytorch();
		try (NDManager m = engine.newBaseManager(device)) {
			final NDArray x = m.create(xv, new Shape(ref.n, ref.c, ref.h, ref.w));
			final NDArray w = m.create(wv, new Shape(ref.o, ref.c, ref.k, ref.k));
			final NDArray g = m.create(gv, new Shape(ref.n, ref.o, ref.outH(), ref.outW()));
			x.setRequiresGradient(true);
			w.setRequiresGradient(true);
			final float[] y;
			try (GradientCollector gc = engine.newGradientCollector()) {
				final NDArray out = Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(ref.pad, ref.pad), new Shape(1, 1),
					1).singletonOrThrow();
				y = out.toFloatArray();
				gc.backward(out.mul(g).sum());
			}
			return new float[][] { y, x.getGradient().toFloatArray(), w.getGradient().toFloatArray() };
		}
	}

	/**
	 * What is wrong with one array of a case (two runs and the reference), in one sentence, or
	 * empty when it is finite, within {@link #TOLERANCE} and the same bits in both runs.
	 */
	static java.util.Optional<String> check(final String where, final float[] first, final float[] second,
		final double[] expected)
	{
		final double e = relativeError(first, expected);
		if (Double.isNaN(e)) return java.util.Optional.of(where + " is not finite");
		if (e > TOLERANCE) {
			return java.util.Optional.of(where + String.format(Locale.ROOT,
				" differs from the plain-Java reference by %.2g (relative; at most %.0e expected)", e, TOLERANCE));
		}
		if (!java.util.Arrays.equals(first, second)) {
			return java.util.Optional.of(where + " differs between two runs on the same input (not reproducible)");
		}
		return java.util.Optional.empty();
	}

	/** max |a - r| / max(1, max |r|); NaN when a holds a value that is not finite. */
	static double relativeError(final float[] actual, final double[] reference) {
		double diff = 0, scale = 1;
		for (int i = 0; i < reference.length; i++) {
			if (!Float.isFinite(actual[i])) return Double.NaN;
			diff = Math.max(diff, Math.abs(actual[i] - reference[i]));
			scale = Math.max(scale, Math.abs(reference[i]));
		}
		return diff / scale;
	}

	private static float[] uniform(final Random random, final int size) {
		final float[] v = new float[size];
		for (int i = 0; i < size; i++) v[i] = random.nextFloat() * 2 - 1;
		return v;
	}
}
