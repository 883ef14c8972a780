package sc.fiji.amat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;

/** PGD's restarts. */
class PgdOptionsTest extends TinyModelFixture {

	private AttackTarget<Mask> target() {
		return target(null);
	}

	/** Per-sample loss of the attack's result, the engine seeded first. */
	private float[] lossAfter(final Attack attack, final float eps, final int seed) {
		try (NDManager m = model.manager().newSubManager()) {
			final NDArray x = data.batch(m, POS);
			final NDList y = ((SegmentationTask) model.task()).encodeLabels(m, data.labels(POS), 16, 16);
			final float[] e = new float[POS.length];
			Arrays.fill(e, eps);
			Engines.pytorch().setRandomSeed(seed);
			final AttackTarget<Mask> t = target();
			final NDArray adv = attack.perturb(t, x, y, e);
			final float[] size = attack.norm().of(adv.sub(x)).toFloatArray();
			for (final float s : size) assertTrue(s <= eps * (1 + 1e-4f) + 1e-6f, attack + " left the ball: " + s);
			return t.loss(t.forward(adv), y).toFloatArray();
		}
	}

	@Test
	void restartsNeverGiveALowerLossThanOneRestart() {
		for (final Norm norm : Norm.values()) {
			final float eps = norm == Norm.L2 ? 2f : 0.15f;
			final Pgd one = Pgd.pgd(norm, 3, 2.5f);
			final float[] single = lossAfter(one, eps, 11);
			final float[] four = lossAfter(one.withRestarts(4), eps, 11);
			boolean someHigher = false;
			for (int i = 0; i < single.length; i++) {
				assertTrue(four[i] >= single[i] - 1e-5f, norm + " sample " + i + ": " + four[i] + " < " + single[i]);
				someHigher |= four[i] > single[i] + 1e-6f;
			}
			assertTrue(someHigher, norm + ": four random restarts never found a higher loss than one");
		}
	}

	@Test
	void oneRestartIsThePlainAttack() {
		final Pgd plain = Pgd.pgd(Norm.L2, 3, 2.5f);
		assertEquals(1, plain.restarts());
		final float[] a = lossAfter(plain, 2f, 5), b = lossAfter(plain.withRestarts(1), 2f, 5);
		for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 0f);
	}

	@Test
	void anObserverNeedsThePlainAttack() {
		try (NDManager m = model.manager().newSubManager()) {
			final NDArray x = data.batch(m, new int[] { 0 });
			final NDList y = ((SegmentationTask) model.task()).encodeLabels(m, data.labels(new int[] { 0 }), 16, 16);
			assertThrows(IllegalArgumentException.class, () -> Pgd.pgd(Norm.L2, 2, 4).withRestarts(2).perturb(target(), x,
				y, new float[] { 1 }, new float[] { 1 }, (t, xa, out) -> {}));
		}
	}
}
