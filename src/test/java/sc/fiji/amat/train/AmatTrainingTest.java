package sc.fiji.amat.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import com.google.gson.JsonArray;

import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.TinyData;
import sc.fiji.amat.attack.AttackTarget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ModelFile;
import sc.fiji.amat.task.BoundarySpec;
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

	/** One AMAT step by hand on samples 0..3 of the standard model, then the epoch's update. */
	private static float[] oneStep(final AmatTraining amat) {
		final int[] pos = { 0, 1, 2, 3 };
		amat.begin(data.ids(new int[] { 0, 1, 2, 3, 4, 5, 6, 7 }));
		amat.startEpoch(1);
		final SegmentationTask task = (SegmentationTask) standard.task();
		try (NDManager m = standard.manager().newSubManager()) {
			final NDArray x = data.batch(m, pos);
			final NDList y = task.encodeLabels(m, data.labels(pos), 16, 16);
			final AttackTarget<Mask> target = new AttackTarget<>(standard.block(), standard.parameterStore(), task, true,
				null);
			final Batch<Mask> batch = new Batch<>(target, x, y, data.labels(pos), data.ids(pos));
			final NDArray adv = amat.adversarial(batch);
			amat.adversarialOutput(batch, target.forward(adv));
			final float[] used = Norm.L2.of(adv.sub(x)).toFloatArray();
			amat.endEpoch(1);
			return used;
		}
	}

	@Test
	void marginsGrowByDeltaWhenTheAttackNeverCrossesTheBoundary() {
		final AmatTraining amat = amat(dice(-1f), false); // Dice is never below -1: never over
		final float[] used = oneStep(amat);
		for (int id = 0; id < 4; id++) {
			assertEquals(2 * DELTA, amat.margin(id), 1e-6, "sample " + id);
			assertEquals(DELTA, used[id], 1e-4, "PGD ends on the ball's surface");
		}
		// samples not in the batch were never attacked, so they expand only if marked: they are not
		for (int id = 4; id < 8; id++) assertEquals(DELTA, amat.margin(id), 1e-6);
		assertTrue(amat.statistics().contains("expanded"), amat.statistics());
	}

	@Test
	void marginsStopGrowingWhenTheAttackCrosses() {
		final AmatTraining amat = amat(dice(2f), false); // Dice is always below 2: always over
		oneStep(amat);
		for (int id = 0; id < 8; id++) assertEquals(DELTA, amat.margin(id), 1e-4, "sample " + id);
	}

	@Test
	void bisectionFindsPointsInsideTheBall() {
		final AmatTraining amat = amat(dice(2f), true); // over at once: bisect between clean and start
		final float[] used = oneStep(amat);
		for (int i = 0; i < 4; i++) assertTrue(used[i] < DELTA * 0.01, "bisected noise " + used[i]);
		for (int id = 0; id < 4; id++) assertEquals(DELTA, amat.margin(id), 1e-6, "floored at delta");
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
		}
	}

	@Test
	void thresholdsAreAStatisticOfTheStandardModelsQuantities() {
		final float[][] q = Calibration.quantities(standard, data, 8);
		assertEquals(16, q.length);
		double sum = 0;
		for (final float[] r : q) sum += r[0];
		final Thresholds t = Calibration.calibrate(standard, data, Thresholds.Statistic.MEAN, 0, 8, "the test model");
		assertEquals(sum / 16, t.values()[0], 1e-5);
		assertTrue(t.origin().contains("16 training images"), t.origin());

		final BoundarySpec spec = new BoundarySpec(new String[] { "dice", "loss" }, new boolean[] { true, false });
		final float[][] hand = { { 0.9f, 1 }, { 0.8f, 2 }, { Float.NaN, 3 }, { 0.7f, 10 } };
		assertArrayEquals(new float[] { 0.8f, 4f }, Thresholds.calibrate(spec, hand, Thresholds.Statistic.MEAN, 0, "h")
			.values(), 1e-6f);
		assertArrayEquals(new float[] { 0.8f, 2.5f }, Thresholds.calibrate(spec, hand, Thresholds.Statistic.MEDIAN, 0, "h")
			.values(), 1e-6f);
		// robust: median -/+ z * 1.4826 * MAD; for dice MAD = 0.1, for the loss MAD = 1
		final float[] robust = Thresholds.calibrate(spec, hand, Thresholds.Statistic.ROBUST, 1, "h").values();
		assertEquals(0.8 - 0.14826, robust[0], 1e-5);
		assertEquals(2.5 + 1.4826, robust[1], 1e-4);
		assertThrows(AmatException.class, () -> Thresholds.calibrate(spec, new float[][] { { Float.NaN, 1 } },
			Thresholds.Statistic.MEAN, 0, "h"));
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
