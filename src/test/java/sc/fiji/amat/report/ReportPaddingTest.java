package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.data.volume.VolumeSlicer;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;
import sc.fiji.amat.task.segmentation.SegmentationVolumes;
import sc.fiji.amat.train.ModelTrainer;
import sc.fiji.amat.train.StandardTraining;
import sc.fiji.amat.train.TrainingSettings;

/**
 * A report pads test volumes' slices whose sides are not multiples of a model's size multiple as
 * training pads them: each slice normalised on its own pixels, then padded to the model's own
 * multiple with its normalised minimum (labels with background), so that the report's clean
 * evaluation of a model is its evaluation on the slices training would give it, for models of
 * any depth.
 */
class ReportPaddingTest {

	/** A tiny segmentation model of this depth, trained briefly on squares of side 16 or 2^depth. */
	private static Path train(final Path dir, final int depth, final Normalization normalization, final String name) {
		final int side = Math.max(16, 1 << depth);
		final LabeledData<Mask> raw = MixedSizeReportTest.squares(8, side, side, 21);
		final float[] all = new float[raw.size() * raw.sampleSize()];
		for (int i = 0; i < raw.size(); i++) System.arraycopy(raw.image(i), 0, all, i * raw.sampleSize(), raw
			.sampleSize());
		final LabeledData<Mask> data = new LabeledData<>(normalization.apply(all, raw.size(), 1, side * side).values, 1,
			side, side, raw.labels());
		final TrainingSettings s = new TrainingSettings();
		s.epochs = 1;
		s.validationFraction = 0;
		final Path file = dir.resolve(name + ".amat.zip");
		try (AmatModel m = new ModelTrainer<>(new SegmentationTask(SegmentationTask.defaultClassNames(2), 1,
			new NetworkConfig(depth, 4, NetworkConfig.Norm.BATCH)), data, normalization, s, new StandardTraining(), null)
				.train())
		{
			m.save(file);
		}
		return file;
	}

	/** A volume's slices as training cuts them with this normalisation and padding multiple. */
	private static LabeledData<Mask> training(final Path images, final Path labels, final String name,
		final Normalization normalization, final int multiple)
	{
		final VolumeSlicer.Options o = new VolumeSlicer.Options();
		o.normalization = normalization;
		o.padMultiple = multiple;
		return SegmentationVolumes.open(images.resolve(name + ".nii.gz"), labels.resolve(name + ".nii.gz"), o).data;
	}

	private static void assertSameData(final LabeledData<Mask> expected, final LabeledData<?> actual, final String what) {
		assertEquals(expected.size(), actual.size(), what);
		assertEquals(expected.height(), actual.height(), what);
		assertEquals(expected.width(), actual.width(), what);
		for (int i = 0; i < expected.size(); i++) {
			assertArrayEquals(expected.image(i), actual.image(i), what + ", slice " + i);
			assertEquals(expected.label(i), actual.label(i), what + ", slice " + i);
		}
	}

	@Test
	void theReportEvaluatesEachModelOnTheSlicesItsTrainingWouldGive(@TempDir final Path dir) throws Exception {
		final Path images = Files.createDirectories(dir.resolve("imagesTs")), labels = Files.createDirectories(dir
			.resolve("labelsTs"));
		// sides that are multiples of neither 4 nor 32, two in-plane sizes
		MixedSizeReadersTest.volume(images, labels, "a", 3, 13, 10, 3);
		MixedSizeReadersTest.volume(images, labels, "b", 2, 11, 18, 4);
		final TestSet<?> test = TestSet.fromFiles("segmentation", images, labels);
		assertEquals(2, test.groups());
		// kept raw and of their own size
		assertEquals(13, test.height(0));
		assertEquals(10, test.width(0));
		assertEquals(18, test.width(1));
		final Path shallow = train(dir, 2, Normalization.zscore(), "shallow");
		final Path deep = train(dir, 5, Normalization.percentile(1, 99), "deep");
		final List<Path> models = Arrays.asList(shallow, deep);
		final ReportResult result = RobustnessReport.evaluate(models, test, ReportVolumesTest.settings(), null);
		for (final Path p : models) {
			try (AmatModel m = AmatModel.load(p, ai.djl.Device.cpu())) {
				final String name = p.getFileName().toString().replace(".amat.zip", "");
				final Normalization n = m.normalization();
				final int k = m.sizeMultiple();
				final LabeledData<Mask> a = training(images, labels, "a", n, k), b = training(images, labels, "b", n, k);
				final List<? extends LabeledData<?>> groups = test.groupsFor(n, Transfers.multiple(m, null, null));
				assertSameData(a, groups.get(0), name + ", volume a");
				assertSameData(b, groups.get(1), name + ", volume b");
				assertSame(groups, test.groupsFor(n, k), "cached per normalisation and multiple");
				// the report's clean Dice is the model's Dice on the training slices, pooled over both volumes
				final double own = (Evaluator.evaluate(m, a, 4).primaryMean() * a.size() + Evaluator.evaluate(m, b, 4)
					.primaryMean() * b.size()) / (a.size() + b.size());
				assertFalse(Double.isNaN(own), name);
				assertEquals(own, result.table().mean(name, "pgd", 0, "dice"), 1e-9, name);
			}
		}
		// no model, no padding: the raw slices as read
		assertEquals(13, test.groupsFor(Normalization.range(0, 1)).get(0).height());
	}

	@Test
	void onlyVolumeSlicesWhoseSidesAreNotMultiplesArePadded() {
		final LabeledData<Mask> d = MixedSizeReportTest.squares(2, 16, 16, 7);
		final Normalization z = Normalization.zscore();
		// 2D images: never padded (training refuses them, and so does the report)
		assertEquals(16, TestSet.of("segmentation", "t", d).groupsFor(z, 5).get(0).width());
		final TestSet<Mask> test = TestSet.of("segmentation", "t", d, Arrays.asList("v", "v"));
		assertSameData(new LabeledData<>(z.apply(rawOf(d), 2, 1, 256).values, 1, 16, 16, d.labels()), test.groupsFor(z,
			16).get(0), "multiple 16");
		assertEquals(16, test.groupsFor(z, 8).get(0).width());
		// padded: sides rounded up, own pixels kept at the top left, the rest the normalised minimum
		final LabeledData<Mask> p = test.groupsFor(z, 5).get(0);
		assertEquals(20, p.width());
		final float[] own = z.apply(rawOf(d), 2, 1, 256).values;
		float min = Float.POSITIVE_INFINITY;
		for (int q = 0; q < 256; q++) min = Math.min(min, own[q]);
		assertEquals(own[15 * 16 + 15], p.image(0)[15 * 20 + 15]);
		assertEquals(min, p.image(0)[19 * 20 + 19]);
		assertEquals(0, p.label(0).get(19, 19));
		assertEquals(d.label(0).get(15, 15), p.label(0).get(15, 15));
	}

	@Test
	void aModelAndItsTransferSourcePadToACommonMultiple() {
		assertEquals(16, sc.fiji.amat.nn.NetworkConfig.commonSizeMultiple(4, 16));
		assertEquals(16, sc.fiji.amat.nn.NetworkConfig.commonSizeMultiple(16, 4));
		assertEquals(8, sc.fiji.amat.nn.NetworkConfig.commonSizeMultiple(8, 1));
		assertEquals(12, sc.fiji.amat.nn.NetworkConfig.commonSizeMultiple(4, 6));
	}

	private static float[] rawOf(final LabeledData<?> d) {
		final float[] all = new float[d.size() * d.sampleSize()];
		for (int i = 0; i < d.size(); i++) System.arraycopy(d.image(i), 0, all, i * d.sampleSize(), d.sampleSize());
		return all;
	}
}
