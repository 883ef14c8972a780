package sc.fiji.amat.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.TinyData;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.train.TrainingRecipe;
import sc.fiji.amat.train.TrainingSettings;

/** APGD against PGD of the same budget, its ball, its best iterate, its checkpoints, its memory. */
class ApgdTest extends TinyModelFixture {

	private double dice(final Attack attack, final double eps, final EpsUnit unit) {
		Engines.pytorch().setRandomSeed(3);
		return Evaluator.evaluate(model, data, 8, attack, eps, unit).primaryMean();
	}

	@Test
	void checkpointsFollowThePaper() {
		// p = 0, 0.22, 0.41, 0.57, 0.70, 0.80, 0.87, 0.93, 0.99
		assertArrayEquals(new int[] { 22, 41, 57, 70, 80, 87, 93, 99 }, Apgd.checkpoints(100));
		assertArrayEquals(new int[] { 5, 9, 12, 14, 16, 18, 19 }, Apgd.checkpoints(20));
		assertArrayEquals(new int[0], Apgd.checkpoints(1));
	}

	@Test
	void apgdReachesALowerDiceThanPgdOfTheSameBudget() {
		// N iterations of APGD cost N forward and backward passes (and a last forward), as PGD's N steps do
		final int n = 20;
		final double clean = Evaluator.evaluate(model, data, 8).primaryMean();
		for (final Norm norm : Norm.values()) {
			final double eps = norm == Norm.L2 ? 0.3 : 0.075;
			final EpsUnit unit = norm == Norm.L2 ? EpsUnit.RMS : EpsUnit.RANGE;
			final double pgd = dice(Pgd.pgd(norm, n, PgdType.ALPHA), eps, unit);
			final double apgd = dice(new Apgd(norm, n, 1), eps, unit);
			assertTrue(pgd < clean - 0.05, norm + ": PGD did not attack (" + clean + " -> " + pgd + ")");
			assertTrue(apgd < pgd - 0.005, norm + ": APGD Dice " + apgd + " not below PGD's " + pgd);
		}
	}

	@Test
	void perturbationsStayInTheirBallAndTheValidRange() {
		final float[][] eps = { { 0f, 0.5f, 2f, 8f, 0.01f, 3f }, { 0f, 0.05f, 0.2f, 0.8f, 0.001f, 0.3f } };
		final int[] pos = { 0, 1, 2, 3, 4, 5 };
		for (final Norm norm : Norm.values()) {
			final float[] e = eps[norm.ordinal()];
			for (final float[] range : new float[][] { null, { -1f, 1.5f } }) {
				try (NDManager m = model.manager().newSubManager()) {
					final NDArray x = range == null ? data.batch(m, pos) : data.batch(m, pos).clip(range[0], range[1]);
					final NDList y = task().encodeLabels(m, data.labels(pos), 16, 16);
					final NDArray adv = new Apgd(norm, 6, 2).perturb(target(range), x, y, e);
					final float[] size = norm.of(adv.sub(x)).toFloatArray();
					for (int i = 0; i < pos.length; i++) {
						assertTrue(size[i] <= e[i] * (1 + 1e-4f) + 1e-6f, norm + " sample " + i + " moved " + size[i] + " > " +
							e[i]);
					}
					assertEquals(0f, size[0], "a sample with eps 0 moved");
					assertTrue(size[3] > e[3] * 0.5f, norm + ": the attack hardly moved (" + size[3] + ")");
					if (range != null) {
						assertTrue(adv.min().getFloat() >= range[0] && adv.max().getFloat() <= range[1], norm +
							" left the valid range");
					}
				}
			}
		}
	}

	@Test
	void theSameSeedGivesTheSameResult() {
		for (final Norm norm : Norm.values()) {
			final float[][] r = new float[3][];
			for (int k = 0; k < 3; k++) {
				try (NDManager m = model.manager().newSubManager()) {
					final NDArray x = data.batch(m, POS);
					final NDList y = task().encodeLabels(m, data.labels(POS), 16, 16);
					final float[] e = new float[POS.length];
					Arrays.fill(e, norm == Norm.L2 ? 3f : 0.2f);
					Engines.pytorch().setRandomSeed(k < 2 ? 7 : 8);
					r[k] = new Apgd(norm, 5, 1).perturb(target(null), x, y, e).toFloatArray();
				}
			}
			assertArrayEquals(r[0], r[1], 0f, norm + ": same seed, different results");
			assertTrue(!Arrays.equals(r[0], r[2]), norm + ": another seed gave the same random start");
		}
	}

	@Test
	void theResultIsTheBestIterateAndMemoryStaysFlat() {
		final NDManager root = Engines.pytorch().newBaseManager();
		final NDManager system = root.getParentManager();
		root.close();
		final int n = 12;
		try (NDManager m = model.manager().newSubManager()) {
			final NDArray x = data.batch(m, POS);
			final NDList y = task().encodeLabels(m, data.labels(POS), 16, 16);
			final float[] e = new float[POS.length];
			Arrays.fill(e, 4f);
			final AttackTarget<Mask> t = target(null);
			final float[] bestSeen = new float[POS.length];
			Arrays.fill(bestSeen, Float.NEGATIVE_INFINITY);
			final List<Integer> iterates = new ArrayList<>(), arrays = new ArrayList<>();
			final float[] first = new float[POS.length];
			final NDArray adv = new Apgd(Norm.L2, n, 1).perturb(t, x, y, e, (k, xa, out) -> {
				iterates.add(k);
				arrays.add(system.getManagedArrays().size());
				final float[] l = t.loss(out, y).toFloatArray();
				if (k == 0) System.arraycopy(l, 0, first, 0, l.length);
				for (int i = 0; i < l.length; i++) bestSeen[i] = Math.max(bestSeen[i], l[i]);
			});
			final List<Integer> expected = new ArrayList<>();
			for (int k = 0; k <= n; k++) expected.add(k);
			assertEquals(expected, iterates);
			final float[] result = t.loss(t.forward(adv), y).toFloatArray();
			for (int i = 0; i < POS.length; i++) {
				assertEquals(bestSeen[i], result[i], 1e-4f * Math.max(1, Math.abs(bestSeen[i])), "sample " + i +
					": the result is not the best iterate");
				assertTrue(result[i] > first[i], "sample " + i + ": no progress from the start");
			}
			// native arrays alive at each iterate (the last has no gradient): the same at every one
			assertEquals(arrays.get(1), arrays.get(n - 1), "live native arrays per iterate: " + arrays);
			assertEquals(arrays.get(2), arrays.get(n / 2), "live native arrays per iterate: " + arrays);
		}
	}

	@Test
	void anObserverNeedsOneRestart() {
		try (NDManager m = model.manager().newSubManager()) {
			final NDArray x = data.batch(m, new int[] { 0 });
			final NDList y = task().encodeLabels(m, data.labels(new int[] { 0 }), 16, 16);
			assertThrows(IllegalArgumentException.class, () -> new Apgd(Norm.L2, 2, 2).perturb(target(null), x, y,
				new float[] { 1 }, (k, xa, out) -> {}));
		}
	}

	@Test
	void restartsNeverLowerTheLoss() {
		try (NDManager m = model.manager().newSubManager()) {
			final NDArray x = data.batch(m, POS);
			final NDList y = task().encodeLabels(m, data.labels(POS), 16, 16);
			final float[] e = new float[POS.length];
			Arrays.fill(e, 0.1f);
			final AttackTarget<Mask> t = target(null);
			Engines.pytorch().setRandomSeed(4);
			final float[] one = t.loss(t.forward(new Apgd(Norm.LINF, 4, 1).perturb(t, x, y, e)), y).toFloatArray();
			Engines.pytorch().setRandomSeed(4);
			final float[] three = t.loss(t.forward(new Apgd(Norm.LINF, 4, 3).perturb(t, x, y, e)), y).toFloatArray();
			for (int i = 0; i < POS.length; i++) {
				assertTrue(three[i] >= one[i] - 1e-5f * Math.max(1, one[i]), "sample " + i + ": " + three[i] + " < " +
					one[i]);
			}
		}
	}

	@Test
	void satTrainsWithApgdWhenTheRecipeSaysSo() {
		final TrainingRecipe recipe = TrainingRecipe.defaults("sat");
		recipe.satAttack = "APGD";
		recipe.steps = 2;
		final TrainingSettings s = new TrainingSettings();
		s.epochs = 1;
		s.validationFraction = 0;
		final LabeledData<Mask> few = TinyData.squares(8, 2);
		try (AmatModel m = recipe.train(TinyData.task(), few, Normalization.zscore(), s, null)) {
			assertEquals("apgd", m.info().training.parameters.get("attack").getAsString());
			assertTrue(!m.info().training.parameters.has("alpha"), "APGD has no alpha");
			assertEquals(2, m.info().training.parameters.get("steps").getAsInt());
		}
		recipe.satAttack = "fgsm";
		final AmatException e = assertThrows(AmatException.class, () -> recipe.train(TinyData.task(), few,
			Normalization.zscore(), s, null));
		assertTrue(e.getMessage().contains("PGD or APGD"), e.getMessage());
	}
}
