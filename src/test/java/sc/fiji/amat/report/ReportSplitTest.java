package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.segmentation.Mask;

/**
 * A report split into three independent slices, each written to disk and read back, merges
 * into exactly the report one run of the whole sweep makes.
 */
class ReportSplitTest {

	@TempDir
	static Path dir;

	static TestSet<Mask> test;
	static List<Path> models;
	static ReportResult single;
	static Path singleDir;
	static final int SLICES = 3;
	/** Slices 3, 1 and 2, each written to disk and read back. */
	static List<ReportPart> parts;

	static ReportSettings settings() {
		final ReportSettings s = new ReportSettings();
		s.attacks = Arrays.asList("pgd", "fgsm", "noise");
		s.eps = new double[] { 0, 0.15, 0.3 };
		s.pgdSteps = 2;
		s.noiseDraws = 2;
		s.exampleCount = 2;
		s.batchSize = 4; // 10 images: batches of 4, 4 and 2
		return s;
	}

	@BeforeAll
	static void singleRun() {
		test = RobustnessReportTest.rawSquares(10, 5);
		models = Arrays.asList(RobustnessReportTest.train(dir, Normalization.zscore(), "zscore", 24,
			4), RobustnessReportTest.train(dir, Normalization.range(0, 255), "range", 24, 4));
		single = RobustnessReport.evaluate(models, test, settings(), null);
		singleDir = dir.resolve("single");
		ReportWriter.write(single, singleDir, null);
		// slices run last-first, so no slice can profit from the generator state another left
		parts = slices(3, 1, 2);
	}

	/** Evaluates slices in the given order (1-based), writes each part and reads it back. */
	static List<ReportPart> slices(final int... order) {
		final List<ReportPart> parts = new ArrayList<>();
		for (final int k : order) {
			final ReportPart p = RobustnessReport.evaluatePart(models, test, settings(), SweepSelection.slice(k + "/" +
				SLICES), null);
			final Path folder = dir.resolve("parts").resolve("part-" + k);
			ReportPartFormat.write(p, folder);
			parts.add(ReportPartFormat.read(folder));
		}
		return parts;
	}

	@Test
	void threeSlicesMergeIntoTheSingleRunsReport() throws Exception {
		final Set<String> seen = new HashSet<>();
		int units = 0;
		for (final ReportPart p : parts) {
			assertFalse(p.units().isEmpty());
			for (final SweepUnit u : p.units()) assertTrue(seen.add(u.key()), "unit in two slices: " + u);
			units += p.units().size();
		}
		// 2 models x (clean + 3 attacks x 2 levels + the sanity checks' 2 extra attacks at one level)
		assertEquals(18, units);
		assertEquals(18, parts.get(0).sweepSize());
		// the example (pgd at the largest eps) is in another slice than the clean evaluation it is drawn with
		final String cleanSlice = sliceOf(parts, "zscore", SweepUnit.CLEAN, 0);
		assertNotEquals(cleanSlice, sliceOf(parts, "zscore", "pgd", 2));

		final ReportResult merged = RobustnessReport.merge(parts);
		assertEquals(3, merged.parts());
		assertEquals(single.table().size(), merged.table().size());
		for (int i = 0; i < single.table().size(); i++) {
			// Row.equals compares every double exactly
			assertEquals(single.table().rows().get(i), merged.table().rows().get(i));
		}
		assertEquals(single.scoredAttacks(), merged.scoredAttacks());
		assertEquals(Arrays.asList("pgd", "fgsm", "noise", WorstCase.NAME), merged.scoredAttacks());
		for (int m = 0; m < single.models().size(); m++) {
			final ModelResult a = single.models().get(m), b = merged.models().get(m);
			for (final String attack : a.attacks()) {
				assertEquals(a.score(attack).score, b.score(attack).score, 0.0, a.name + " " + attack);
				for (int k = 0; k < 3; k++) {
					assertArrayEquals(Metrics.primary(a.tables(attack)[k]), Metrics.primary(b.tables(attack)[k]), 0.0);
				}
			}
			for (int k = 1; k < 3; k++) assertArrayEquals(a.worstCounts()[k], b.worstCounts()[k]);
			assertEquals(a.flags().stream().map(Object::toString).collect(Collectors.toList()), b.flags().stream().map(
				Object::toString).collect(Collectors.toList()));
			assertEquals(a.examples().size(), b.examples().size());
			for (int e = 0; e < a.examples().size(); e++) {
				final Example x = a.examples().get(e), y = b.examples().get(e);
				assertArrayEquals(x.clean, y.clean);
				assertArrayEquals(x.adversarial, y.adversarial);
				assertArrayEquals(x.adversarialPrediction, y.adversarialPrediction);
				assertArrayEquals(x.cleanPrediction, y.cleanPrediction);
				assertArrayEquals(x.truth, y.truth);
				assertEquals(x.adversarialMetric, y.adversarialMetric, 0.0);
			}
			assertEquals(a.gradients().toString(), b.gradients().toString());
			assertArrayEquals(a.epsAbsolute(), b.epsAbsolute(), 0.0);
		}

		final Path mergedDir = dir.resolve("merged");
		ReportWriter.write(merged, mergedDir, null);
		for (final String f : new String[] { ReportWriter.CSV, ReportWriter.SCORES, ReportWriter.CHECKS }) {
			assertEquals(text(singleDir.resolve(f)), text(mergedDir.resolve(f)), f);
		}
		assertEquals(files(singleDir), files(mergedDir));
		assertTrue(files(singleDir).contains("plots/plot-dice-worst-case.png"));
		for (final String f : files(singleDir)) {
			if (f.endsWith(".png")) assertArrayEquals(Files.readAllBytes(singleDir.resolve(f)), Files.readAllBytes(mergedDir
				.resolve(f)), f);
		}
		// the pages differ only in the line that says when, how long and in how many jobs
		final List<String> a = withoutMeta(text(singleDir.resolve(ReportWriter.HTML)));
		final List<String> b = withoutMeta(text(mergedDir.resolve(ReportWriter.HTML)));
		assertEquals(a, b);
		assertTrue(text(mergedDir.resolve(ReportWriter.HTML)).contains("(3 jobs merged)"));
	}

	@Test
	void anExplicitSelectionComputesWhatTheWholeSweepComputes() {
		// white noise only, at the largest level, with its random draws: seeded by identity, not position
		final ReportPart p = RobustnessReport.evaluatePart(models, test, settings(), SweepSelection.all().attacks("noise")
			.eps(0.3).models("range"), null);
		assertEquals(1, p.units().size());
		final SweepUnit u = p.units().get(0);
		assertEquals("range noise eps 0.3", u.toString());
		final MetricTable t = p.models.get("range").tables.get("noise")[2];
		final MetricTable full = single.models().get(1).tables("noise")[2];
		for (int i = 0; i < full.size(); i++) {
			for (int c = 0; c < full.names().length; c++) assertEquals(full.value(i, c), t.value(i, c), 0.0);
		}
		// another seed draws other noise
		final ReportSettings other = settings();
		other.seed = 2;
		final ReportPart q = RobustnessReport.evaluatePart(models, test, other, SweepSelection.all().attacks("noise").eps(
			0.3).models("range"), null);
		assertFalse(Arrays.equals(Metrics.primary(full), Metrics.primary(q.models.get("range").tables.get("noise")[2])));
	}

	@Test
	void partsThatDoNotMakeOneSweepAreRefused() {
		AmatException e = assertThrows(AmatException.class, () -> RobustnessReport.merge(parts.subList(0, 2)));
		assertTrue(e.getMessage().contains("units are in no part") && e.getMessage().contains("run the missing slices"), e
			.getMessage());
		final List<ReportPart> twice = new ArrayList<>(parts);
		twice.add(parts.get(1));
		e = assertThrows(AmatException.class, () -> RobustnessReport.merge(twice));
		assertTrue(e.getMessage().contains("is in two parts"), e.getMessage());
		final ReportSettings other = settings();
		other.pgdSteps = 4;
		final ReportPart stronger = RobustnessReport.evaluatePart(models, test, other, SweepSelection.all().attacks(
			"noise").eps(0.15).models("range"), null);
		e = assertThrows(AmatException.class, () -> RobustnessReport.merge(Arrays.asList(parts.get(0), parts.get(1),
			stronger)));
		assertTrue(e.getMessage().contains("belong to different reports: their settings differ"), e.getMessage());
		final ReportPart otherImages = RobustnessReport.evaluatePart(models, RobustnessReportTest.rawSquares(10, 6),
			settings(), SweepSelection.all().attacks("clean").models("range"), null);
		e = assertThrows(AmatException.class, () -> RobustnessReport.merge(Arrays.asList(parts.get(0), otherImages)));
		assertTrue(e.getMessage().contains("their test set differ"), e.getMessage());
	}

	@Test
	void aPartFolderIsWrittenWholeAndNeverOverAUsersFiles() throws Exception {
		final Path users = Files.createDirectories(dir.resolve("users"));
		Files.write(users.resolve("notes.txt"), new byte[] { 1 });
		final ReportPart p = RobustnessReport.evaluatePart(models, test, settings(), SweepSelection.all().attacks(
			"clean"), null);
		assertThrows(AmatException.class, () -> ReportPartFormat.write(p, users));
		assertTrue(Files.exists(users.resolve("notes.txt")));
		final Path folder = dir.resolve("clean-part");
		ReportPartFormat.write(p, folder);
		ReportPartFormat.write(p, folder); // a part replaces a part
		try (Stream<Path> s = Files.list(dir)) {
			assertTrue(s.noneMatch(f -> f.getFileName().toString().contains(".tmp-")), "no temporary folder is left");
		}
		final String csv = text(folder.resolve(ReportPartFormat.PER_IMAGE));
		// one row per model, image and metric, in the order the sweep evaluates them
		assertTrue(csv.startsWith("model,attack,level,eps,image,metric,value\nzscore,clean,0,0.0,0,dice,"), csv
			.substring(0, 120));
		assertEquals(2, ReportPartFormat.read(folder).units().size());
	}

	private static String sliceOf(final List<ReportPart> parts, final String model, final String attack,
		final int level)
	{
		for (final ReportPart p : parts) {
			for (final SweepUnit u : p.units()) {
				if (u.modelName.equals(model) && u.attack.equals(attack) && u.level == level) return p.selection();
			}
		}
		throw new AssertionError("no slice has " + model + " " + attack + " " + level);
	}

	private static List<String> withoutMeta(final String html) {
		return Arrays.stream(html.split("\n")).filter(l -> !l.contains("class=\"meta\"")).collect(Collectors.toList());
	}

	private static String text(final Path p) throws Exception {
		return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
	}

	private static List<String> files(final Path root) throws Exception {
		try (Stream<Path> s = Files.walk(root)) {
			return s.filter(Files::isRegularFile).map(f -> root.relativize(f).toString().replace('\\', '/')).sorted()
				.collect(Collectors.toList());
		}
	}
}
