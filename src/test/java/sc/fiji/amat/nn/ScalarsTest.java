package sc.fiji.amat.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.engine.Engines;

/**
 * A constant in differentiated arithmetic must outlive the garbage collections that run
 * before the backward pass: the gradient of 3 * x is 3, whatever happened to the Java heap.
 */
class ScalarsTest {

	/**
	 * d(sum(f(x, 3)))/dx after collections that free unreachable direct buffers and refill
	 * freed memory with NaN, as a busy JVM does between a forward and a backward pass.
	 */
	static float[] gradientAfterCollections(final BiFunction<NDArray, Float, NDArray> f) throws InterruptedException {
		try (NDManager m = Engines.pytorch().newBaseManager()) {
			final NDArray x = m.create(new float[] { 1, 2, 3, 4 });
			x.setRequiresGradient(true);
			try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
				final NDArray y = f.apply(x, 3f).sum();
				final List<ByteBuffer> junk = new ArrayList<>();
				for (int round = 0; round < 5; round++) {
					System.gc();
					Thread.sleep(20);
					for (int i = 0; i < 2000; i++) {
						final ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
						b.putFloat(0, Float.NaN);
						junk.add(b);
					}
				}
				gc.backward(y);
				junk.clear();
			}
			return x.getGradient().toFloatArray();
		}
	}

	@Test
	void aConstantSurvivesGarbageCollectionsBeforeTheBackwardPass() throws InterruptedException {
		final float[] g = gradientAfterCollections(Scalars::mul);
		for (final float v : g) assertEquals(3f, v, 0f);
		final float[] d = gradientAfterCollections(Scalars::div);
		for (final float v : d) assertEquals(1f / 3, v, 1e-7f);
		// max(x, 3) passes the gradient where x > 3 (x = 4) only
		final float[] mx = gradientAfterCollections(Scalars::maximum);
		assertEquals(0f, mx[0], 0f);
		assertEquals(1f, mx[3], 0f);
	}
}
