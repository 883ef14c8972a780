package sc.fiji.amat.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.TinyData;
import sc.fiji.amat.attack.AttackTarget;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ModelFile;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;

class AmatTrainingTest {

	private static final float DELTA = 0.5f;
	private static AmatModel standard;
	private static LabeledData<Mask> data;

	@TempDir
	Path dir;

	@BeforeAll
	static void trainStandardModel() {
		data = TinyData.squares(16, 21);
		standard = TinyData.trainStandard(data, 8);
	}

	@AfterAll
	static void close() {
		standard.close();
	}

	private static Thresholds dice(final float t) {
		return new Thresholds(TinyData.task().boundarySpec(), new float[] { t }, "test value");
	}

	private static AmatTraining amat(final Thresholds t, final boolean bisection) {
		final AmatTraining.Settings s = new AmatTraining.Settings(DELTA);
		s.steps = 3;
		s.bisection = bisection;
		return new AmatTraining(s, t, data.sampleSize());
	}

	/** Margins of samples 0..3 (absolute L2), set as a restored state would. */
	private static void setMargins(final AmatTraining amat, final float... m) {
		final JsonObject state = new JsonObject();
		final JsonArray ids = new JsonArray(), margins = new JsonArray();
		for (int id = 0; id < 8; id++) {
			ids.add(id);
			margins.add(id < m.length ? m[id] : DELTA);
		}
		state.add("ids", ids);
		state.add("margins", margins);
		state.add("history", new JsonArray());
		amat.restore(state);
	}

	/**
	 * One AMAT step by hand on samples 0..3 of the standard model (training mode), the final
	 * check on {@code finalOutput} (null: the network's output on the adversarial inputs, as the
	 * training step gives it), then the epoch's update; returns the norms of the noise used.
	 */
	private static float[] oneStep(final AmatTraining amat, final java.util.function.Function<NDManager, NDList> finalOutput) {
		final int[] pos = { 0, 1, 2, 3 };
		amat.startEpoch(1);
		final SegmentationTask task = (SegmentationTask) standard.task();
		try (NDManager m = standard.manager().newSubManager()) {
			final NDArray x = data.batch(m, pos);
			final NDList y = task.encodeLabels(m, data.labels(pos), 16, 16);
			final AttackTarget<Mask> target = new AttackTarget<>(standard.block(), standard.parameterStore(), task, true,
				null);
			final Batch<Mask> batch = new Batch<>(target, x, y, data.labels(pos), data.ids(pos));
			final NDArray adv = amat.adversarial(batch);
			amat.adversarialOutput(batch, finalOutput == null ? target.forward(adv) : finalOutput.apply(m));
			final float[] used = Norm.L2.of(adv.sub(x)).toFloatArray();
			amat.endEpoch(1);
			return used;
		}
	}

	private static float[] oneStep(final AmatTraining amat) {
		return oneStep(amat, null);
	}

	@Test
	void theRandomStartHasRadiusMaxOfEpsMinusDeltaAndDeltaAndMarginsBecomeTheRunningMeanOfTheNoiseUsed() {
		// alpha 0: PGD does not move, so the noise used is the random start itself
		final AmatTraining.Settings s = new AmatTraining.Settings(DELTA);
		s.steps = 1;
		s.alpha = 0;
		final AmatTraining amat = new AmatTraining(s, dice(2f), data.sampleSize()); // always over: no growth
		setMargins(amat, DELTA, 1.5f * DELTA, 3 * DELTA, 5 * DELTA);
		final float[] used = oneStep(amat);
		final float[] radius = { DELTA, DELTA, 2 * DELTA, 4 * DELTA };
		final float[] mean = { DELTA, 1.25f * DELTA, 2.5f * DELTA, 4.5f * DELTA };
		for (int i = 0; i < 4; i++) {
			assertEquals(radius[i], used[i], 1e-4, "start radius of sample " + i);
			assertEquals(mean[i], amat.margin(i), 1e-4, "margin of sample " + i + ": (margin + noise used) / 2");
		}
		final AmatEpoch e = amat.epochs().get(0);
		assertEquals(1.0, e.fractionOverAtStart, 1e-9);
		assertEquals(0.0, e.fractionExpanded, 1e-9);
	}

	@Test
	void withBisectionTheRunningMeanOfTheNoiseUsedShrinksMargins() {
		final AmatTraining amat = amat(dice(2f), true); // over at the random start: bisect between clean and start
		setMargins(amat, 4 * DELTA, 4 * DELTA, 4 * DELTA, 4 * DELTA);
		final float[] used = oneStep(amat);
		for (int i = 0; i < 4; i++) {
			assertTrue(used[i] < DELTA * 0.01, "bisected noise " + used[i]);
			// (4 delta + almost nothing) / 2: the margin halves
			assertEquals(2 * DELTA, amat.margin(i), 0.01 * DELTA, "sample " + i);
		}
	}

	@Test
	void marginsAreClampedAtEpsMax() {
		final AmatTraining.Settings s = new AmatTraining.Settings(DELTA);
		s.steps = 2;
		s.epsMax = NoiseBudget.absolute(1.5f * DELTA, Norm.L2);
		final AmatTraining amat = new AmatTraining(s, dice(-1f), data.sampleSize()); // never over: every sample grows
		amat.begin(data.ids(new int[] { 0, 1, 2, 3, 4, 5, 6, 7 }));
		oneStep(amat);
		for (int id = 0; id < 4; id++) assertEquals(1.5f * DELTA, amat.margin(id), 1e-6, "delta + delta, clamped");
		assertEquals(1.0, amat.epochs().get(0).fractionExpanded * 2, 1e-9, "4 of 8 samples were attacked and grew");
	}

	@Test
	void theFinalIteratesCheckCountsInTraining() {
		// a boundary only Dice 0 crosses: the tiny noise of the PGD steps keeps every sample inside
		final AmatTraining.Settings s = new AmatTraining.Settings(1e-3f);
		s.steps = 2;
		final AmatTraining inside = new AmatTraining(s, dice(1e-3f), data.sampleSize());
		inside.begin(data.ids(new int[] { 0, 1, 2, 3 }));
		oneStep(inside);
		assertEquals(1.0, inside.epochs().get(0).fractionExpanded, 1e-9, inside.statistics());
		// the same, but the training step's output on the final iterate predicts background only: Dice 0
		final AmatTraining finalOver = new AmatTraining(s, dice(1e-3f), data.sampleSize());
		finalOver.begin(data.ids(new int[] { 0, 1, 2, 3 }));
		oneStep(finalOver, m -> {
			final float[] logits = new float[4 * 2 * 16 * 16];
			for (int n = 0; n < 4; n++) {
				for (int k = 0; k < 256; k++) logits[n * 512 + k] = 10; // class 0 (background) wins everywhere
			}
			return new NDList(m.create(logits, new ai.djl.ndarray.types.Shape(4, 2, 16, 16)));
		});
		final AmatEpoch e = finalOver.epochs().get(0);
		assertEquals(0.0, e.fractionExpanded, 1e-9, "over at check T + 1 only: no sample grows");
		assertEquals(1.0, e.fractionOverOnlyAfterSteps, 1e-9);
		for (int id = 0; id < 4; id++) assertEquals(1e-3f, finalOver.margin(id), 1e-6f);
	}

	@Test
	void marginsAreSavedWithTheModelAndTrainingResumesFromThem() {
		final TrainingSettings s = new TrainingSettings();
		s.epochs = 3;
		s.learningRate = 5e-3f;
		s.validationFraction = 0;
		s.batchSize = 8;
		final AmatTraining straight = amat(dice(0.7f), false);
		final byte[] weights;
		final float[] margins = new float[16];
		try (AmatModel m = new ModelTrainer<>(TinyData.task(), data, Normalization.zscore(), s, straight, null).train()) {
			weights = m.weights();
			for (int id = 0; id < 16; id++) margins[id] = straight.margin(id);
			m.save(dir.resolve("amat.zip"));
		}
		final JsonArray saved = ModelFile.read(dir.resolve("amat.zip")).info().training.methodState.getAsJsonArray(
			"margins");
		for (int id = 0; id < 16; id++) assertEquals(margins[id], saved.get(id).getAsFloat(), 0f);
		assertTrue(ModelFile.read(dir.resolve("amat.zip")).info().training.parameters.has("thresholds"));

		s.checkpoint = dir.resolve("ck.zip");
		// 2 steps per epoch: stops during epoch 2
		new ModelTrainer<>(TinyData.task(), data, Normalization.zscore(), s, amat(dice(0.7f), false), new StopAfterSteps(
			3)).train().close();
		final AmatTraining resumed = amat(dice(0.7f), false);
		try (AmatModel m = new ModelTrainer<>(TinyData.task(), data, Normalization.zscore(), s, resumed, null).resume()) {
			assertArrayEquals(weights, m.weights());
			for (int id = 0; id < 16; id++) assertEquals(margins[id], resumed.margin(id), 0f, "margin " + id);
			assertEquals(3, resumed.epochs().size(), "the diagnostics of every epoch, the resumed ones included");
		}
		// another boundary: refused in one sentence
		final AmatException e = assertThrows(AmatException.class, () -> new ModelTrainer<>(TinyData.task(), data,
			Normalization.zscore(), s, amat(dice(0.6f), false), null).resume());
		assertTrue(e.getMessage().contains("another AMAT boundary") && e.getMessage().endsWith("start afresh."), e
			.getMessage());
		final AmatTraining.Settings follow = new AmatTraining.Settings(DELTA);
		follow.steps = 3;
		follow.rule = new BoundaryRule(Thresholds.Statistic.MEAN, 1, 0.1, true);
		assertThrows(AmatException.class, () -> new ModelTrainer<>(TinyData.task(), data, Normalization.zscore(), s,
			new AmatTraining(follow, dice(0.7f), data.sampleSize()), null).resume(), "same values, another rule");
	}

	@Test
	void calibrationRunsInTrainingModeAndLeavesTheRunningStatisticsAlone() {
		final byte[] before = standard.weights();
		final float[][] train = Calibration.quantities(standard, data, 8);
		final float[][] eval = Calibration.quantities(standard, data, 8, false);
		assertArrayEquals(before, standard.weights(), "batch norm's running statistics are put back");
		assertEquals(16, train.length);
		double diff = 0;
		for (int i = 0; i < 16; i++) diff += Math.abs(train[i][0] - eval[i][0]);
		assertTrue(diff > 1e-4, "batch statistics, not running ones, were used");
		// the same batches give the same quantities again
		assertArrayEquals(train[5], Calibration.quantities(standard, data, 8)[5], 0f);
		final Thresholds t = Calibration.calibrate(standard, data, Thresholds.Statistic.MEAN, 0, 8, "the test model");
		assertTrue(t.origin().contains("16 training images") && t.origin().contains("training mode"), t.origin());
	}

	@Test
	void aRecipesBoundaryIsCalibratedFollowsTheModelAndIsRecorded() {
		final Path standardFile = dir.resolve("standard.amat.zip");
		standard.save(standardFile);
		final TrainingRecipe r = TrainingRecipe.defaults(AmatTraining.KEY);
		r.steps = 2;
		r.amatDelta = 0.05;
		r.statistic = Thresholds.Statistic.QUANTILE;
		r.boundaryLevel = 0.25;
		r.followModel = true;
		r.standardModel = standardFile;
		final TrainingSettings s = new TrainingSettings();
		s.epochs = 2;
		s.validationFraction = 0;
		s.batchSize = 8;
		final List<String> lines = new java.util.ArrayList<>();
		try (AmatModel m = r.train(TinyData.task(), data, Normalization.zscore(), s, new TrainingListener() {

			@Override
			public void epochEnded(final EpochSummary e) {
				lines.add(e.methodStatistics);
			}
		})) {
			final JsonObject boundary = m.info().training.parameters.getAsJsonObject("boundary");
			assertEquals("quantile", boundary.get("statistic").getAsString());
			assertEquals(0.25, boundary.get("level").getAsDouble());
			assertTrue(boundary.get("follow_model").getAsBoolean());
			final JsonArray h = m.info().training.methodState.getAsJsonArray("history");
			final float first = h.get(0).getAsJsonObject().getAsJsonArray("thresholds").get(0).getAsFloat();
			final float second = h.get(1).getAsJsonObject().getAsJsonArray("thresholds").get(0).getAsFloat();
			assertEquals(m.info().training.parameters.getAsJsonObject("thresholds").getAsJsonArray("values").get(0)
				.getAsFloat(), first, 0f, "epoch 1 tests against the standard model's calibration");
			assertTrue(first != second, "epoch 2 tests against thresholds recalibrated on the model being trained");
			assertTrue(AmatEpoch.history(m.info().training).get(1).hasDiagnostics());
		}
		assertEquals(2, lines.size());
		assertTrue(lines.get(0).contains("only after PGD steps") && lines.get(0).contains("next boundary"), lines.get(0));
	}

	@Test
	void satTrainsAndRecordsItsParameters() {
		final TrainingSettings s = new TrainingSettings();
		s.epochs = 2;
		s.validationFraction = 0;
		final SatTraining sat = new SatTraining(Norm.LINF, 0.1f, 2, 2.5f, SatTraining.LossMode.ADVERSARIAL, 0.5f, data
			.sampleSize());
		assertEquals(0, sat.cleanWeight());
		try (AmatModel m = new ModelTrainer<>(TinyData.task(), data, Normalization.zscore(), s, sat, null).train()) {
			assertEquals("sat", m.info().training.method);
			assertEquals("LINF", m.info().training.parameters.get("norm").getAsString());
			assertEquals(0.1, m.info().training.parameters.get("eps").getAsDouble(), 1e-6);
			assertTrue(Arrays.stream(m.info().training.history.getAsJsonArray("loss").asList().toArray()).count() == 2);
		}
	}
}
