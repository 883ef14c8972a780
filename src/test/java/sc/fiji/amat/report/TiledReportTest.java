package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.attack.Tiling;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.eval.TiledEvaluation;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.MemoryEstimate;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.segmentation.Mask;

/**
 * The report on test images larger than a tile: the network sees them tile by tile and every
 * attack runs through the tiled target; clean metrics are {@link TiledEvaluation}'s, a split
 * report merges to the single run's, and without a tile size the report picks tiles when a batch
 * of whole images would not fit the memory.
 */
class TiledReportTest {

	@TempDir
	static Path dir;

	static Path model;
	/** Five 48 x 40 images: three tiles of 16 along y, three along x. */
	static TestSet<Mask> test;

	@BeforeAll
	static void train() {
		model = RobustnessReportTest.train(dir, Normalization.zscore(), "zscore", 24, 4);
		test = squares(5, 48, 40);
	}

	/** Raw images of that size with one bright rectangle each, as the squares the model learnt. */
	static TestSet<Mask> squares(final int n, final int h, final int w) {
		final Random r = new Random(3);
		final float[] raw = new float[n * h * w];
		final List<Mask> masks = new ArrayList<>();
		for (int k = 0; k < n; k++) {
			final byte[] mask = new byte[h * w];
			final int x0 = r.nextInt(w - 12), y0 = r.nextInt(h - 12), side = 6 + r.nextInt(6);
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) {
					final boolean in = x >= x0 && x < x0 + side && y >= y0 && y < y0 + side;
					mask[y * w + x] = (byte) (in ? 1 : 0);
					raw[k * h * w + y * w + x] = (float) ((in ? 160 : 100) + 18 * r.nextGaussian());
				}
			}
			masks.add(new Mask(mask, w, h));
		}
		return new TestSet<>("segmentation", "large squares", raw, 1, h, w, masks);
	}

	static ReportSettings settings() {
		final ReportSettings s = new ReportSettings();
		s.attacks = Arrays.asList("fgsm", "apgd", "noise");
		s.eps = new double[] { 0, 0.4 };
		s.apgdSteps = 3;
		s.noiseDraws = 2;
		s.exampleCount = 1;
		s.batchSize = 2;
		s.tile = 16;
		s.extraChecks = false;
		return s;
	}

	@Test
	void cleanMetricsAreTiledEvaluationsAndSplitReportsMerge() {
		final ReportResult single = RobustnessReport.evaluate(Collections.singletonList(model), test, settings(), null);
		assertEquals(16, single.settings.tile);
		final ModelResult r = single.models().get(0);
		final double[] clean = Metrics.primary(r.tables("fgsm")[0]);
		final MetricTable expected, untiled;
		try (AmatModel m = AmatModel.load(model, ai.djl.Device.cpu())) {
			untiled = sc.fiji.amat.eval.Evaluator.evaluate(m, test.normalizedFor(m.normalization()), 2);
			final Tiling tiling = ReportPlan.tiling(16, m.sizeMultiple());
			assertTrue(tiling.starts(48).length > 1 && tiling.starts(40).length > 1, "several tiles each way");
			expected = TiledEvaluation.evaluate(m, Collections.singletonList(test.normalizedFor(m.normalization())), tiling,
				null, null, 0, 0);
		}
		assertArrayEquals(Metrics.primary(expected), clean, 1e-6);
		// a control: the tiles' seams show in the metrics, so the report did not see whole images
		assertTrue(!Arrays.equals(Metrics.primary(untiled), clean), "tiled metrics differ from the whole images' ones");
		double cleanMean = 0, fgsmMean = 0;
		final double[] fgsm = Metrics.primary(r.tables("fgsm")[1]);
		for (int i = 0; i < clean.length; i++) {
			cleanMean += clean[i];
			fgsmMean += fgsm[i];
		}
		assertTrue(fgsmMean < cleanMean, "FGSM through the tiles lowers the metric: " + cleanMean + " -> " + fgsmMean);

		final List<ReportPart> parts = new ArrayList<>();
		for (final int k : new int[] { 2, 1 }) {
			parts.add(RobustnessReport.evaluatePart(Collections.singletonList(model), test, settings(), SweepSelection
				.slice(k + "/2"), null));
		}
		final ReportResult merged = RobustnessReport.merge(parts);
		assertEquals(single.table().size(), merged.table().size());
		for (int i = 0; i < single.table().size(); i++) {
			assertEquals(single.table().rows().get(i), merged.table().rows().get(i));
		}
	}

	@Test
	void withoutATileSizeTheReportTilesWhatWouldNotFit() {
		final ReportSettings s = settings();
		s.tile = 0;
		final List<sc.fiji.amat.model.ModelInfo> infos = ReportModels.infos(Collections.singletonList(model), Collections
			.singletonList("zscore"), "segmentation");
		assertEquals(0, ReportPlan.checkMemory(infos, test, s), "whole images when the memory is unknown or enough");
		final sc.fiji.amat.model.ModelInfo info = infos.get(0);
		final MemoryEstimate e = new MemoryEstimate(info.network, 1, sc.fiji.amat.task.Tasks.fromSpec(info.task, info.taskSpec,
			info.inputChannels, info.network).outputChannels());
		final long tile16 = e.bytes(MemoryEstimate.Use.ATTACK, 2, 16, 16), whole = e.bytes(MemoryEstimate.Use.ATTACK, 2,
			48, 40);
		assertTrue(tile16 < whole);
		final String before = System.getProperty(MemoryEstimate.AVAILABLE);
		try {
			System.setProperty(MemoryEstimate.AVAILABLE, Long.toString((tile16 + e.bytes(MemoryEstimate.Use.ATTACK, 2, 32,
				32)) / 2));
			assertEquals(16, ReportPlan.checkMemory(infos, test, s), "the largest power-of-two tile that fits");
			System.setProperty(MemoryEstimate.AVAILABLE, Long.toString(whole));
			assertEquals(0, ReportPlan.checkMemory(infos, test, s), "whole images when they fit");
		}
		finally {
			if (before == null) System.clearProperty(MemoryEstimate.AVAILABLE);
			else System.setProperty(MemoryEstimate.AVAILABLE, before);
		}
	}
}
