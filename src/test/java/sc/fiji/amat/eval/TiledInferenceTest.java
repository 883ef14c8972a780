package sc.fiji.amat.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.TinyData;
import sc.fiji.amat.attack.Apgd;
import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackTarget;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.Pgd;
import sc.fiji.amat.attack.Tiling;
import sc.fiji.amat.attack.WhiteNoise;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;

/**
 * Tiled prediction, input gradient and attack against the untiled ones, on a tiny U-Net of depth
 * 2 (size multiple 4, receptive radius about 23 pixels) trained briefly on 16x16 images.
 */
class TiledInferenceTest {

	private static AmatModel model;
	/** A halo larger than the receptive radius: tiles then give exactly the untiled output. */
	private static final Tiling EXACT = new Tiling(64, 48, 24, 4);

	@BeforeAll
	static void train() {
		model = TinyData.trainStandard(TinyData.squares(16, 3), 2);
	}

	@AfterAll
	static void close() {
		model.close();
	}

	private static TiledInference<Mask> tiled(final Tiling t) {
		return TiledInference.of(model, t);
	}

	/** Two z-scored images of that size with a bright rectangle (class 1), and their masks. */
	private static NDArray images(final NDManager m, final int h, final int w, final List<Mask> masks) {
		final Random r = new Random(h * 31 + w);
		final float[] v = new float[2 * h * w];
		for (int k = 0; k < 2; k++) {
			final byte[] mask = new byte[h * w];
			final int x0 = r.nextInt(w / 2), y0 = r.nextInt(h / 2);
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) {
					final boolean in = x >= x0 && x < x0 + w / 3 && y >= y0 && y < y0 + h / 3;
					mask[y * w + x] = (byte) (in ? 1 : 0);
					v[k * h * w + y * w + x] = (float) ((in ? 1.5 : -0.5) + 0.3 * r.nextGaussian());
				}
			}
			masks.add(new Mask(mask, w, h));
		}
		return m.create(v, new Shape(2, 1, h, w));
	}

	private static float maxAbs(final NDArray a) {
		return a.abs().max().getFloat();
	}

	@Test
	void theTiledPredictionEqualsTheUntiledOne() {
		try (NDManager m = model.manager().newSubManager()) {
			final NDArray small = images(m, 16, 24, new ArrayList<>());
			final NDArray one = tiled(new Tiling(32, 8, 4, 4)).predict(small);
			final NDArray whole = model.forward(small, false).get(0);
			assertEquals(whole.getShape(), one.getShape());
			assertTrue(maxAbs(one.sub(whole)) < 1e-5f, "an image that fits one tile: " + maxAbs(one.sub(whole)));

			final NDArray big = images(m, 96, 80, new ArrayList<>());
			final NDArray untiled = model.forward(big, false).get(0);
			final float scale = maxAbs(untiled);
			assertEquals(3, EXACT.starts(96).length, "several tiles along y");
			assertEquals(2, EXACT.starts(80).length, "several tiles along x");
			final float exact = maxAbs(tiled(EXACT).predict(big).sub(untiled));
			assertTrue(exact < 1e-4f * scale, "tiles with a halo over the receptive radius: " + exact + " of " + scale);
			// a control: without a halo the tile borders show, so the comparison above can fail
			final float noHalo = maxAbs(tiled(new Tiling(32, 16, 0, 4)).predict(big).sub(untiled));
			assertTrue(noHalo > 1e-3f * scale, "no halo: " + noHalo);
		}
	}

	@Test
	void theTiledInputGradientEqualsTheUntiledOne() {
		try (NDManager m = model.manager().newSubManager()) {
			final List<Mask> masks = new ArrayList<>();
			final NDArray x = images(m, 96, 80, masks);
			final SegmentationTask task = (SegmentationTask) model.task();
			final NDList y = task.encodeLabels(m, masks, 96, 80);
			final NDArray tiledGradient = tiled(EXACT).inputGradient(x, y);
			final NDArray untiled = untiledGradient(x, y);
			final float scale = maxAbs(untiled);
			assertTrue(scale > 0);
			final float diff = maxAbs(tiledGradient.sub(untiled));
			assertTrue(diff < 1e-3f * scale, "gradient: " + diff + " of " + scale);
			// a control: the sum of per-tile gradients without the blend weights would count overlaps twice
			assertTrue(maxAbs(tiled(new Tiling(32, 16, 0, 4)).inputGradient(x, y).sub(untiled)) > 1e-2f * scale);
		}
	}

	@Test
	void theTiledAttackStaysInItsBudgetAndRaisesTheLoss() {
		try (NDManager m = model.manager().newSubManager()) {
			final List<Mask> masks = new ArrayList<>();
			final NDArray x = images(m, 96, 80, masks);
			final NDList y = ((SegmentationTask) model.task()).encodeLabels(m, masks, 96, 80);
			final TiledInference<Mask> t = tiled(new Tiling(32, 16, 4, 4));
			final NoiseBudget l2 = NoiseBudget.of(0.2, EpsUnit.RMS, Norm.L2);
			final NDArray adv = t.attack(x, y, l2, 4, 2.5f);
			final float limit = (float) (0.2 * Math.sqrt(96 * 80));
			final float[] norms = Norm.L2.of(adv.sub(x)).toFloatArray();
			for (final float n : norms) assertTrue(n <= limit * 1.0001f && n > 0.5f * limit, n + " of " + limit);
			final AttackTarget<Mask> target = new AttackTarget<>(model.block(), model.parameterStore(), (SegmentationTask) model
				.task(), false, null);
			final float clean = target.loss(new NDList(t.predict(x)), y).sum().getFloat();
			final float attacked = target.loss(new NDList(t.predict(adv)), y).sum().getFloat();
			assertTrue(attacked > clean, clean + " -> " + attacked);
			final NDArray linf = t.attack(x, y, NoiseBudget.absolute(0.05, Norm.LINF), 2, 2f);
			for (final float b : Norm.LINF.of(linf.sub(x)).toFloatArray()) assertTrue(b <= 0.05f + 1e-6f && b > 0.025f, "" + b);
			// per tile: every 32x32 block (the last column 32x16) within 0.2 rms of its own values
			final NDArray perTile = t.attack(x, y, l2, TiledInference.Scope.TILE, 4, 2.5f).sub(x);
			float fullest = 0;
			for (int y0 = 0; y0 < 96; y0 += 32) {
				for (int x0 = 0; x0 < 80; x0 += 32) {
					final int bw = Math.min(32, 80 - x0);
					final float blockLimit = (float) (0.2 * Math.sqrt(32 * bw));
					final NDArray block = perTile.get(new ai.djl.ndarray.index.NDIndex(":, :, {}:{}, {}:{}", y0, y0 + 32, x0,
						x0 + bw));
					for (final float n : Norm.L2.of(block).toFloatArray()) {
						assertTrue(n <= blockLimit * 1.0001f, n + " of " + blockLimit + " at " + x0 + "," + y0);
						fullest = Math.max(fullest, n / blockLimit);
					}
				}
			}
			assertTrue(fullest > 0.9f, "the blocks' budgets are used: " + fullest);
		}
	}

	/** The attack after seeding the engine's random generator, so two runs draw the same start. */
	private static NDArray seeded(final Attack attack, final AttackTarget<Mask> target, final NDArray x, final NDList y,
		final float[] eps)
	{
		Engine.getInstance().setRandomSeed(7);
		return attack.perturb(target, x, y, eps);
	}

	@Test
	void attacksThroughATiledTargetOnOneTileEqualTheUntiledAttacks() {
		try (NDManager m = model.manager().newSubManager()) {
			final List<Mask> masks = new ArrayList<>();
			final NDArray x = images(m, 16, 24, masks);
			final NDList y = ((SegmentationTask) model.task()).encodeLabels(m, masks, 16, 24);
			final AttackTarget<Mask> whole = TiledInference.target(model);
			final AttackTarget<Mask> tiled = whole.tiled(new Tiling(32, 8, 4, 4), model.sizeMultiple());
			final float[] eps = { 0.5f, 0.5f };
			final Attack[] attacks = { new Apgd(Norm.L2, 6, 1), Pgd.fgsm(Norm.LINF), new Apgd(Norm.LINF, 4, 2),
				new WhiteNoise(Norm.L2, WhiteNoise.Distribution.GAUSSIAN, 3) };
			final float[] linfEps = { 0.05f, 0.05f };
			for (final Attack a : attacks) {
				final float[] e = a.norm() == Norm.LINF ? linfEps : eps;
				final NDArray untiled = seeded(a, whole, x, y, e), viaTiles = seeded(a, tiled, x, y, e);
				final float moved = maxAbs(untiled.sub(x));
				assertTrue(moved > 0.01f * e[0], a + " moved the image: " + moved);
				final float diff = maxAbs(viaTiles.sub(untiled));
				assertTrue(diff < 1e-5f, a + ": tiled and untiled differ by " + diff);
			}
		}
	}

	@Test
	void attacksThroughATiledTargetStayInTheWholeImageBudgetAndLowerTheMetric() {
		try (NDManager m = model.manager().newSubManager()) {
			final List<Mask> masks = new ArrayList<>();
			final NDArray x = images(m, 96, 80, masks);
			final SegmentationTask task = (SegmentationTask) model.task();
			final NDList y = task.encodeLabels(m, masks, 96, 80);
			final AttackTarget<Mask> tiled = TiledInference.<Mask> target(model).tiled(new Tiling(32, 16, 4, 4), model
				.sizeMultiple());
			assertEquals(5 * 4, new Tiling(32, 16, 4, 4).starts(96).length * new Tiling(32, 16, 4, 4).starts(80).length);
			final double clean = task.metrics(tiled.forward(x), masks).primaryMean();
			final NoiseBudget l2 = NoiseBudget.of(0.3, EpsUnit.RMS, Norm.L2);
			final float[] eps = l2.toAbsolute(x.toFloatArray(), 96 * 80, null);
			final Attack[] gradientAttacks = { new Apgd(Norm.L2, 5, 1), Pgd.ifgsm(Norm.L2, 3), Pgd.fgsm(Norm.L2) };
			for (final Attack a : gradientAttacks) {
				final NDArray adv = seeded(a, tiled, x, y, eps);
				final float[] norms = Norm.L2.of(adv.sub(x)).toFloatArray();
				for (int i = 0; i < 2; i++) {
					assertTrue(norms[i] <= eps[i] * 1.0001f && norms[i] > 0.5f * eps[i], a + ": " + norms[i] + " of " + eps[i]);
				}
				final double attacked = task.metrics(tiled.forward(adv), masks).primaryMean();
				assertTrue(attacked < clean, a + ": " + clean + " -> " + attacked);
			}
			final float[] linf = { 0.05f, 0.05f };
			final NDArray noisy = seeded(new WhiteNoise(Norm.LINF, WhiteNoise.Distribution.UNIFORM, 2), tiled, x, y, linf);
			for (final float b : Norm.LINF.of(noisy.sub(x)).toFloatArray()) assertTrue(b <= 0.05f + 1e-6f && b > 0.02f, "" + b);
		}
	}

	@Test
	void perImageMetricsOnImagesOfAnySize() {
		final sc.fiji.amat.data.LabeledData<Mask> fits = TinyData.squares(6, 11);
		final sc.fiji.amat.task.MetricTable untiled = Evaluator.evaluate(model, fits, 4);
		final sc.fiji.amat.task.MetricTable one = TiledEvaluation.evaluate(model, java.util.Collections.singletonList(
			fits), new Tiling(32, 8, 4, 4), null, null, 0, 0);
		assertEquals(6, one.size());
		for (int i = 0; i < 6; i++) assertEquals(untiled.value(i, 0), one.value(i, 0), 1e-6, "image " + i);
		// two sizes, clean and attacked
		final List<sc.fiji.amat.data.LabeledData<Mask>> sets = java.util.Arrays.asList(fits, bigSet(96, 80));
		final Tiling t = new Tiling(32, 16, 4, 4);
		final sc.fiji.amat.task.MetricTable clean = TiledEvaluation.evaluate(model, sets, t, null, null, 0, 0);
		final sc.fiji.amat.task.MetricTable attacked = TiledEvaluation.evaluate(model, sets, t, NoiseBudget.of(0.3,
			EpsUnit.RMS, Norm.L2), TiledInference.Scope.IMAGE, 3, 2.5f);
		assertEquals(8, clean.size());
		assertEquals(8, attacked.size());
		assertTrue(attacked.primaryMean() < clean.primaryMean(), clean.primaryMean() + " -> " + attacked.primaryMean());
	}

	private static sc.fiji.amat.data.LabeledData<Mask> bigSet(final int h, final int w) {
		try (NDManager m = model.manager().newSubManager()) {
			final List<Mask> masks = new ArrayList<>();
			final float[] v = images(m, h, w, masks).toFloatArray();
			return new sc.fiji.amat.data.LabeledData<>(v, 1, h, w, masks);
		}
	}

	@Test
	void badTilesAreRefused() {
		assertThrows(AmatException.class, () -> new Tiling(30, 8, 4, 4));
		assertThrows(AmatException.class, () -> new Tiling(32, 32, 4, 4));
		assertThrows(AmatException.class, () -> new Tiling(32, 8, 5, 4));
		final AmatException e = assertThrows(AmatException.class, () -> new Tiling(32, 8, 4, 4).check(30, 40, 4));
		assertTrue(e.getMessage().contains("40x30"), e.getMessage());
	}

	private static NDArray untiledGradient(final NDArray x, final NDList y) {
		final AttackTarget<Mask> target = new AttackTarget<>(model.block(), model.parameterStore(), (SegmentationTask) model
			.task(), false, null);
		final NDArray xa = x.duplicate();
		xa.setRequiresGradient(true);
		try (AttackTarget.Frozen f = target.freeze(); GradientCollector gc = Engine.getInstance()
			.newGradientCollector())
		{
			gc.backward(target.loss(target.forward(xa), y).sum());
		}
		return xa.getGradient();
	}
}
