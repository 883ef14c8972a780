package sc.fiji.amat.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.NetworkConfig;

/** The ONNX graph of every task's U-Net, run by ONNX Runtime, reproduces DJL's output within 1e-4. */
class UNetOnnxTest {

	/** Every task, batch and instance norm, depths 1 to 3, one to three input channels. */
	@TestFactory
	Stream<DynamicTest> onnxRuntimeReproducesEveryTasksNetwork() {
		final Object[][] cases = { { "segmentation", 1, 1, 4, "batch" }, { "segmentation", 2, 2, 3, "instance" }, {
			"landmarks", 1, 2, 4, "batch" }, { "landmarks", 1, 3, 2, "instance" }, { "detection", 1, 2, 4, "batch" }, {
				"detection", 3, 1, 2, "instance" } };
		return Stream.of(cases).map(c -> DynamicTest.dynamicTest(c[0] + " " + c[4] + " norm, depth " + c[2] + ", width " +
			c[3] + ", " + c[1] + " channel(s)", () -> check((String) c[0], (Integer) c[1], (Integer) c[2], (Integer) c[3],
				(String) c[4])));
	}

	private static void check(final String task, final int channels, final int depth, final int width,
		final String norm)
	{
		try (AmatModel m = ExportFixtures.model(task, channels, new NetworkConfig(depth, width, NetworkConfig.Norm
			.parse(norm)), "zscore", 11 * depth + width))
		{
			final float[] x = m.normalization().apply(ExportFixtures.raw(channels, 5), 1, channels,
				ExportFixtures.SIZE * ExportFixtures.SIZE).values;
			if (norm.equals("batch")) assertTrue(ExportFixtures.largestRunningMean(m) > 1e-2, "running statistics set");
			final float[] expected = ExportFixtures.djl(m, x, channels);
			final float[] onnx = OnnxCheck.run(BioImageExport.onnx(m), x, 1, channels, ExportFixtures.SIZE,
				ExportFixtures.SIZE);
			assertEquals(m.task().outputChannels() * ExportFixtures.SIZE * ExportFixtures.SIZE, onnx.length);
			final double diff = OnnxCheck.maxAbsDifference(onnx, expected);
			double big = 0;
			for (final float v : expected) big = Math.max(big, Math.abs(v));
			assertTrue(diff <= OnnxCheck.TOLERANCE, task + " " + norm + " depth " + depth + ": max abs difference " + diff +
				", max abs output " + big);
			// the outputs are not trivially equal: they vary over the image
			double spread = 0;
			for (final float v : expected) spread = Math.max(spread, Math.abs(v - expected[0]));
			assertTrue(spread > 1e-2, "output spread " + spread);
		}
	}

	@Test
	void aBatchOfTwoAndAnotherSizeRunThroughTheSymbolicDimensions() {
		try (AmatModel m = ExportFixtures.model("segmentation", 1, new NetworkConfig(2, 3, NetworkConfig.Norm.BATCH),
			"zscore", 3))
		{
			final float[] x = new float[2 * 8 * 12];
			for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i * 0.37);
			final float[] expected;
			try (ai.djl.ndarray.NDManager sub = m.manager().newSubManager()) {
				expected = m.forward(sub.create(x, new ai.djl.ndarray.types.Shape(2, 1, 8, 12)), false).get(0)
					.toFloatArray();
			}
			final float[] onnx = OnnxCheck.run(BioImageExport.onnx(m), x, 2, 1, 8, 12);
			assertTrue(OnnxCheck.maxAbsDifference(onnx, expected) <= OnnxCheck.TOLERANCE);
		}
	}

	@Test
	void aChangedWeightIsCaught() {
		try (AmatModel m = ExportFixtures.model("segmentation", 1, new NetworkConfig(1, 2, NetworkConfig.Norm.BATCH),
			"zscore", 4))
		{
			final float[] x = m.normalization().apply(ExportFixtures.raw(1, 5), 1, 1, ExportFixtures.SIZE *
				ExportFixtures.SIZE).values;
			final float[] expected = ExportFixtures.djl(m, x, 1);
			final long[] shape = { 1, 1, ExportFixtures.SIZE, ExportFixtures.SIZE };
			OnnxCheck.verify(BioImageExport.onnx(m), x, shape, expected);
			assertThrows(AmatException.class, () -> OnnxCheck.verify(tampered(BioImageExport.onnx(m)), x, shape,
				expected));
		}
	}

	/** The model with the last float of its largest initializer changed: the head's bias, a weight or a statistic. */
	static byte[] tampered(final byte[] onnx) {
		final byte[] t = onnx.clone();
		// the raw data of the last initializer ends right before the graph's inputs; flip a float there
		final int at = lastInitializerEnd(t) - 4;
		final float v = java.nio.ByteBuffer.wrap(t, at, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat();
		java.nio.ByteBuffer.wrap(t, at, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(v + 1);
		return t;
	}

	private static int lastInitializerEnd(final byte[] onnx) {
		final byte[] name = "input".getBytes(java.nio.charset.StandardCharsets.UTF_8);
		// the graph input's ValueInfoProto (field 11) follows the initializers: find its name's last occurrence
		for (int i = onnx.length - name.length; i >= 0; i--) {
			boolean match = true;
			for (int k = 0; k < name.length && match; k++) match = onnx[i + k] == name[k];
			if (match && i >= 4 && onnx[i - 1] == name.length && onnx[i - 2] == 0x0A) return i - 4;
		}
		throw new AssertionError("no graph input");
	}
}
