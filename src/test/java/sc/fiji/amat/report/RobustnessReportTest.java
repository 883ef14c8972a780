package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.TinyData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ModelFile;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.train.ModelTrainer;
import sc.fiji.amat.train.StandardTraining;
import sc.fiji.amat.train.TrainingSettings;

/** The sweep on two tiny models with different normalisations, and what the writer leaves on disk. */
class RobustnessReportTest {

	@TempDir
	static Path models;

	@TempDir
	Path dir;

	static TestSet<Mask> test;
	static Path zscoreModel, rangeModel;
	static ReportResult result;

	/** Raw squares (intensities around 100 and 160), as TinyData makes them but not normalised. */
	static TestSet<Mask> rawSquares(final int n, final long seed) {
		final List<Mask> masks = new ArrayList<>();
		final float[] raw = TinyData.rawSquares(n, seed, 100, 60, 18, masks);
		return new TestSet<>("segmentation", "squares", raw, 1, TinyData.SIZE, TinyData.SIZE, masks);
	}

	static Path train(final Normalization normalization, final String name) {
		return train(models, normalization, name);
	}

	/** A tiny model trained on raw squares, saved in the folder. */
	static Path train(final Path folder, final Normalization normalization, final String name) {
		return train(folder, normalization, name, 40, 10);
	}

	static Path train(final Path folder, final Normalization normalization, final String name, final int images,
		final int epochs)
	{
		final TestSet<Mask> train = rawSquares(images, 11);
		final TrainingSettings s = new TrainingSettings();
		s.epochs = epochs;
		s.learningRate = 5e-3f;
		s.validationFraction = 0;
		final Path file = folder.resolve(name + ".amat.zip");
		try (AmatModel m = new ModelTrainer<>(TinyData.task(), train.normalizedFor(normalization), normalization, s,
			new StandardTraining(), null).train())
		{
			m.save(file);
		}
		return file;
	}

	static ReportSettings settings() {
		final ReportSettings s = new ReportSettings();
		s.attacks = Arrays.asList("pgd", "noise");
		s.eps = new double[] { 0, 0.15, 0.3 };
		s.pgdSteps = 5;
		s.noiseDraws = 2;
		s.exampleCount = 2;
		return s;
	}

	@BeforeAll
	static void sweep() {
		test = rawSquares(16, 2);
		zscoreModel = train(Normalization.zscore(), "zscore");
		rangeModel = train(Normalization.range(0, 255), "range");
		result = RobustnessReport.evaluate(Arrays.asList(zscoreModel, rangeModel), test, settings(), null);
	}

	@Test
	void everyModelAttackLevelAndMetricHasARow() {
		// 2 models x (pgd, noise, worst case) x 3 levels x (dice, dice class 1, pooled dice)
		assertEquals(2 * 3 * 3 * 3, result.table().size());
		assertEquals(Arrays.asList("pgd", "noise", WorstCase.NAME), result.scoredAttacks());
		for (final ReportTable.Row r : result.table().rows()) {
			assertEquals(16, r.n, r.toString());
			assertEquals("rms", r.epsUnit);
			assertEquals("L2", r.norm);
		}
		assertEquals(Arrays.asList("zscore", "range"), result.models().stream().map(m -> m.name).collect(Collectors
			.toList()));
		// rms eps is the same absolute size for every model: eps * sqrt(16 * 16)
		assertEquals(0.3 * 16, result.table().curve("range", "pgd", "dice").get(2).epsAbsolute, 1e-5);
	}

	@Test
	void theMetricFallsAsPgdGrowsAndTheWorstCaseIsNoBetterThanAnyAttack() {
		for (final ModelResult m : result.models()) {
			final List<ReportTable.Row> pgd = result.table().curve(m.name, "pgd", "dice");
			assertTrue(pgd.get(0).mean > pgd.get(1).mean + 0.02 && pgd.get(1).mean > pgd.get(2).mean + 0.02, m.name + ": " +
				pgd.stream().map(r -> r.mean).collect(Collectors.toList()));
			for (int k = 0; k < 3; k++) {
				final double worst = result.table().mean(m.name, WorstCase.NAME, pgd.get(k).eps, "dice");
				assertTrue(worst <= pgd.get(k).mean + 1e-12);
				assertTrue(worst <= result.table().mean(m.name, "noise", pgd.get(k).eps, "dice") + 1e-12);
			}
			final RobustnessScore s = m.score("pgd");
			assertEquals(pgd.get(0).mean, s.clean, 1e-12);
			assertTrue(s.score < s.clean && s.score > 0, s.toString());
		}
	}

	@Test
	void eachModelSeesTheTestImagesThroughItsOwnNormalisation() {
		for (final Path p : Arrays.asList(zscoreModel, rangeModel)) {
			try (AmatModel m = AmatModel.load(p, ai.djl.Device.cpu())) {
				final MetricTable own = Evaluator.evaluate(m, test.normalizedFor(m.normalization()), 8);
				final String name = p.getFileName().toString().replace(".amat.zip", "");
				assertEquals(own.primaryMean(), result.table().mean(name, "pgd", 0, "dice"), 1e-12, name);
			}
		}
	}

	@Test
	void theWriterLeavesAnHtmlPageWithEmbeddedImagesCsvAndPlots() throws Exception {
		final Path out = dir.resolve("report");
		final Path html = ReportWriter.write(result, out, null);
		assertEquals(out.resolve("report.html").toAbsolutePath(), html);
		final String page = new String(Files.readAllBytes(html), StandardCharsets.UTF_8);
		assertTrue(page.startsWith("<!DOCTYPE html>") && page.trim().endsWith("</html>"));
		assertTrue(page.contains("src=\"data:image/png;base64,iVBORw0KGgo"), "PNG images are embedded");
		assertFalse(page.contains("src=\"plots/") || page.contains("src=\"examples/"), "no image is linked");
		assertTrue(page.contains("rms per value of the normalised input"), "the unit in force is named");
		assertEquals(result.table().rows(), ReportTable.readCsv(out.resolve("report.csv")).rows());
		assertTrue(Files.isRegularFile(out.resolve("plots").resolve("plot-dice-pgd.png")));
		assertTrue(Files.isRegularFile(out.resolve("plots").resolve("plot-pooled-dice-worst-case.png")));
		assertTrue(Files.isRegularFile(out.resolve("examples").resolve("zscore.png")));
		assertTrue(new String(Files.readAllBytes(out.resolve("scores.csv")), StandardCharsets.UTF_8).contains(
			"zscore,standard,pgd,dice,"));
		// a second report replaces the first; a folder with other files is refused
		ReportWriter.write(result, out, null);
		assertEquals(List.of("report"), names(dir));
		final Path other = Files.createDirectories(dir.resolve("other"));
		Files.write(other.resolve("notes.txt"), new byte[] { 1 });
		assertThrows(AmatException.class, () -> ReportWriter.write(result, other, null));
		assertTrue(Files.exists(other.resolve("notes.txt")));
	}

	@Test
	void aCancelledReportWritesNothing() throws Exception {
		final Path out = dir.resolve("cancelled");
		final int[] batches = { 0 };
		final ReportListener cancelSoon = new ReportListener() {

			@Override
			public void progress(final double fraction, final String status, final double left) {
				batches[0]++;
			}

			@Override
			public boolean isCancelled() {
				return batches[0] >= 3;
			}
		};
		assertThrows(CancellationException.class, () -> RobustnessReport.run(Arrays.asList(zscoreModel), test,
			settings(), out, cancelSoon));
		assertEquals(3, batches[0]);
		// cancelled while writing: no report, and no temporary folder left beside it
		final ReportListener cancelWhileWriting = new ReportListener() {

			@Override
			public boolean isCancelled() {
				return true;
			}
		};
		assertThrows(CancellationException.class, () -> ReportWriter.write(result, out, cancelWhileWriting));
		assertEquals(List.of(), names(dir));
	}

	@Test
	void modelsOfDifferentTasksAreRefused() {
		final ModelFile f = ModelFile.read(rangeModel);
		final ModelInfo info = f.info();
		info.task = "landmarks";
		final Path other = dir.resolve("landmarks.amat.zip");
		final java.util.Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
		entries.put(ModelFile.WEIGHTS, f.entry(ModelFile.WEIGHTS));
		new ModelFile(info, entries).write(other);
		final AmatException e = assertThrows(AmatException.class, () -> RobustnessReport.evaluate(Arrays.asList(
			zscoreModel, other), test, settings(), null));
		assertTrue(e.getMessage().contains("different tasks") && e.getMessage().contains("landmarks: landmarks"), e
			.getMessage());
	}

	@Test
	void defaultLevelsStartAtZeroAndSayWhy() {
		final EpsLevels l = DefaultEps.suggest(Arrays.asList(zscoreModel, rangeModel), test, sc.fiji.amat.attack.Norm.L2,
			null);
		assertEquals(6, l.size());
		assertEquals(0, l.get(0), 0);
		assertEquals(0.25, l.max(), 1e-12, "a quarter of the z-scored images' standard deviation");
		assertTrue(l.explanation.contains("standard deviation"), l.explanation);
		final EpsLevels linf = DefaultEps.suggest(Arrays.asList(zscoreModel), test, sc.fiji.amat.attack.Norm.LINF, null);
		assertEquals(8 / 255.0, linf.max(), 1e-12);
		assertEquals(2 / 255.0, linf.get(1), 1e-12);
		assertEquals("range", linf.unitName());
	}

	static List<String> names(final Path d) throws Exception {
		try (Stream<Path> s = Files.list(d)) {
			return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		}
	}
}
