package sc.fiji.amat.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class QuartilesTest {

	@Test
	void quartilesOfAnOddListMatchNumpy() {
		// numpy.percentile([7, 1, 3, 9, 5], [25, 50, 75]) = [3, 5, 7]
		final Quartiles q = Quartiles.of(7, 1, 3, 9, 5);
		assertEquals(3, q.q1, 0);
		assertEquals(5, q.median, 0);
		assertEquals(7, q.q3, 0);
		assertEquals(4, q.iqr(), 0);
		assertEquals(5, q.n);
	}

	@Test
	void quartilesOfAnEvenListInterpolate() {
		// numpy.percentile([10, 40, 20, 30], [25, 50, 75]) = [17.5, 25, 32.5]
		final Quartiles q = Quartiles.of(10, 40, 20, 30);
		assertEquals(17.5, q.q1, 1e-12);
		assertEquals(25, q.median, 1e-12);
		assertEquals(32.5, q.q3, 1e-12);
	}

	@Test
	void oneValueIsItsOwnQuartiles() {
		final Quartiles q = Quartiles.of(2.5);
		assertEquals(2.5, q.q1, 0);
		assertEquals(2.5, q.q3, 0);
	}

	@Test
	void pairedRatiosDivideRoundByRound() {
		// ratios 1.1, 0.9, 1.0, 1.2, 1.05 -> sorted 0.9 1.0 1.05 1.1 1.2
		final double[] amat = { 110, 90, 200, 120, 210 }, sat = { 100, 100, 200, 100, 200 };
		final Quartiles r = Quartiles.ofRatios(amat, sat);
		assertEquals(1.05, r.median, 1e-12);
		assertEquals(1.0, r.q1, 1e-12);
		assertEquals(1.1, r.q3, 1e-12);
		assertEquals(0.6, Quartiles.fractionAtMost(new double[] { 0.9, 1.0, 1.05, 1.1, 1.2 }, 1.05), 1e-12);
	}

	@Test
	void refusesEmptyNaNAndUnpaired() {
		assertThrows(IllegalArgumentException.class, () -> Quartiles.of());
		assertThrows(IllegalArgumentException.class, () -> Quartiles.of(1, Double.NaN));
		assertThrows(IllegalArgumentException.class, () -> Quartiles.ofRatios(new double[2], new double[3]));
	}
}
