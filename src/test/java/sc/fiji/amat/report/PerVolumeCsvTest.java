package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.task.MetricTable;

class PerVolumeCsvTest {

	/** A segmentation-style per-slice table of one class 'ring': dice, intersection, predicted, true. */
	static MetricTable table(final double[]... rows) {
		final MetricTable t = new MetricTable(new String[] { "dice", "dice ring", "intersection ring", "predicted ring",
			"true ring" }, new boolean[] { true, true, false, false, false });
		for (final double[] r : rows) t.add(r);
		return t;
	}

	@Test
	void oneRowPerModelAttackLevelVolumeAndClass() {
		final ModelResult m = new ModelResult("amat", null, null, "dice");
		// clean: slices of v1 have Dice 1 and 0.5 (I 2, P 2, T 2; I 1, P 2, T 2); v2 empty in both
		final MetricTable clean = table(new double[] { 1, 1, 2, 2, 2 }, new double[] { 0.5, 0.5, 1, 2, 2 }, new double[] {
			1, 1, 0, 0, 0 });
		// under noise: v1 I 0, P 1, T 2 and I 1, P 3, T 2; v2 predicts 2 voxels of nothing
		final MetricTable noisy = table(new double[] { 0, 0, 0, 1, 2 }, new double[] { 0.4, 0.4, 1, 3, 2 }, new double[] {
			0, 0, 0, 2, 0 });
		m.tables.put("pgd", new MetricTable[] { clean, noisy });
		m.epsAbsolute = new double[] { 0, 0.25 };
		final List<String> volumes = Arrays.asList("v1", "v1", "v2");
		final String[] lines = PerVolumeCsv.csv(Collections.singletonList(m), new double[] { 0, 0.5 }, volumes).split("\n");
		assertEquals(PerVolumeCsv.HEADER, lines[0]);
		assertEquals(5, lines.length);
		assertEquals("amat,pgd,0,0.0,v1,2,ring,0.750000,0.750000", lines[1]);
		assertEquals("amat,pgd,0,0.0,v2,1,ring,1.000000,1.000000", lines[2]);
		// v1 noisy: mean of 0 and 0.4; pooled 2 x 1 / (4 + 4)
		assertEquals("amat,pgd,0.5,0.25,v1,2,ring,0.200000,0.250000", lines[3]);
		assertEquals("amat,pgd,0.5,0.25,v2,1,ring,0.000000,0.000000", lines[4]);
	}

	@Test
	void theReportsTestSetReadsVolumeFolders() {
		final java.nio.file.Path v = java.nio.file.Paths.get("sample-data", "volumes");
		final TestSet<?> t = TestSet.fromFiles("segmentation", v.resolve("imagesTs"), v.resolve("labelsTs"));
		final sc.fiji.amat.task.segmentation.VolumeSamples gen = new sc.fiji.amat.task.segmentation.VolumeSamples(1);
		assertEquals(gen.depth(4) + gen.depth(5), t.size(), "every z slice of the two test volumes");
		assertEquals(64, t.width());
		// raw intensities: slice 3 of vol_004, pixel (10, 20), as the generator made it
		final float[] image = new float[64 * 64 * gen.depth(4)], label = new float[image.length];
		gen.volume(4, image, label);
		assertEquals(image[10 + 64 * (20 + 64 * 3)], t.normalizedFor(sc.fiji.amat.data.Normalization.range(0, 1)).image(
			3)[20 * 64 + 10], 1e-3f);
	}

	@Test
	void nothingForTablesWithoutClassCounts() {
		final ModelResult m = new ModelResult("landmarks", null, null, "mre");
		final MetricTable t = new MetricTable(new String[] { "mre" }, new boolean[] { false });
		t.add(1.5);
		m.tables.put("pgd", new MetricTable[] { t });
		m.epsAbsolute = new double[] { 0 };
		assertNull(PerVolumeCsv.csv(Collections.singletonList(m), new double[] { 0 }, Arrays.asList("v")));
	}
}
