package sc.fiji.amat.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.engine.Engines;

class UNetTest {

	@Test
	void pixelShuffleMatchesTransposedConvolutionLayout() {
		try (NDManager m = Engines.pytorch().newBaseManager()) {
			// in[0, 4c + 2a + b, i, j] = 1000c + 100a + 10b + 3i + j ... must land at out[0, c, 2i + a, 2j + b]
			final float[] v = new float[2 * 4 * 2 * 3];
			for (int c = 0; c < 2; c++) for (int a = 0; a < 2; a++) for (int b = 0; b < 2; b++) for (int i = 0; i < 2; i++)
				for (int j = 0; j < 3; j++) v[(((4 * c + 2 * a + b) * 2) + i) * 3 + j] = 1000 * c + 100 * a + 10 * b + 3 * i + j;
			final NDArray out = new PixelShuffle().forward(new ParameterStore(m, false), new NDList(m.create(v, new Shape(1,
				8, 2, 3))), false).singletonOrThrow();
			assertEquals(new Shape(1, 2, 4, 6), out.getShape());
			for (int c = 0; c < 2; c++) for (int a = 0; a < 2; a++) for (int b = 0; b < 2; b++) for (int i = 0; i < 2; i++)
				for (int j = 0; j < 3; j++) assertEquals(1000 * c + 100 * a + 10 * b + 3 * i + j, out.getFloat(0, c, 2 * i + a,
					2 * j + b));
		}
	}

	@Test
	void outputHasOneMapPerClassAtInputResolution() {
		for (final NetworkConfig.Norm norm : NetworkConfig.Norm.values()) {
			try (NDManager m = Engines.pytorch().newBaseManager()) {
				final UNet net = new UNet(new NetworkConfig(2, 4, norm), 3);
				net.setInitializer(new ai.djl.training.initializer.NormalInitializer(), ai.djl.nn.Parameter.Type.WEIGHT);
				net.initialize(m, DataType.FLOAT32, new Shape(2, 1, 16, 16));
				final NDArray out = net.forward(new ParameterStore(m, false), new NDList(m.randomNormal(new Shape(2, 1, 16,
					16))), false).singletonOrThrow();
				assertEquals(new Shape(2, 3, 16, 16), out.getShape());
				assertEquals(new Shape(2, 3, 16, 16), net.getOutputShapes(new Shape[] { new Shape(2, 1, 16, 16) })[0]);
			}
		}
	}
}
