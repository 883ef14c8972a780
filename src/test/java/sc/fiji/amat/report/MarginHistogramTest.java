package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The report's histogram of AMAT's final margins. */
class MarginHistogramTest {

	@Test
	void binsSpanTheSmallestToTheLargestMargin() {
		// 0.04 .. 0.12 in 4 bins of 0.02: [0.04, 0.06) [0.06, 0.08) [0.08, 0.10) [0.10, 0.12]
		assertArrayEquals(new int[] { 3, 0, 1, 2 }, MarginHistogram.counts(new double[] { 0.04, 0.04, 0.05, 0.09, 0.11,
			0.12 }, 4));
		// margins that never left delta: one bar
		assertArrayEquals(new int[] { 5 }, MarginHistogram.counts(new double[] { 0.04, 0.04, 0.04, 0.04, 0.04 }, 20));
		final String svg = MarginHistogram.svg(new double[] { 0.04, 0.04, 0.05, 0.09, 0.11, 0.12 });
		assertTrue(svg.startsWith("<svg") && svg.contains("6 samples") && svg.contains("0.1200"), svg);
		assertEquals(MarginHistogram.BINS, svg.split("<rect").length - 1);
		assertEquals("", MarginHistogram.svg(new double[0]));
	}
}
