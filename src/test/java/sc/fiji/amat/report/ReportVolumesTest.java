package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.TinyData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.data.volume.Nifti;
import sc.fiji.amat.data.volume.NiftiDataType;
import sc.fiji.amat.data.volume.NiftiHeader;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.segmentation.Mask;

/**
 * A report whose test set is two tiny NIfTI volumes (a folder of images and a folder of labels)
 * writes per-volume.csv and a per-volume table in its page; a split report's merged parts
 * write the same per-volume.csv as one run.
 */
class ReportVolumesTest {

	@TempDir
	static Path dir;

	static final int SLICES_A = 3, SLICES_B = 2;
	static TestSet<?> test;
	static List<Path> models;
	static ReportResult single;
	static Path singleDir;

	static ReportSettings settings() {
		final ReportSettings s = new ReportSettings();
		s.attacks = Arrays.asList("pgd", "noise");
		s.eps = new double[] { 0, 0.3 };
		s.pgdSteps = 2;
		s.noiseDraws = 1;
		s.exampleCount = 1;
		s.extraChecks = false;
		s.batchSize = 4;
		return s;
	}

	/** Volume of n squares slices (x fastest, then y, then z) and its label volume. */
	static void volume(final Path images, final Path labels, final String name, final int n, final long seed) {
		final List<Mask> masks = new ArrayList<>();
		final float[] raw = TinyData.rawSquares(n, seed, 100, 60, 18, masks);
		final float[] lab = new float[raw.length];
		for (int z = 0; z < n; z++) {
			final byte[] m = masks.get(z).classes();
			for (int p = 0; p < m.length; p++) lab[z * m.length + p] = m[p];
		}
		final long[] dims = { TinyData.SIZE, TinyData.SIZE, n };
		final double[][] affine = { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 2, 0 } };
		Nifti.write(images.resolve(name + ".nii.gz"), raw, dims, NiftiHeader.create(1, dims, NiftiDataType.FLOAT32,
			new double[] { 1, 1, 2 }, affine), NiftiDataType.FLOAT32);
		Nifti.write(labels.resolve(name + ".nii.gz"), lab, dims, NiftiHeader.create(1, dims, NiftiDataType.UINT8,
			new double[] { 1, 1, 2 }, affine), NiftiDataType.UINT8);
	}

	@BeforeAll
	static void singleRun() {
		final Path images = dir.resolve("imagesTs"), labels = dir.resolve("labelsTs");
		volume(images, labels, "a", SLICES_A, 3);
		volume(images, labels, "b", SLICES_B, 4);
		test = TestSet.fromFiles("segmentation", images, labels);
		models = Collections.singletonList(RobustnessReportTest.train(dir, Normalization.zscore(), "zscore", 24, 4));
		single = RobustnessReport.evaluate(models, test, settings(), null);
		singleDir = dir.resolve("single");
		ReportWriter.write(single, singleDir, null);
	}

	@Test
	void theTestSetKnowsEachSlicesVolume() {
		assertEquals(Arrays.asList("a", "a", "a", "b", "b"), test.volumes());
		assertEquals(test.volumes(), single.volumes());
	}

	@Test
	void perVolumeCsvHasOneRowPerModelAttackLevelVolumeAndClass() throws Exception {
		final List<String> lines = Files.readAllLines(singleDir.resolve(PerVolumeCsv.FILE));
		assertEquals(PerVolumeCsv.HEADER, lines.get(0));
		// 1 model x (pgd, noise, worst case) x 2 levels x 2 volumes x 1 foreground class
		assertEquals(1 + 3 * 2 * 2, lines.size());
		final ModelResult m = single.models().get(0);
		final MetricTable clean = m.tables("pgd")[0];
		// volume a's clean row: its 3 slices, pooled Dice from its slices' counts
		final String rowA = lines.stream().filter(l -> l.startsWith("zscore,pgd,0,") && l.contains(",a,")).findFirst()
			.orElse(null);
		assertNotNull(rowA, String.join("\n", lines));
		final String[] f = rowA.split(",");
		assertEquals(Integer.toString(SLICES_A), f[5]);
		final String cls = f[6];
		double inter = 0, denom = 0, dice = 0;
		int defined = 0;
		for (int i = 0; i < SLICES_A; i++) {
			final double p = clean.value(i, clean.column("predicted " + cls)), t = clean.value(i, clean.column("true " +
				cls));
			inter += clean.value(i, clean.column("intersection " + cls));
			denom += p + t;
			if (p + t > 0) {
				dice += clean.value(i, clean.column("dice " + cls));
				defined++;
			}
		}
		assertEquals(String.format(Locale.ROOT, "%.6f", dice / defined), f[7]);
		assertEquals(String.format(Locale.ROOT, "%.6f", 2 * inter / denom), f[8]);
		assertTrue(lines.stream().anyMatch(l -> l.startsWith("zscore,worst case,0.3,") && l.contains(",b,2,")), String
			.join("\n", lines));
		final String html = new String(Files.readAllBytes(singleDir.resolve(ReportWriter.HTML)), "UTF-8");
		assertTrue(html.contains("<h2>Per volume</h2>"));
		assertTrue(html.contains("slices of 2 volumes"));
	}

	@Test
	void aSplitReportMergesIntoTheSamePerVolumeCsv() throws Exception {
		final List<ReportPart> parts = new ArrayList<>();
		for (final int k : new int[] { 2, 1 }) {
			final ReportPart p = RobustnessReport.evaluatePart(models, test, settings(), SweepSelection.slice(k + "/2"),
				null);
			final Path folder = dir.resolve("parts").resolve("part-" + k);
			ReportPartFormat.write(p, folder);
			parts.add(ReportPartFormat.read(folder));
		}
		final ReportResult merged = RobustnessReport.merge(parts);
		assertEquals(test.volumes(), merged.volumes());
		final Path mergedDir = dir.resolve("merged");
		ReportWriter.write(merged, mergedDir, null);
		assertArrayEquals(Files.readAllBytes(singleDir.resolve(PerVolumeCsv.FILE)), Files.readAllBytes(mergedDir.resolve(
			PerVolumeCsv.FILE)));
	}

	@Test
	void aTestSetNotFromVolumesHasNoPerVolumeTable() throws Exception {
		final TestSet<Mask> squares = RobustnessReportTest.rawSquares(4, 5);
		assertNull(squares.volumes());
		final ReportSettings s = settings();
		s.attacks = Collections.singletonList("noise");
		final ReportResult r = RobustnessReport.evaluate(models, squares, s, null);
		final Path out = dir.resolve("squares");
		ReportWriter.write(r, out, null);
		assertFalse(Files.exists(out.resolve(PerVolumeCsv.FILE)));
		assertFalse(new String(Files.readAllBytes(out.resolve(ReportWriter.HTML)), "UTF-8").contains("Per volume"));
	}
}
