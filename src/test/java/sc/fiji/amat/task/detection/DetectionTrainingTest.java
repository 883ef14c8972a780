package sc.fiji.amat.task.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.Pgd;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.report.ReportPart;
import sc.fiji.amat.report.ReportPartFormat;
import sc.fiji.amat.report.ReportResult;
import sc.fiji.amat.report.ReportSettings;
import sc.fiji.amat.report.RobustnessReport;
import sc.fiji.amat.report.SweepSelection;
import sc.fiji.amat.report.TestSet;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.train.AmatTraining;
import sc.fiji.amat.train.Calibration;
import sc.fiji.amat.train.ModelTrainer;
import sc.fiji.amat.train.SatTraining;
import sc.fiji.amat.train.StandardTraining;
import sc.fiji.amat.train.Thresholds;
import sc.fiji.amat.train.TrainingSettings;

/**
 * A short training run of the detector on generated blood-smear images raises mAP well above an
 * untrained network's; PGD lowers it; SAT and AMAT run on the task (AMAT with thresholds
 * calibrated on the trained model, one per loss component).
 */
class DetectionTrainingTest {

	static final int EPOCHS = 30;
	private static DetectionTask task;
	private static LabeledData<Boxes> train, test;
	private static AmatModel trained;
	private static double untrainedMap;

	/** n generated 64 x 64 images from index first, z-score normalised. */
	static LabeledData<Boxes> smears(final int first, final int n) {
		final BloodSmearSamples g = new BloodSmearSamples(64, 7);
		final float[] raw = new float[n * 3 * 64 * 64];
		final List<Boxes> labels = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			final BloodSmearSamples.Sample s = g.sample(first + i);
			for (int p = 0; p < 64 * 64; p++) {
				for (int c = 0; c < 3; c++) raw[(i * 3 + c) * 64 * 64 + p] = s.rgb[p] >> (16 - 8 * c) & 0xff;
			}
			labels.add(s.boxes);
		}
		return new LabeledData<>(Normalization.zscore().apply(raw, n, 3, 64 * 64).values, 3, 64, 64, labels);
	}

	static TrainingSettings settings(final int epochs) {
		final TrainingSettings s = new TrainingSettings();
		s.epochs = epochs;
		s.learningRate = 5e-3f;
		s.validationFraction = 0;
		s.keepLastEpoch = true;
		return s;
	}

	@BeforeAll
	static void trainDetector() {
		task = new DetectionTask(BloodSmearSamples.CLASSES, 3, new NetworkConfig(2, 8, NetworkConfig.Norm.BATCH));
		train = smears(0, 32);
		test = smears(1000, 16);
		final long t0 = System.nanoTime();
		try (AmatModel untrained = new ModelTrainer<>(task, train, Normalization.zscore(), settings(1),
			new StandardTraining(), null).train())
		{
			untrainedMap = Evaluator.evaluate(untrained, test, 8).primaryValue();
		}
		trained = new ModelTrainer<>(task, train, Normalization.zscore(), settings(EPOCHS), new StandardTraining(), null)
			.train();
		System.out.printf("detection training: %.1f s%n", (System.nanoTime() - t0) / 1e9);
	}

	@AfterAll
	static void close() {
		if (trained != null) trained.close();
	}

	@Test
	void trainingRaisesMapAndPgdLowersIt() {
		final MetricTable clean = Evaluator.evaluate(trained, test, 8);
		final double map = clean.primaryValue();
		System.out.printf("mAP@0.5 untrained %.3f trained %.3f, mAP@0.5:0.95 %.3f, F1 %.3f%n", untrainedMap, map, clean
			.datasetValue(DetectionMetrics.MAP), clean.primaryMean());
		assertEquals(DetectionMetrics.MAP50, clean.primaryValueName());
		assertTrue(map > untrainedMap + 0.2, "mAP@0.5 " + untrainedMap + " -> " + map);
		assertTrue(map > 0.2, "mAP@0.5 " + map);
		final double attacked = Evaluator.evaluate(trained, test, 8, Pgd.pgd(Norm.L2, 5, 5), 0.25, EpsUnit.RMS)
			.primaryValue();
		System.out.printf("mAP@0.5 under PGD-5 L2 0.25 rms: %.3f%n", attacked);
		assertTrue(attacked < 0.7 * map, "mAP@0.5 " + map + " -> " + attacked + " under PGD");
	}

	@Test
	void amatCalibratesOneThresholdPerLossComponentAndTrains() {
		final Thresholds t = Calibration.calibrate(trained, train, Thresholds.Statistic.MEAN, 0, 8, "the test model");
		assertEquals(3, t.values().length);
		for (final float v : t.values()) assertTrue(v > 0 && Float.isFinite(v), java.util.Arrays.toString(t.values()));
		final LabeledData<Boxes> few = train.subset(new int[] { 0, 1, 2, 3, 4, 5, 6, 7 });
		final AmatTraining.Settings s = new AmatTraining.Settings(NoiseBudget.of(0.05, Norm.L2));
		s.steps = 2;
		final AmatTraining amat = new AmatTraining(s, t, few.sampleSize());
		final TrainingSettings ts = settings(1);
		try (AmatModel m = new ModelTrainer<>(task, few, Normalization.zscore(), ts, amat, null).train()) {
			assertEquals("amat", m.info().training.method);
			final double loss = m.info().training.history.getAsJsonArray("loss").get(0).getAsDouble();
			assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
		}
		// the samples that grew are exactly those never over at any check: 1 - (over at the start or only later)
		final sc.fiji.amat.train.AmatEpoch e = amat.epochs().get(0);
		int grew = 0;
		for (int id = 0; id < 8; id++) {
			if (amat.timesExpanded(id) == 1) grew++;
		}
		assertEquals(grew / 8.0, e.fractionExpanded, 1e-9);
		assertEquals(1 - e.fractionOverAtStart - e.fractionOverOnlyAfterSteps, e.fractionExpanded, 1e-9);
	}

	/**
	 * mAP is computed from every image's detections together: a report split into jobs whose
	 * parts are written, read back and merged must still give the single run's numbers.
	 */
	@Test
	void aSplitReportMergesIntoTheSingleRunsMap(@TempDir final Path dir) {
		final Path file = dir.resolve("detector.amat.zip");
		trained.save(file);
		final int n = 8;
		final BloodSmearSamples g = new BloodSmearSamples(64, 7);
		final float[] raw = new float[n * 3 * 64 * 64];
		final List<Boxes> labels = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			final BloodSmearSamples.Sample smear = g.sample(2000 + i);
			for (int p = 0; p < 64 * 64; p++) {
				for (int c = 0; c < 3; c++) raw[(i * 3 + c) * 64 * 64 + p] = smear.rgb[p] >> (16 - 8 * c) & 0xff;
			}
			labels.add(smear.boxes);
		}
		final TestSet<Boxes> test = new TestSet<>(DetectionTask.TYPE, "smears", raw, 3, 64, 64, labels);
		final ReportSettings s = new ReportSettings();
		s.attacks = Arrays.asList("pgd", "noise");
		s.eps = new double[] { 0, 0.1, 0.25 };
		s.pgdSteps = 2;
		s.noiseDraws = 2;
		s.exampleCount = 1;
		s.batchSize = 8;
		final List<Path> models = Collections.singletonList(file);
		final ReportResult single = RobustnessReport.evaluate(models, test, s, null);
		final List<ReportPart> parts = new ArrayList<>();
		for (final int k : new int[] { 2, 1 }) {
			final Path folder = dir.resolve("part-" + k);
			ReportPartFormat.write(RobustnessReport.evaluatePart(models, test, s, SweepSelection.slice(k + "/2"), null),
				folder);
			parts.add(ReportPartFormat.read(folder));
		}
		final ReportResult merged = RobustnessReport.merge(parts);
		assertEquals(single.table().rows(), merged.table().rows());
		final double cleanMap = single.table().mean("detector", "pgd", 0, DetectionMetrics.MAP50);
		assertTrue(cleanMap > 0.2, "clean mAP@0.5 " + cleanMap);
		assertEquals(cleanMap, merged.table().mean("detector", "pgd", 0, DetectionMetrics.MAP50));
		assertEquals(single.models().get(0).score("pgd").score, merged.models().get(0).score("pgd").score);
	}

	@Test
	void satTrainsOnTheTask() {
		final LabeledData<Boxes> few = train.subset(new int[] { 0, 1, 2, 3, 4, 5, 6, 7 });
		final SatTraining sat = new SatTraining(Norm.L2, 0.1f * (float) Math.sqrt(few.sampleSize()), 2, 5,
			SatTraining.LossMode.MIXED, 0.5f, few.sampleSize());
		try (AmatModel m = new ModelTrainer<>(task, few, Normalization.zscore(), settings(1), sat, null).train()) {
			assertEquals("sat", m.info().training.method);
			final MetricTable t = Evaluator.evaluate(m, test, 8);
			assertEquals(test.size(), t.size());
			assertTrue(t.datasetNames().contains(DetectionMetrics.MAP));
		}
	}
}
