package sc.fiji.amat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sc.fiji.amat.TinyData;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;
import sc.fiji.amat.train.ModelTrainer;
import sc.fiji.amat.train.StandardTraining;
import sc.fiji.amat.train.TrainingSettings;

class AttackTest {

	private static AmatModel trained;
	private static LabeledData<Mask> data;

	@BeforeAll
	static void trainTinyModel() {
		data = TinyData.squares(40, 11);
		trained = TinyData.trainStandard(data, 10);
	}

	@AfterAll
	static void close() {
		trained.close();
	}

	private static SegmentationTask task() {
		return (SegmentationTask) trained.task();
	}

	private static AttackTarget<Mask> target(final AmatModel model, final float[] range) {
		return new AttackTarget<>(model.block(), model.parameterStore(), (SegmentationTask) model.task(), false, range);
	}

	private static List<Attack> attacks(final Norm norm) {
		final List<Attack> a = new ArrayList<>();
		a.add(Pgd.pgd(norm, 5, 4));
		a.add(Pgd.ifgsm(norm, 5));
		a.add(Pgd.fgsm(norm));
		a.add(new WhiteNoise(norm, WhiteNoise.Distribution.UNIFORM, 4));
		a.add(new WhiteNoise(norm, WhiteNoise.Distribution.GAUSSIAN, 4));
		return a;
	}

	@Test
	void perturbationsStayInsideTheirPerSampleBallAndEpsZeroIsUntouched() {
		final float[] eps = { 0f, 0.5f, 2f, 8f, 0.01f, 3f };
		final int[] pos = { 0, 1, 2, 3, 4, 5 };
		for (final Norm norm : Norm.values()) {
			final float[] e = norm == Norm.L2 ? eps : new float[] { 0f, 0.05f, 0.2f, 0.8f, 0.001f, 0.3f };
			for (final Attack attack : attacks(norm)) {
				try (NDManager m = trained.manager().newSubManager()) {
					final NDArray x = data.batch(m, pos);
					final NDList y = task().encodeLabels(m, data.labels(pos), 16, 16);
					final NDArray adv = attack.perturb(target(trained, null), x, y, e);
					final float[] size = norm.of(adv.sub(x)).toFloatArray();
					for (int i = 0; i < pos.length; i++) {
						assertTrue(size[i] <= e[i] * (1 + 1e-4f) + 1e-6f, attack + ": sample " + i + " moved " + size[i] +
							" > eps " + e[i]);
					}
					assertEquals(0f, size[0], attack + " moved a sample with eps 0");
				}
			}
		}
	}

	@Test
	void attacksClampToTheValidRange() {
		try (NDManager m = trained.manager().newSubManager()) {
			final int[] pos = { 0, 1, 2 };
			final NDArray x = data.batch(m, pos).clip(0f, 1f);
			final NDList y = task().encodeLabels(m, data.labels(pos), 16, 16);
			for (final Attack attack : attacks(Norm.LINF)) {
				final NDArray adv = attack.perturb(target(trained, new float[] { 0, 1 }), x, y, new float[] { .5f, .5f,
					.5f });
				assertTrue(adv.min().getFloat() >= 0f && adv.max().getFloat() <= 1f, attack.toString());
			}
		}
	}

	@Test
	void pgdRaisesTheLossMoreThanWhiteNoiseOfTheSameSize() {
		final int[] pos = { 0, 1, 2, 3, 4, 5, 6, 7 };
		final float[] eps = new float[pos.length];
		java.util.Arrays.fill(eps, 4f); // L2 over 256 values: 0.25 rms
		try (NDManager m = trained.manager().newSubManager()) {
			final AttackTarget<Mask> t = target(trained, null);
			final NDArray x = data.batch(m, pos);
			final NDList y = task().encodeLabels(m, data.labels(pos), 16, 16);
			final double clean = t.loss(t.forward(x), y).mean().getFloat();
			final double pgd = t.loss(t.forward(Pgd.pgd(Norm.L2, 10, 4).perturb(t, x, y, eps)), y).mean().getFloat();
			final double noise = t.loss(t.forward(new WhiteNoise(Norm.L2, WhiteNoise.Distribution.GAUSSIAN, 10).perturb(t,
				x, y, eps)), y).mean().getFloat();
			assertTrue(pgd > clean * 1.5, "PGD loss " + pgd + " vs clean " + clean);
			assertTrue(pgd > noise * 1.2, "PGD loss " + pgd + " vs white noise " + noise);
		}
		// and the metric falls under attack
		final double cleanDice = Evaluator.evaluate(trained, data, 8).primaryMean();
		final double attacked = Evaluator.evaluate(trained, data, 8, Pgd.pgd(Norm.L2, 10, 4), 0.25, EpsUnit.RMS)
			.primaryMean();
		assertTrue(attacked < cleanDice - 0.2, "Dice " + cleanDice + " -> " + attacked);
	}

	@Test
	void parametersAccumulateNoGradientDuringAnAttack() {
		final SegmentationTask task = TinyData.task();
		try (AmatModel model = AmatModel.create(task, sc.fiji.amat.model.ModelInfoFixture.info(task), Device.cpu());
			NDManager m = model.manager().newSubManager())
		{
			final int[] pos = { 0, 1 };
			final NDArray x = data.batch(m, pos);
			final NDList y = task.encodeLabels(m, data.labels(pos), 16, 16);
			final AttackTarget<Mask> train = new AttackTarget<>(model.block(), model.parameterStore(), task, true, null);
			Pgd.pgd(Norm.L2, 3, 4).perturb(train, x, y, new float[] { 1, 1 });
			int checked = 0;
			for (final Pair<String, Parameter> p : model.block().getParameters()) {
				final NDArray a = p.getValue().getArray();
				if (p.getValue().getType() == Parameter.Type.RUNNING_MEAN || p.getValue().getType() ==
					Parameter.Type.RUNNING_VAR) continue;
				assertTrue(a.hasGradient(), p.getKey() + " was left frozen");
				assertEquals(0f, a.getGradient().abs().sum().getFloat(), p.getKey() + " accumulated a gradient");
				checked++;
			}
			assertTrue(checked > 5);
		}
	}

	@Test
	void pgdObserverSeesTPlusOneIterates() {
		try (NDManager m = trained.manager().newSubManager()) {
			final int[] pos = { 0, 1 };
			final NDArray x = data.batch(m, pos);
			final NDList y = task().encodeLabels(m, data.labels(pos), 16, 16);
			final List<Integer> seen = new ArrayList<>();
			Pgd.pgd(Norm.L2, 4, 4).perturb(target(trained, null), x, y, new float[] { 1, 1 }, new float[] { 1, 1 }, (t, xa,
				out) -> seen.add(t));
			assertEquals(java.util.Arrays.asList(0, 1, 2, 3, 4), seen);
		}
	}
}
