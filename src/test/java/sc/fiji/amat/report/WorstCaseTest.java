package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.task.MetricTable;

class WorstCaseTest {

	/** dice, then counts for class c: as the segmentation task's table. */
	static MetricTable table(final double[][] rows) {
		final MetricTable t = new MetricTable(new String[] { "dice", "dice c", "intersection c", "predicted c", "true c" },
			new boolean[] { true, true, false, false, false });
		for (final double[] r : rows) t.add(r);
		return t;
	}

	@Test
	void perImageTheAttackWithTheLowestPrimaryMetricWinsWithItsWholeRow() {
		final MetricTable pgd = table(new double[][] { { 0.2, 0.2, 1, 5, 5 }, { 0.9, 0.9, 9, 10, 10 }, { 0.5, 0.5, 5, 10,
			10 } });
		final MetricTable noise = table(new double[][] { { 0.8, 0.8, 8, 10, 10 }, { 0.4, 0.4, 4, 10, 10 }, { 0.5, 0.5, 3,
			7, 5 } });
		final WorstCase w = WorstCase.of(Arrays.asList(pgd, noise));
		assertArrayEquals(new int[] { 0, 1, 0 }, w.winners(), "image 3 is a tie: the first attack wins");
		assertArrayEquals(new double[] { 0.2, 0.4, 0.5 }, Metrics.primary(w.table()), 0);
		// counts come from the winning attack's row, so pooled metrics stay consistent
		assertEquals(1 + 4 + 5, w.table().sum(2), 0);
		assertEquals(5 + 10 + 10, w.table().sum(3), 0);
		assertArrayEquals(new int[] { 2, 1 }, w.counts(2));
		// the worst case is never better than any attack, image by image
		for (int i = 0; i < 3; i++) {
			assertEquals(Math.min(pgd.value(i, 0), noise.value(i, 0)), w.table().value(i, 0), 0);
		}
	}

	@Test
	void anUndefinedMetricCountsAsWorst() {
		final MetricTable a = table(new double[][] { { 0.3, 0.3, 1, 1, 1 } });
		final MetricTable b = table(new double[][] { { Double.NaN, Double.NaN, 0, 0, 0 } });
		assertEquals(1, WorstCase.of(Arrays.asList(a, b)).winners()[0]);
	}

	@Test
	void lowerIsBetterMetricsTakeTheMaximum() {
		final MetricTable a = new MetricTable(new String[] { "error" }, new boolean[] { false });
		final MetricTable b = a.emptyCopy();
		a.add(2.0);
		b.add(5.0);
		assertEquals(5.0, WorstCase.of(Arrays.asList(a, b)).table().value(0, 0), 0);
	}

	@Test
	void tablesMustCoverTheSameImages() {
		final MetricTable a = table(new double[][] { { 0.3, 0.3, 1, 1, 1 } });
		final MetricTable b = table(new double[][] { { 0.3, 0.3, 1, 1, 1 }, { 0.3, 0.3, 1, 1, 1 } });
		assertThrows(IllegalArgumentException.class, () -> WorstCase.of(Arrays.asList(a, b)));
	}
}
