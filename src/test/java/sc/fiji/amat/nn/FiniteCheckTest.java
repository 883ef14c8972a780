package sc.fiji.amat.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.engine.Engines;

/** The per-layer check names the first layer whose output, or parameter whose gradient, is not finite. */
class FiniteCheckTest {

	private static UNet net(final NDManager m) {
		Engines.pytorch().setRandomSeed(3);
		final UNet net = new UNet(new NetworkConfig(2, 4, NetworkConfig.Norm.BATCH), 2);
		net.initialize(m, DataType.FLOAT32, new Shape(2, 1, 16, 16));
		return net;
	}

	private static NDArray parameter(final UNet net, final String nameEnd) {
		for (final Pair<String, Parameter> p : net.getParameters()) {
			if (p.getKey().endsWith(nameEnd)) return p.getValue().getArray();
		}
		throw new AssertionError("no parameter " + nameEnd + " in " + net.getParameters().keys());
	}

	@Test
	void theFirstLayerWithANonFiniteOutputIsNamed() throws Exception {
		try (NDManager m = Engines.pytorch().newBaseManager()) {
			final UNet net = net(m);
			// a NaN scale in the first batch norm of the second level down: the first bad output is there
			final NDArray gamma = parameter(net, "down1_02BatchNorm_gamma");
			gamma.set(new NDIndex("0"), Float.NaN);
			final NDArray x = m.randomNormal(new Shape(2, 1, 16, 16));
			// without the check the NaN flows through to the output
			final NDArray y = net.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
			assertTrue(!FiniteCheck.isFinite(y));
			try (AutoCloseable on = FiniteCheck.on()) {
				final FiniteCheck.NonFiniteException e = assertThrows(FiniteCheck.NonFiniteException.class, () -> net
					.forward(new ParameterStore(m, false), new NDList(x), false));
				assertEquals("down1 > 02BatchNorm", e.where);
				// a bad input is named before any layer
				final FiniteCheck.NonFiniteException in = assertThrows(FiniteCheck.NonFiniteException.class, () -> net
					.forward(new ParameterStore(m, false), new NDList(x.mul(Float.POSITIVE_INFINITY)), false));
				assertEquals("the network's input", in.where);
			}
			assertTrue(!FiniteCheck.enabled(), "the check is off again once its scope is closed");
		}
	}

	@Test
	void theFirstNonFiniteGradientInBackwardOrderIsNamed() {
		try (NDManager m = Engines.pytorch().newBaseManager()) {
			final UNet net = net(m);
			final NDArray x = m.randomNormal(new Shape(2, 1, 16, 16));
			try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
				gc.backward(net.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow().sum());
			}
			assertNull(FiniteCheck.firstNonFiniteGradient(net));
			// two bad gradients: the one nearer the output is computed first by the backward pass
			final String early = "down0_01Conv2d_weight";
			final String late = "merge0_04Conv2d_weight";
			for (final String name : new String[] { early, late }) {
				try (NDArray g = parameter(net, name).getGradient()) {
					g.set(new NDIndex("0"), Float.NaN);
				}
			}
			assertTrue(FiniteCheck.firstNonFiniteGradient(net).endsWith(late), FiniteCheck.firstNonFiniteGradient(
				net));
		}
	}
}
