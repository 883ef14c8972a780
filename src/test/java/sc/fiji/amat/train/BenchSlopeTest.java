package sc.fiji.amat.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The least-squares slope the bench reports for resident memory over training steps. */
class BenchSlopeTest {

	@Test
	void slopeOfALineWithNoiseIsItsSlope() {
		// y = 2 + 0.5 x, with residuals +1, -1, -1, +1 that are symmetric about the middle: slope stays 0.5
		assertEquals(0.5, TrainingBenchmark.slope(Arrays.asList(new double[] { 0, 3 }, new double[] { 10, 6 },
			new double[] { 20, 11 }, new double[] { 30, 18 })), 1e-12);
	}

	@Test
	void flatMemoryHasSlopeZeroAndOnePointHasNone() {
		assertEquals(0, TrainingBenchmark.slope(Arrays.asList(new double[] { 100, 700 }, new double[] { 200, 700 })), 0);
		assertTrue(Double.isNaN(TrainingBenchmark.slope(Arrays.asList(new double[][] { { 1, 2 } }))));
	}
}
