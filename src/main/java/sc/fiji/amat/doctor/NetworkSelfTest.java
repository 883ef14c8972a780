package sc.fiji.amat.doctor;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.nn.FiniteCheck;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.nn.UNet;

/**
 * The network part of the self-test: a tiny U-Net (depth 2, width 4, batch norm: the channel
 * counts of the tests' network) built twice from the same seed, one training-mode forward and
 * backward pass each on the same batch; every layer's output and every gradient must be finite,
 * and on the CPU the two runs must agree bit for bit.
 */
final class NetworkSelfTest {

	private NetworkSelfTest() {}

	/** "" when the network passed, else what failed, in one sentence. */
	static String run(final Device device) {
		final List<float[]> first, second;
		try {
			first = once(device);
			second = once(device);
		}
		catch (final FiniteCheck.NonFiniteException e) {
			return "A tiny U-Net's training forward pass on " + device + ": " + e.getMessage();
		}
		for (int i = 0; i < first.size(); i++) {
			for (final float v : first.get(i)) {
				if (!Float.isFinite(v)) {
					return "A tiny U-Net's backward pass on " + device + " gives gradients that are not finite";
				}
			}
			// cuDNN may pick algorithms whose sums run in another order each time: bits only on the CPU
			if (!device.isGpu() && !Arrays.equals(first.get(i), second.get(i))) {
				return "A tiny U-Net's training step on " + device + " gives different " + (i == 0 ? "outputs"
					: "gradients") + " from the same seed and batch (not reproducible)";
			}
		}
		return "";
	}

	/** The output and every parameter gradient of one seeded forward and backward pass. */
	private static List<float[]> once(final Device device) {
		final Engine engine = Engines.pytorch();
		engine.setRandomSeed(7);
		final Random random = new Random(7);
		final int n = 4, size = 32;
		try (NDManager m = engine.newBaseManager(device); AutoCloseable check = FiniteCheck.on()) {
			final Block net = new UNet(new NetworkConfig(2, 4, NetworkConfig.Norm.BATCH), 3);
			net.setInitializer(new NormalInitializer(0.1f), Parameter.Type.WEIGHT);
			net.initialize(m, DataType.FLOAT32, new Shape(n, 1, size, size));
			final float[] xv = new float[n * size * size], gv = new float[n * 3 * size * size];
			for (int i = 0; i < xv.length; i++) xv[i] = (float) random.nextGaussian();
			for (int i = 0; i < gv.length; i++) gv[i] = (float) random.nextGaussian();
			final NDArray x = m.create(xv, new Shape(n, 1, size, size));
			final List<float[]> out = new ArrayList<>();
			try (GradientCollector gc = engine.newGradientCollector()) {
				final NDArray y = net.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
				out.add(y.toFloatArray());
				gc.backward(y.mul(m.create(gv, y.getShape())).sum());
			}
			for (final Pair<String, Parameter> p : net.getParameters()) {
				final NDArray w = p.getValue().getArray();
				if (w.hasGradient()) out.add(w.getGradient().toFloatArray());
			}
			return out;
		}
		catch (final FiniteCheck.NonFiniteException e) {
			throw e;
		}
		catch (final Exception e) {
			throw new IllegalStateException(e);
		}
	}
}
