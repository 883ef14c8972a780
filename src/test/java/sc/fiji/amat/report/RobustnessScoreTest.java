package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;

class RobustnessScoreTest {

	@Test
	void aFlatCurveScoresItsValue() {
		final RobustnessScore s = RobustnessScore.of(new double[] { 0, 0.1, 0.2 }, new double[] { 0.8, 0.8, 0.8 });
		assertEquals(0.8, s.normalizedArea, 1e-12);
		assertEquals(0.8, s.score, 1e-12);
		assertEquals(0.2, s.epsMax, 0);
	}

	@Test
	void aLinearFallToZeroHasHalfTheArea() {
		final RobustnessScore s = RobustnessScore.of(new double[] { 0, 0.5, 1 }, new double[] { 1, 0.5, 0 });
		assertEquals(0.5, s.normalizedArea, 1e-12);
		assertEquals(Math.sqrt(0.5), s.score, 1e-12);
		assertEquals(1, s.clean, 0);
	}

	@Test
	void unevenLevelsAreIntegratedByTrapezoidsAndNormalisedByTheLargestEps() {
		// eps 0, 1, 4: trapezoids 1 * (0.9 + 0.5) / 2 = 0.7 and 3 * (0.5 + 0.1) / 2 = 0.9; area 1.6 / 4 = 0.4
		final RobustnessScore s = RobustnessScore.of(new double[] { 0, 1, 4 }, new double[] { 0.9, 0.5, 0.1 });
		assertEquals(0.4, s.normalizedArea, 1e-12);
		assertEquals(Math.sqrt(0.9 * 0.4), s.score, 1e-12);
		// the same curve on a scaled eps axis has the same normalised area
		assertEquals(0.4, RobustnessScore.of(new double[] { 0, 0.01, 0.04 }, new double[] { 0.9, 0.5, 0.1 })
			.normalizedArea, 1e-12);
	}

	@Test
	void aMoreRobustModelScoresHigherAtTheSameCleanMetric() {
		final double[] eps = { 0, 0.1, 0.2, 0.3 };
		final double robust = RobustnessScore.of(eps, new double[] { 0.9, 0.8, 0.7, 0.6 }).score;
		final double fragile = RobustnessScore.of(eps, new double[] { 0.9, 0.3, 0.1, 0.0 }).score;
		assertTrue(robust > fragile, robust + " vs " + fragile);
	}

	@Test
	void levelsMustStartAtZeroAndIncrease() {
		assertThrows(AmatException.class, () -> RobustnessScore.of(new double[] { 0.1, 0.2 }, new double[] { 1, 1 }));
		assertThrows(AmatException.class, () -> RobustnessScore.of(new double[] { 0, 0.2, 0.2 }, new double[] { 1, 1,
			1 }));
		assertThrows(AmatException.class, () -> RobustnessScore.of(new double[] { 0 }, new double[] { 1 }));
		assertThrows(IllegalArgumentException.class, () -> RobustnessScore.of(new double[] { 0, 1 }, new double[] { 1 }));
	}

	@Test
	void anUndefinedPointMakesTheScoreUndefined() {
		assertTrue(Double.isNaN(RobustnessScore.of(new double[] { 0, 1 }, new double[] { 0.5, Double.NaN }).score));
	}
}
