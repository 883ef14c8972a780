package sc.fiji.amat.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.task.BoundarySpec;

/**
 * AMAT's per-sample book-keeping on hand-made boundary checks, without a network: which
 * samples count as over (any of the T + 1 iterates), the epoch's diagnostics, and thresholds
 * that follow the model.
 */
class AmatBookkeepingTest {

	private static final BoundarySpec DICE = new BoundarySpec(new String[] { "dice" }, new boolean[] { true });
	private static final float DELTA = 1;

	private static AmatTraining amat(final float threshold, final BoundaryRule rule) {
		final AmatTraining.Settings s = new AmatTraining.Settings(DELTA);
		s.steps = 5;
		s.rule = rule;
		return new AmatTraining(s, new Thresholds(DICE, new float[] { threshold }, "hand"), 1);
	}

	private static boolean[] only(final int n, final int... over) {
		final boolean[] b = new boolean[n];
		for (final int i : over) b[i] = true;
		return b;
	}

	@Test
	void aSampleOverAtOneIterateOnlyCountsAsOver() {
		final BoundaryChecks c = new BoundaryChecks(new int[] { 0, 1, 2 });
		// T = 5: iterates 0 (the random start) to 5 (the final one); sample 0 is over at iterate 2 only,
		// sample 1 at the start only, sample 2 never
		for (int t = 0; t <= 5; t++) c.record(t, t == 2 ? only(3, 0) : t == 0 ? only(3, 1) : only(3));
		assertFalse(c.neverOver(0));
		assertTrue(c.overOnlyAfterSteps(0));
		assertFalse(c.neverOver(1));
		assertFalse(c.overOnlyAfterSteps(1));
		assertTrue(c.neverOver(2));
		assertArrayEquals(new int[] { 1, 1, 0 }, c.crossed);
	}

	@Test
	void theEpochsDiagnosticsCountWhereSamplesWereOver() {
		final AmatTraining amat = amat(0.5f, null);
		amat.begin(new int[] { 0, 1, 2, 3 });
		amat.startEpoch(1);
		// two batches of two: sample 0 over clean (Dice 0.4) and at every iterate; sample 1 over only at
		// the final iterate (check T + 1); sample 2 over at the start only; sample 3 never
		final BoundaryChecks a = new BoundaryChecks(new int[] { 0, 1 });
		a.clean = new float[][] { { 0.4f }, { 0.9f } };
		for (int t = 0; t <= 5; t++) a.record(t, t == 5 ? only(2, 0, 1) : only(2, 0));
		final BoundaryChecks b = new BoundaryChecks(new int[] { 2, 3 });
		b.clean = new float[][] { { 0.8f }, { 0.9f } };
		for (int t = 0; t <= 5; t++) b.record(t, t == 0 ? only(2, 0) : only(2));
		amat.account(a);
		amat.account(b);
		amat.endEpoch(1);
		final AmatEpoch e = amat.epochs().get(0);
		assertEquals(0.25, e.fractionOverClean, 1e-9);
		assertEquals(0.5, e.fractionOverAtStart, 1e-9);
		assertEquals(0.25, e.fractionOverOnlyAfterSteps, 1e-9);
		assertEquals(0.25, e.fractionExpanded, 1e-9, "only sample 3 was never over");
		assertEquals(0, e.fractionExpandedTwice, 1e-9);
		assertEquals(2 * DELTA, amat.margin(3), 1e-6);
		assertEquals(DELTA, amat.margin(1), 1e-6, "over at the final iterate only: no growth");
		assertTrue(amat.statistics().contains("25% clean, 50% at the random start, 25% only after PGD steps"), amat
			.statistics());

		// epoch 2: samples 2 and 3 never over; sample 3 has now grown twice
		amat.startEpoch(2);
		final BoundaryChecks c = new BoundaryChecks(new int[] { 0, 1, 2, 3 });
		c.clean = new float[][] { { 0.9f }, { 0.9f }, { 0.9f }, { 0.9f } };
		for (int t = 0; t <= 5; t++) c.record(t, only(4, 0, 1));
		amat.account(c);
		amat.endEpoch(2);
		final AmatEpoch e2 = amat.epochs().get(1);
		assertEquals(0.5, e2.fractionExpanded, 1e-9);
		assertEquals(0.25, e2.fractionExpandedTwice, 1e-9);
		assertEquals(2, amat.timesExpanded(3));
		// margins 1, 1, 2, 3 (used noise is 0 here, floored at delta): the 10% quantile at position 0.3
		assertEquals(1, e2.q10, 1e-6);
		assertEquals(1.5, e2.median, 1e-6);
		assertEquals(2.7, e2.q90, 1e-6);
		assertEquals(3, e2.max, 1e-6);
	}

	@Test
	void thresholdsThatFollowTheModelAreRecalibratedOnTheEpochsCleanValues() {
		final AmatTraining follow = amat(0.99f, new BoundaryRule(Thresholds.Statistic.QUANTILE, 1, 0.25, true));
		final AmatTraining fixed = amat(0.99f, new BoundaryRule(Thresholds.Statistic.QUANTILE, 1, 0.25, false));
		for (final AmatTraining amat : new AmatTraining[] { follow, fixed }) {
			amat.begin(new int[] { 0, 1, 2, 3, 4 });
			amat.startEpoch(1);
			final BoundaryChecks c = new BoundaryChecks(new int[] { 0, 1, 2, 3, 4 });
			c.clean = new float[][] { { 0.2f }, { 0.4f }, { 0.3f }, { 0.6f }, { 0.5f } };
			for (int t = 0; t <= 5; t++) c.record(t, only(5, 0, 1, 2, 3, 4));
			amat.account(c);
			amat.endEpoch(1);
		}
		// the 0.25-quantile of 0.2 .. 0.6 sits at position 1: 0.3
		assertArrayEquals(new float[] { 0.3f }, follow.thresholds().values(), 1e-6f);
		assertArrayEquals(new float[] { 0.99f }, fixed.thresholds().values(), 0f);
		// the epoch records the thresholds it ran with; the parameters the ones the run started with
		final List<AmatEpoch> h = follow.epochs();
		assertEquals(1.0, h.get(0).fractionOverClean, 1e-9, "every clean Dice was under 0.99");
		assertEquals(0.99, follow.parameters().getAsJsonObject("thresholds").getAsJsonArray("values").get(0)
			.getAsDouble(), 1e-6);
		assertTrue(follow.parameters().getAsJsonObject("boundary").get("follow_model").getAsBoolean());
	}
}
