package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.segmentation.Mask;

/**
 * A test set whose images differ in size is evaluated size group by size group, and its report
 * is, image by image and in every aggregate, the reports of its size groups put together in
 * test-set order; a test set of one size is evaluated exactly as before.
 */
class MixedSizeReportTest {

	@TempDir
	static Path dir;

	static Path model;
	static LabeledData<Mask> a, b, c;

	/** n raw images of squares (intensities around 100 and 160) of h x w pixels, with their masks. */
	static LabeledData<Mask> squares(final int n, final int h, final int w, final long seed) {
		final Random r = new Random(seed);
		final float[] raw = new float[n * h * w];
		final List<Mask> masks = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			final byte[] m = new byte[h * w];
			final int s = 4 + r.nextInt(5), x0 = r.nextInt(w - s), y0 = r.nextInt(h - s);
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) {
					final boolean in = x >= x0 && x < x0 + s && y >= y0 && y < y0 + s;
					m[y * w + x] = (byte) (in ? 1 : 0);
					raw[(i * h + y) * w + x] = (float) (100 + (in ? 60 : 0) + 18 * r.nextGaussian());
				}
			}
			masks.add(new Mask(m, w, h));
		}
		return new LabeledData<>(raw, 1, h, w, masks);
	}

	static ReportSettings settings() {
		final ReportSettings s = new ReportSettings();
		s.attacks = Arrays.asList("pgd", "noise");
		s.eps = new double[] { 0, 0.15, 0.3 };
		s.pgdSteps = 3;
		s.noiseDraws = 2;
		s.exampleCount = 7;
		s.batchSize = 2;
		return s;
	}

	@BeforeAll
	static void train() {
		model = RobustnessReportTest.train(dir, Normalization.zscore(), "zscore", 24, 6);
		a = squares(3, 16, 16, 1);
		b = squares(2, 24, 16, 2);
		c = squares(2, 16, 16, 3);
	}

	/** Every table of the report on a mixed set equals its groups' tables, row by row, and aggregates alike. */
	static void assertGroupsMakeTheReport(final TestSet<?> mixed, final ReportResult whole,
		final List<ReportResult> groups)
	{
		final ModelResult m = whole.models().get(0);
		assertTrue(!m.tables.isEmpty(), m.tables.keySet().toString());
		for (final Map.Entry<String, MetricTable[]> e : m.tables.entrySet()) {
			for (int k = 0; k < e.getValue().length; k++) {
				final MetricTable t = e.getValue()[k];
				final MetricTable expected = t.emptyCopy();
				assertEquals(mixed.size(), t.size());
				for (int i = 0; i < mixed.size(); i++) {
					final MetricTable g = groups.get(mixed.groupOf(i)).models().get(0).tables.get(e.getKey())[k];
					final int at = mixed.indexInGroup(i);
					for (int col = 0; col < t.names().length; col++) {
						assertEquals(g.value(at, col), t.value(i, col), e.getKey() + " level " + k + " image " + i + " " + t
							.names()[col]);
					}
					assertArrayEquals(g.detail(at), t.detail(i));
					expected.addRow(g, at);
				}
				// aggregates: the task's own over the same rows (pooled counts, mAP over all images)
				assertEquals(expected.primaryValue(), t.primaryValue(), e.getKey() + " level " + k);
				assertArrayEquals(expected.datasetValues(), t.datasetValues());
				for (int col = 0; col < t.names().length; col++) assertEquals(expected.mean(col), t.mean(col));
			}
		}
	}

	@Test
	void aMixedSegmentationSetIsItsSizeGroupsPutTogether() {
		final TestSet<Mask> mixed = TestSet.ofParts("segmentation", "mixed", Arrays.asList(a, b, c), null);
		assertEquals(2, mixed.groups());
		assertArrayEquals(new int[] { 0, 1, 2, 5, 6 }, mixed.positions(0));
		assertArrayEquals(new int[] { 3, 4 }, mixed.positions(1));
		assertEquals(24, mixed.height(1));
		assertEquals(24, mixed.height());
		final List<Path> models = Collections.singletonList(model);
		final ReportResult whole = RobustnessReport.evaluate(models, mixed, settings(), null);
		final List<ReportResult> groups = Arrays.asList(RobustnessReport.evaluate(models, TestSet.ofParts("segmentation",
			"16", Arrays.asList(a, c), null), settings(), null), RobustnessReport.evaluate(models, TestSet.ofParts(
				"segmentation", "24", Collections.singletonList(b), null), settings(), null));
		assertGroupsMakeTheReport(mixed, whole, groups);
		// the group sizes differ in their results (else the check above would be weak)
		assertNotEquals(groups.get(0).table().mean("zscore", "pgd", 0.3, "dice"), groups.get(1).table().mean("zscore",
			"pgd", 0.3, "dice"));
		// the examples: every image at its own size, and a sheet that draws them
		final List<Example> ex = whole.models().get(0).examples;
		assertEquals(7, ex.size());
		for (final Example e : ex) {
			assertEquals(mixed.height(mixed.groupOf(e.image)), e.height, "example of image " + e.image);
			assertEquals(e.height * e.width, e.truth.length);
			assertNotNull(e.adversarialPrediction);
		}
		final ij.process.ColorProcessor sheet = ExampleImages.sheet("mixed", ex, "dice");
		assertNotNull(sheet);
		assertTrue(sheet.getHeight() > 7 * 16, "rows of the images' own heights");
		// a mixed set's noise budget is per image: mean absolute eps over all images
		final LabeledData<?> g16 = mixed.groupsFor(Normalization.zscore()).get(0), g24 = mixed.groupsFor(Normalization
			.zscore()).get(1);
		final EpsLevels levels = new EpsLevels(settings().eps, settings().norm, settings().unit(), "test");
		final double expected = (levels.budget(2).meanAbsolute(g16, null) * 5 + levels.budget(2).meanAbsolute(g24, null) *
			2) / 7;
		assertEquals(expected, whole.table().curve("zscore", "pgd", "dice").get(2).epsAbsolute, 1e-9);
	}

	/**
	 * Two models with different normalisations: the sanity checks' transfer attack (crafted on
	 * the other model, carried over per image and size group) and the doubled steps give, on
	 * a mixed set, what they give on its size groups.
	 */
	@Test
	void theSanityChecksTransferAttackRunsPerSizeGroup() {
		final Path range = RobustnessReportTest.train(dir, Normalization.range(0, 255), "range", 24, 4);
		final List<Path> models = Arrays.asList(model, range);
		final TestSet<Mask> mixed = TestSet.ofParts("segmentation", "mixed", Arrays.asList(a, b, c), null);
		final ReportSettings s = settings();
		s.attacks = Collections.singletonList("pgd");
		final ReportPart whole = RobustnessReport.evaluatePart(models, mixed, s, SweepSelection.all(), null);
		final List<ReportPart> groups = Arrays.asList(RobustnessReport.evaluatePart(models, TestSet.ofParts("segmentation",
			"16", Arrays.asList(a, c), null), s, SweepSelection.all(), null), RobustnessReport.evaluatePart(models, TestSet
				.ofParts("segmentation", "24", Collections.singletonList(b), null), s, SweepSelection.all(), null));
		int checks = 0;
		for (final ModelPart m : whole.models.values()) {
			for (final SweepUnit u : m.units) {
				final MetricTable t = m.table(u);
				if (ReportPlan.isCheck(u.attack)) checks++;
				for (int i = 0; i < mixed.size(); i++) {
					final MetricTable g = groups.get(mixed.groupOf(i)).models.get(m.name).table(u);
					for (int col = 0; col < t.names().length; col++) {
						assertEquals(g.value(mixed.indexInGroup(i), col), t.value(i, col), m.name + " " + u.attack + " image " + i);
					}
				}
			}
			assertEquals(7, m.gradients.n, "input gradients of every image");
			assertEquals(groups.get(0).models.get(m.name).gradients.zero + groups.get(1).models.get(m.name).gradients.zero,
				m.gradients.zero);
		}
		assertEquals(4, checks, "2 models x (doubled steps, transfer)");
	}

	@Test
	void theLargestImageDecidesTheMemoryCheck() {
		final TestSet<Mask> mixed = TestSet.ofParts("segmentation", "mixed", Arrays.asList(a, b, c), null);
		final TestSet<Mask> small = TestSet.ofParts("segmentation", "small", Arrays.asList(a, c), null);
		final ReportSettings s = settings();
		final List<sc.fiji.amat.model.ModelInfo> infos = ReportModels.infos(Collections.singletonList(model), Collections
			.singletonList("zscore"), "segmentation");
		final sc.fiji.amat.model.ModelInfo info = infos.get(0);
		final sc.fiji.amat.nn.MemoryEstimate e = new sc.fiji.amat.nn.MemoryEstimate(info.network, 1, sc.fiji.amat.task.Tasks
			.fromSpec(info.task, info.taskSpec, info.inputChannels, info.network).outputChannels());
		final String before = System.getProperty(sc.fiji.amat.nn.MemoryEstimate.AVAILABLE);
		try {
			System.setProperty(sc.fiji.amat.nn.MemoryEstimate.AVAILABLE, Long.toString(e.bytes(sc.fiji.amat.nn.MemoryEstimate.Use.ATTACK,
				2, 16, 16)));
			assertEquals(0, ReportPlan.checkMemory(infos, small, s), "16 x 16 images fit");
			assertEquals(16, ReportPlan.checkMemory(infos, mixed, s), "the 24 x 16 images do not: tiles of 16");
			System.setProperty(sc.fiji.amat.nn.MemoryEstimate.AVAILABLE, Long.toString(e.bytes(sc.fiji.amat.nn.MemoryEstimate.Use.ATTACK,
				2, 24, 16)));
			assertEquals(0, ReportPlan.checkMemory(infos, mixed, s), "every group fits");
		}
		finally {
			if (before == null) System.clearProperty(sc.fiji.amat.nn.MemoryEstimate.AVAILABLE);
			else System.setProperty(sc.fiji.amat.nn.MemoryEstimate.AVAILABLE, before);
		}
	}

	@Test
	void aTiledReportOnAMixedSetIsItsSizeGroupsPutTogether() {
		final TestSet<Mask> mixed = TestSet.ofParts("segmentation", "mixed", Arrays.asList(a, b, c), null);
		final ReportSettings s = settings();
		s.tile = 8;
		s.attacks = Collections.singletonList("pgd");
		s.eps = new double[] { 0, 0.3 };
		s.extraChecks = false;
		final List<Path> models = Collections.singletonList(model);
		final ReportResult whole = RobustnessReport.evaluate(models, mixed, s, null);
		assertGroupsMakeTheReport(mixed, whole, Arrays.asList(RobustnessReport.evaluate(models, TestSet.ofParts(
			"segmentation", "16", Arrays.asList(a, c), null), s, null), RobustnessReport.evaluate(models, TestSet.ofParts(
				"segmentation", "24", Collections.singletonList(b), null), s, null)));
	}

	@Test
	void theDefaultNoiseLevelsLookAtEveryImage() {
		final TestSet<Mask> mixed = TestSet.ofParts("segmentation", "mixed", Arrays.asList(a, b, c), null);
		final EpsLevels levels = DefaultEps.suggest(Collections.singletonList(model), mixed, settings().norm, null);
		final double[] std = new double[7];
		int k = 0;
		for (final LabeledData<Mask> d : mixed.groupsFor(Normalization.zscore())) {
			for (int i = 0; i < d.size(); i++) {
				final float[] v = d.image(i);
				double s = 0, s2 = 0;
				for (final float f : v) {
					s += f;
					s2 += (double) f * f;
				}
				std[k++] = Math.sqrt(Math.max(0, s2 / v.length - s / v.length * (s / v.length)));
			}
		}
		Arrays.sort(std);
		assertEquals(DefaultEps.roundUpNice(0.25 * std[3]), levels.get(levels.size() - 1), 1e-12);
	}

	@Test
	void oneSizeIsEvaluatedAsBefore() {
		final TestSet<Mask> one = TestSet.ofParts("segmentation", "one", Arrays.asList(a, c), null);
		assertEquals(1, one.groups());
		final ReportSettings s = settings();
		final ReportResult r = RobustnessReport.evaluate(Collections.singletonList(model), one, s, null);
		final ReportPlan plan = ReportPlan.of(Collections.singletonList(model), one, s);
		try (AmatModel m = AmatModel.load(model, ai.djl.Device.cpu())) {
			final LabeledData<Mask> data = one.normalizedFor(m.normalization());
			for (final String attack : plan.attackNames()) {
				for (int k = 1; k < plan.levels.size(); k++) {
					// what the report computed for one size before: one evaluation, seeded once
					Engines.pytorch().setRandomSeed(SweepUnit.attackSeed(s.seed, attack, plan.levels.get(k)));
					final MetricTable t = Evaluator.evaluate(m, data, s.batchSize, plan.attack(attack), plan.levels.budget(k),
						null, null, plan.tiling(m.sizeMultiple()));
					final MetricTable got = r.models().get(0).tables.get(attack)[k];
					for (int i = 0; i < t.size(); i++) {
						for (int col = 0; col < t.names().length; col++) assertEquals(t.value(i, col), got.value(i, col));
					}
					assertEquals(t.primaryValue(), got.primaryValue());
				}
			}
			final MetricTable clean = Evaluator.evaluate(m, data, s.batchSize);
			assertEquals(clean.primaryValue(), r.models().get(0).tables.get(plan.attackNames().get(0))[0].primaryValue());
			assertEquals(levels(plan, data, m).toString(), Arrays.toString(r.table().curve("zscore", "pgd", "dice").stream()
				.mapToDouble(x -> x.epsAbsolute).toArray()));
		}
	}

	private static List<Double> levels(final ReportPlan plan, final LabeledData<?> data, final AmatModel m) {
		final List<Double> out = new ArrayList<>();
		for (int k = 0; k < plan.levels.size(); k++) out.add(plan.levels.budget(k).meanAbsolute(data, m.normalization()
			.validRange()));
		return out;
	}

	/** The fingerprint a test set of one size always had (the code before size groups). */
	static String oldFingerprint(final String taskType, final float[] raw, final int c, final int h, final int w,
		final List<?> labels)
	{
		final java.security.MessageDigest d = ReportFiles.sha256();
		final java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(16);
		head.putInt(labels.size()).putInt(c).putInt(h).putInt(w);
		d.update(taskType.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		d.update(head.array());
		final java.nio.ByteBuffer values = java.nio.ByteBuffer.allocate(raw.length * 4);
		values.asFloatBuffer().put(raw);
		d.update(values.array());
		for (final Object label : labels) d.update(java.nio.ByteBuffer.allocate(4).putInt(label.hashCode()).array());
		return ReportFiles.hex(d.digest());
	}

	@Test
	void theFingerprintCoversEveryImagesSize() {
		final float[] raw = new float[5 * 16 * 16];
		for (int i = 0; i < 3; i++) System.arraycopy(a.image(i), 0, raw, i * 256, 256);
		for (int i = 0; i < 2; i++) System.arraycopy(c.image(i), 0, raw, (3 + i) * 256, 256);
		final List<Mask> labels = new ArrayList<>(a.labels());
		labels.addAll(c.labels());
		final TestSet<Mask> one = TestSet.ofParts("segmentation", "one", Arrays.asList(a, c), null);
		assertEquals(oldFingerprint("segmentation", raw, 1, 16, 16, labels), one.fingerprint(), "one size: as before");
		assertEquals(new TestSet<>("segmentation", "t", raw, 1, 16, 16, labels).fingerprint(), one.fingerprint());
		final String mixed = TestSet.ofParts("segmentation", "mixed", Arrays.asList(a, b, c), null).fingerprint();
		assertNotEquals(one.fingerprint(), mixed);
		// the same values and labels, image B reshaped from 24 x 16 to 16 x 24
		final float[] braw = new float[2 * 24 * 16];
		for (int i = 0; i < 2; i++) System.arraycopy(b.image(i), 0, braw, i * 384, 384);
		final LabeledData<Mask> reshaped = new LabeledData<>(braw, 1, 16, 24, b.labels());
		assertNotEquals(mixed, TestSet.ofParts("segmentation", "mixed", Arrays.asList(a, reshaped, c), null)
			.fingerprint());
		assertEquals(mixed, TestSet.ofParts("segmentation", "again", Arrays.asList(a, b, c), null).fingerprint());
	}
}
