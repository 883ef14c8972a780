package sc.fiji.amat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.train.Thresholds;
import sc.fiji.amat.train.TrainingRecipe;

/** The comparison's verdicts from paired differences, and how an AMAT variant sets a recipe's boundary. */
class ComparisonSummaryTest {

	@Test
	void pairedDifferencesGiveYesNoOrATie() {
		// mean 0.02, sd 0.005 over 3 seeds: standard error 0.0029, clearly above 0
		assertTrue(ComparisonSummary.verdict(new double[] { 0.015, 0.02, 0.025 }).startsWith("yes"));
		assertTrue(ComparisonSummary.verdict(new double[] { -0.015, -0.02, -0.025 }).startsWith("no"));
		// mean 0.01, sd 0.03: within two standard errors of 0
		assertTrue(ComparisonSummary.verdict(new double[] { -0.02, 0.01, 0.04 }).startsWith("tie within seed spread"));
		// one seed has no spread, and says so
		assertTrue(ComparisonSummary.verdict(new double[] { 0.01 }).contains("one seed"));
	}

	@Test
	void meanAndSpreadIgnoreNothingButMissingValues() {
		assertEquals(2, ComparisonSummary.mean(new double[] { 1, 3, Double.NaN }), 1e-12);
		assertEquals(1, ComparisonSummary.sd(new double[] { 1, 2, 3 }), 1e-12);
		assertEquals("0.5000 ± 0.7071", ComparisonSummary.ms(new double[] { 0, 1 }));
	}

	@Test
	void aVariantSetsStatisticLevelAndFollowing() {
		final TrainingRecipe r = TrainingRecipe.defaults("amat");
		Comparison.variant(r, "quantile:0.2+follow");
		assertEquals(Thresholds.Statistic.QUANTILE, r.statistic);
		assertEquals(0.2, r.boundaryLevel, 0);
		assertTrue(r.followModel);
		Comparison.variant(r, "mean");
		assertEquals(Thresholds.Statistic.MEAN, r.statistic);
		assertTrue(!r.followModel);
	}

	@Test
	void deltaIsRoundedDownToTwoDigits() {
		assertEquals(0.025, Comparison.roundDown(2 * 0.1 / 8), 1e-12);
		assertEquals(0.013, Comparison.roundDown(2 * 0.1 / 15), 1e-12);
	}
}
