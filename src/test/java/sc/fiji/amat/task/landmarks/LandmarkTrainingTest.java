package sc.fiji.amat.task.landmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.Pgd;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.train.AmatTraining;
import sc.fiji.amat.train.Calibration;
import sc.fiji.amat.train.ModelTrainer;
import sc.fiji.amat.train.SatTraining;
import sc.fiji.amat.train.StandardTraining;
import sc.fiji.amat.train.Thresholds;
import sc.fiji.amat.train.TrainingMethod;
import sc.fiji.amat.train.TrainingSettings;

/** Short runs on 24 sample skulls of 32 x 32 pixels with a tiny U-Net: seconds each. */
class LandmarkTrainingTest {

	private static final int SIZE = 32, N = 24;
	private static LabeledData<Landmarks> data;
	private static LandmarkTask task;
	private static AmatModel trained, untrained;

	@BeforeAll
	static void train() {
		final LandmarkSamples gen = new LandmarkSamples(SIZE, 7);
		final float[] raw = new float[N * SIZE * SIZE];
		final List<Landmarks> labels = new ArrayList<>();
		final byte[] pixels = new byte[SIZE * SIZE];
		for (int i = 0; i < N; i++) {
			labels.add(gen.sample(i, pixels));
			for (int p = 0; p < pixels.length; p++) raw[i * SIZE * SIZE + p] = pixels[p] & 0xff;
		}
		data = new LabeledData<>(Normalization.zscore().apply(raw, N, 1, SIZE * SIZE).values, 1, SIZE, SIZE, labels);
		task = new LandmarkTask(LandmarkSamples.NAMES, gen.pixelSize(), 1, new NetworkConfig(2, 8,
			NetworkConfig.Norm.BATCH));
		untrained = run(new StandardTraining(), 1, 1e-9f);
		trained = run(new StandardTraining(), 8, 1e-2f);
	}

	private static AmatModel run(final TrainingMethod method, final int epochs, final float lr) {
		return run(method, data, epochs, lr);
	}

	private static AmatModel run(final TrainingMethod method, final LabeledData<Landmarks> d, final int epochs,
		final float lr)
	{
		final TrainingSettings s = new TrainingSettings();
		s.epochs = epochs;
		s.learningRate = lr;
		s.validationFraction = 0;
		s.batchSize = 8;
		return new ModelTrainer<>(task, d, Normalization.zscore(), s, method, null).train();
	}

	@AfterAll
	static void close() {
		trained.close();
		untrained.close();
	}

	private static double mre(final MetricTable t) {
		return t.mean(t.column("mre px"));
	}

	@Test
	void trainingLowersTheMeanRadialErrorAndAnAttackRaisesIt() {
		final MetricTable before = Evaluator.evaluate(untrained, data, 8), after = Evaluator.evaluate(trained, data, 8);
		assertTrue(mre(after) < 0.5 * mre(before), "MRE " + mre(before) + " px untrained, " + mre(after) + " trained");
		assertTrue(after.primaryMean() > before.primaryMean(), "SDR " + before.primaryMean() + " -> " + after
			.primaryMean());
		final MetricTable attacked = Evaluator.evaluate(trained, data, 8, Pgd.pgd(Norm.L2, 5, 4), 0.5, EpsUnit.RMS);
		assertTrue(mre(attacked) > mre(after) + 1, "MRE " + mre(after) + " px clean, " + mre(attacked) + " under PGD");
		assertTrue(attacked.primaryMean() < after.primaryMean());
	}

	@Test
	void amatMarginsGrowWhereTheAttackNeverCrossesAndSatTrains() {
		final float[][] q = Calibration.quantities(trained, data, 8);
		final Thresholds mean = Calibration.calibrate(trained, data, Thresholds.Statistic.MEAN, 0, 8, "the test model");
		assertEquals(2, mean.values().length);
		double kl = 0;
		for (final float[] r : q) kl += r[0] / q.length;
		assertEquals(kl, mean.values()[0], 1e-4);
		assertTrue(mean.values()[1] > 0 && mean.values()[1] < 10, mean.toString());

		final float delta = 0.2f;
		final Thresholds never = new Thresholds(task.boundarySpec(), new float[] { 1e9f, 1e9f }, "never over");
		final Thresholds always = new Thresholds(task.boundarySpec(), new float[] { -1f, -1f }, "always over");
		final AmatTraining grow = amat(never, delta), stay = amat(always, delta);
		// one batch of 8 samples, one epoch each
		final LabeledData<Landmarks> eight = data.subset(new int[] { 0, 1, 2, 3, 4, 5, 6, 7 });
		run(grow, eight, 1, 1e-3f).close();
		run(stay, eight, 1, 1e-3f).close();
		// two components: one over is enough; the diagnostics say where the samples were over
		final sc.fiji.amat.train.AmatEpoch g = grow.epochs().get(0), a = stay.epochs().get(0);
		assertEquals(1.0, g.fractionExpanded, 1e-9);
		assertEquals(0.0, g.fractionOverClean + g.fractionOverAtStart + g.fractionOverOnlyAfterSteps, 1e-9);
		assertEquals(0.0, a.fractionExpanded, 1e-9);
		assertEquals(1.0, a.fractionOverClean, 1e-9);
		assertEquals(1.0, a.fractionOverAtStart, 1e-9);
		assertEquals(0.0, a.fractionOverOnlyAfterSteps, 1e-9);
		final Thresholds offsetOnly = new Thresholds(task.boundarySpec(), new float[] { 1e9f, -1f }, "offset always over");
		final AmatTraining second = amat(offsetOnly, delta);
		run(second, eight, 1, 1e-3f).close();
		assertEquals(1.0, second.epochs().get(0).fractionOverAtStart, 1e-9, "the second component alone puts all over");
		try (AmatModel sat = run(new SatTraining(Norm.L2, 0.1f * SIZE, 2, 4, SatTraining.LossMode.MIXED, 0.5f, SIZE *
			SIZE), eight, 1, 1e-3f))
		{
			assertEquals("sat", sat.info().training.method);
			assertTrue(Double.isFinite(sat.info().training.history.getAsJsonArray("loss").get(0).getAsDouble()));
		}
	}

	private static AmatTraining amat(final Thresholds t, final float delta) {
		final AmatTraining.Settings s = new AmatTraining.Settings(delta);
		s.steps = 2;
		return new AmatTraining(s, t, SIZE * SIZE);
	}
}
