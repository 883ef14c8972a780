package sc.fiji.amat.export;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.engine.Engines;

/**
 * Runs an ONNX model through ONNX Runtime (DJL's engine, on the CPU) and compares its output
 * with the DJL network's: an export is only written when they agree within {@link #TOLERANCE}.
 */
public final class OnnxCheck {

	/** The largest absolute difference allowed between ONNX Runtime's output and DJL's. */
	public static final double TOLERANCE = 1e-4;

	private OnnxCheck() {}

	/**
	 * Loads ONNX Runtime, which every export needs for its check; an {@code AmatException} that
	 * says how to install it (in Fiji, the AMAT ONNX update site) when it is missing.
	 */
	public static void requireRuntime() {
		try {
			Engines.onnxRuntime();
		}
		catch (final AmatException e) {
			throw new AmatException("A bioimage.io export checks its ONNX model with ONNX Runtime, which could not be " +
				"loaded: install the 'AMAT ONNX' update site in Fiji (or put ONNX Runtime on the class path).", e);
		}
	}

	/** ONNX Runtime's output for one float input of this shape. */
	public static float[] run(final byte[] onnx, final float[] input, final long... shape) {
		requireRuntime();
		Path tmp = null;
		try (Model model = Model.newInstance("amat-export-check", Device.cpu(), Engines.ONNX_RUNTIME)) {
			tmp = Files.createTempFile("amat-export-", ".onnx");
			Files.write(tmp, onnx);
			final Map<String, Object> options = new HashMap<>();
			options.put("interOpNumThreads", "1");
			final String threads = System.getProperty("ai.djl.pytorch.num_threads");
			if (threads != null) options.put("intraOpNumThreads", threads);
			model.load(tmp, null, options);
			try (NDManager m = model.getNDManager().newSubManager()) {
				final NDArray x = m.create(input, new Shape(shape));
				final NDList out = model.getBlock().forward(new ParameterStore(m, false), new NDList(x), false);
				return out.get(0).toFloatArray();
			}
		}
		catch (final IOException | MalformedModelException | RuntimeException e) {
			throw new AmatException("ONNX Runtime could not run the exported model: " + firstLine(e) + ".", e);
		}
		finally {
			if (tmp != null) {
				try {
					Files.deleteIfExists(tmp);
				}
				catch (final IOException e) {
					tmp.toFile().deleteOnExit();
				}
			}
		}
	}

	/** The largest absolute difference (infinite when the lengths differ or a value is not finite). */
	public static double maxAbsDifference(final float[] a, final float[] b) {
		if (a.length != b.length) return Double.POSITIVE_INFINITY;
		double max = 0;
		for (int i = 0; i < a.length; i++) {
			final double d = Math.abs((double) a[i] - b[i]);
			if (!(d <= max)) max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
		}
		return max;
	}

	/**
	 * Throws an {@code AmatException} unless ONNX Runtime reproduces {@code expected} (the DJL
	 * network's output) on {@code input} within {@link #TOLERANCE}.
	 */
	public static void verify(final byte[] onnx, final float[] input, final long[] shape, final float[] expected) {
		final double diff = maxAbsDifference(run(onnx, input, shape), expected);
		if (!(diff <= TOLERANCE)) {
			throw new AmatException(String.format(java.util.Locale.ROOT, "The exported ONNX model differs from the " +
				"network by up to %.3g on the test image (at most %.0e allowed): nothing was written.", diff, TOLERANCE));
		}
	}

	private static String firstLine(final Throwable e) {
		final String m = String.valueOf(e.getMessage());
		final int nl = m.indexOf('\n');
		return nl < 0 ? m : m.substring(0, nl);
	}
}
