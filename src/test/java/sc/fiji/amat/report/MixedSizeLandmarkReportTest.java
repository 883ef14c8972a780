package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.landmarks.LandmarkSamples;
import sc.fiji.amat.task.landmarks.LandmarkTask;
import sc.fiji.amat.task.landmarks.Landmarks;
import sc.fiji.amat.train.ModelTrainer;
import sc.fiji.amat.train.StandardTraining;
import sc.fiji.amat.train.TrainingSettings;

/**
 * Landmarks on radiographs of two sizes: the report on the mixed test set is, image by image and
 * in every aggregate, what its size groups give put together in test-set order.
 */
class MixedSizeLandmarkReportTest {

	/** n raw radiographs of size x size pixels from index first. */
	static LabeledData<Landmarks> radiographs(final int size, final int first, final int n) {
		final LandmarkSamples gen = new LandmarkSamples(size, 7);
		final float[] raw = new float[n * size * size];
		final List<Landmarks> labels = new ArrayList<>();
		final byte[] pixels = new byte[size * size];
		for (int i = 0; i < n; i++) {
			labels.add(gen.sample(first + i, pixels));
			for (int p = 0; p < pixels.length; p++) raw[i * size * size + p] = pixels[p] & 0xff;
		}
		return new LabeledData<>(raw, 1, size, size, labels);
	}

	@Test
	void aMixedLandmarkSetIsItsSizeGroupsPutTogether(@TempDir final Path dir) {
		final LandmarkTask task = new LandmarkTask(LandmarkSamples.NAMES, new LandmarkSamples(32, 7).pixelSize(), 1,
			new NetworkConfig(2, 8, NetworkConfig.Norm.BATCH));
		final TestSet<Landmarks> train = TestSet.of(LandmarkTask.TYPE, "train", radiographs(32, 0, 16));
		final TrainingSettings t = new TrainingSettings();
		t.epochs = 6;
		t.learningRate = 1e-2f;
		t.validationFraction = 0;
		t.batchSize = 8;
		final Path file = dir.resolve("landmarks.amat.zip");
		try (AmatModel m = new ModelTrainer<>(task, train.normalizedFor(Normalization.zscore()), Normalization.zscore(),
			t, new StandardTraining(), null).train())
		{
			m.save(file);
		}
		final LabeledData<Landmarks> a = radiographs(32, 100, 2), b = radiographs(40, 200, 2), c = radiographs(32, 300,
			1);
		final TestSet<Landmarks> mixed = TestSet.ofParts(LandmarkTask.TYPE, "radiographs", Arrays.asList(a, b, c), null);
		assertEquals(2, mixed.groups());
		final ReportSettings s = new ReportSettings();
		s.attacks = Arrays.asList("pgd", "noise");
		s.eps = new double[] { 0, 0.1, 0.25 };
		s.pgdSteps = 2;
		s.noiseDraws = 2;
		s.exampleCount = 5;
		s.batchSize = 2;
		final List<Path> models = Collections.singletonList(file);
		final ReportResult whole = RobustnessReport.evaluate(models, mixed, s, null);
		final ReportResult g32 = RobustnessReport.evaluate(models, TestSet.ofParts(LandmarkTask.TYPE, "32", Arrays.asList(
			a, c), null), s, null);
		final ReportResult g40 = RobustnessReport.evaluate(models, TestSet.ofParts(LandmarkTask.TYPE, "40", Arrays.asList(
			b), null), s, null);
		MixedSizeReportTest.assertGroupsMakeTheReport(mixed, whole, Arrays.asList(g32, g40));
		// the images' results differ (so equal rows are not equal by accident)
		final double[] clean = new double[mixed.size()];
		for (int i = 0; i < clean.length; i++) clean[i] = whole.models().get(0).tables.get("pgd")[0].value(i, 0);
		assertNotEquals(clean[0], clean[3], Arrays.toString(clean));
		assertEquals(5, whole.models().get(0).examples.size());
		assertEquals(40, whole.models().get(0).examples.get(2).height, "image 3 is 40 x 40");
	}
}
