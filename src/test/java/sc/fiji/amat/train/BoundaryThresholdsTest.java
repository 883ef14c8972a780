package sc.fiji.amat.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.task.BoundarySpec;

/**
 * The boundaries' thresholds on hand-made calibration values, against values computed by hand
 * (quantiles interpolate linearly between order statistics: the p-quantile of n sorted values
 * sits at position (n - 1) p).
 */
class BoundaryThresholdsTest {

	/** Dice (higher is better) and a loss (lower is better). */
	private static final BoundarySpec SPEC = new BoundarySpec(new String[] { "dice", "loss" }, new boolean[] { true,
		false });

	/** Ten samples: Dice 0.50, 0.55, ..., 0.95; the loss 1..10 worst where Dice is best (disjoint tails) or worst. */
	private static float[][] rows(final boolean sameSamplesBad) {
		final float[][] r = new float[10][];
		for (int i = 0; i < 10; i++) r[i] = new float[] { 0.50f + 0.05f * i, sameSamplesBad ? 10 - i : 1 + i };
		return r;
	}

	private static int over(final Thresholds t, final float[][] rows) {
		int n = 0;
		for (final float[] r : rows) {
			if (t.isOver(r)) n++;
		}
		return n;
	}

	@Test
	void theQuantileBoundaryIsEachQuantitysBadTail() {
		final Thresholds t = Thresholds.calibrate(SPEC, rows(false), Thresholds.Statistic.QUANTILE, 0, 0.1, "hand");
		// Dice: position 0.9 between 0.50 and 0.55; loss: the 0.9-quantile at position 8.1 between 9 and 10
		assertArrayEquals(new float[] { 0.545f, 9.1f }, t.values(), 1e-5f);
		assertFalse(t.relative());
		assertTrue(t.isOver(new float[] { 0.54f, 1 }) && t.isOver(new float[] { 0.9f, 9.2f }));
		assertFalse(t.isOver(new float[] { 0.55f, 9.0f }));
	}

	@Test
	void theJointBoundaryPutsTheChosenFractionOverInAnyQuantity() {
		// disjoint tails: per-quantity 20% tails would put 4 of 10 over; the joint level puts 2 over
		final float[][] disjoint = rows(false);
		final Thresholds perQuantity = Thresholds.calibrate(SPEC, disjoint, Thresholds.Statistic.QUANTILE, 0, 0.2, "h");
		assertArrayEquals(new float[] { 0.59f, 8.2f }, perQuantity.values(), 1e-5f);
		assertEquals(4, over(perQuantity, disjoint));
		final Thresholds joint = Thresholds.calibrate(SPEC, disjoint, Thresholds.Statistic.JOINT, 0, 0.2, "h");
		// the largest common level keeping 2 over is 1/9: Dice 0.55 (not below itself), loss 9
		assertArrayEquals(new float[] { 0.55f, 9f }, joint.values(), 1e-5f);
		assertEquals(2, over(joint, disjoint));
		// the same samples bad in both: the 20% tails overlap, so the joint level is the fraction itself
		final float[][] same = rows(true);
		final Thresholds overlapping = Thresholds.calibrate(SPEC, same, Thresholds.Statistic.JOINT, 0, 0.2, "h");
		assertArrayEquals(new float[] { 0.59f, 8.2f }, overlapping.values(), 1e-5f);
		assertEquals(2, over(overlapping, same));
	}

	@Test
	void theRelativeBoundaryComparesWithTheSamplesOwnCleanValue() {
		final Thresholds t = Thresholds.calibrate(SPEC, rows(false), Thresholds.Statistic.RELATIVE, 0, 0.1, "hand");
		// amounts: median - 0.1-quantile = 0.725 - 0.545 for Dice, 0.9-quantile - median = 9.1 - 5.5 for the loss
		assertArrayEquals(new float[] { 0.18f, 3.6f }, t.values(), 1e-5f);
		assertTrue(t.relative());
		final float[] clean = { 0.9f, 2 };
		assertFalse(t.isOver(new float[] { 0.75f, 2 }, clean), "a Dice drop of 0.15 is inside");
		assertTrue(t.isOver(new float[] { 0.70f, 2 }, clean), "a Dice drop of 0.20 is over");
		assertTrue(t.isOver(new float[] { 0.9f, 5.7f }, clean), "a loss rise of 3.7 is over");
		assertFalse(t.isOver(new float[] { 0.95f, 1 }, clean), "better than clean is inside");
		assertTrue(t.isOver(new float[] { Float.NaN, 2 }, clean), "undefined is over");
		// the same values are absolute thresholds' nonsense: a relative boundary needs the clean reference
		assertThrows(IllegalStateException.class, () -> t.isOver(new float[] { 0.9f, 2 }));
		assertTrue(t.toString().contains("falls by more than 0.1800"), t.toString());
	}

	@Test
	void theSpecsStatisticsStayAvailable() {
		final float[][] hand = { { 0.9f, 1 }, { 0.8f, 2 }, { Float.NaN, 3 }, { 0.7f, 10 } };
		assertArrayEquals(new float[] { 0.8f, 4f }, Thresholds.calibrate(SPEC, hand, Thresholds.Statistic.MEAN, 0, "h")
			.values(), 1e-6f);
		assertArrayEquals(new float[] { 0.8f, 2.5f }, Thresholds.calibrate(SPEC, hand, Thresholds.Statistic.MEDIAN, 0,
			"h").values(), 1e-6f);
		// robust: median -/+ z * 1.4826 * MAD; for dice MAD = 0.1, for the loss MAD = 1
		assertArrayEquals(new float[] { 0.8f - 0.14826f, 2.5f + 1.4826f }, Thresholds.calibrate(SPEC, hand,
			Thresholds.Statistic.ROBUST, 1, "h").values(), 1e-4f);
		assertThrows(AmatException.class, () -> Thresholds.calibrate(SPEC, new float[][] { { Float.NaN, 1 } },
			Thresholds.Statistic.MEAN, 0, "h"));
		assertThrows(AmatException.class, () -> Thresholds.calibrate(SPEC, hand, Thresholds.Statistic.QUANTILE, 0, 1.5,
			"h"));
		assertEquals(Thresholds.Statistic.JOINT, Thresholds.Statistic.parse(" Joint "));
	}

	@Test
	void thresholdsReadBackAndCompare() {
		final Thresholds t = new Thresholds(SPEC, new float[] { 0.2f, 3 }, "hand", true);
		final Thresholds back = Thresholds.fromJson(SPEC, t.toJson());
		assertTrue(back.relative() && back.sameBoundary(t));
		assertFalse(new Thresholds(SPEC, new float[] { 0.2f, 3 }, "hand").sameBoundary(t), "absolute vs relative");
		assertFalse(new Thresholds(SPEC, new float[] { 0.2f, 3.01f }, "hand", true).sameBoundary(t));
	}
}
