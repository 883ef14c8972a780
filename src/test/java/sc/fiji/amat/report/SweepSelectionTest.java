package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;

/** Which units a job of a split report evaluates; no engine needed. */
class SweepSelectionTest {

	/** 2 models x (clean + 2 attacks x 3 levels): 14 units, in a sweep's order. */
	static List<SweepUnit> sweep() {
		final List<SweepUnit> out = new ArrayList<>();
		final double[] eps = { 0, 0.1, 0.2, 0.3 };
		for (int m = 0; m < 2; m++) {
			out.add(new SweepUnit(m, "m" + m, SweepUnit.CLEAN, 0, 0));
			for (final String a : new String[] { "pgd", "noise" }) {
				for (int k = 1; k < eps.length; k++) out.add(new SweepUnit(m, "m" + m, a, k, eps[k]));
			}
		}
		return out;
	}

	@Test
	void slicesDealEveryUnitToExactlyOneSliceInTurn() {
		for (final int n : new int[] { 1, 2, 3, 5, 14, 20 }) {
			final Set<String> seen = new HashSet<>();
			int total = 0, largest = 0, smallest = Integer.MAX_VALUE;
			for (int k = 1; k <= n; k++) {
				final List<SweepUnit> s = SweepSelection.slice(k + "/" + n).select(sweep());
				for (final SweepUnit u : s) assertTrue(seen.add(u.key()), "twice: " + u);
				total += s.size();
				largest = Math.max(largest, s.size());
				smallest = Math.min(smallest, s.size());
			}
			assertEquals(14, total, "N = " + n);
			assertTrue(largest - smallest <= 1, "balanced: " + smallest + ".." + largest);
		}
		// in turn: slice 2 of 3 gets units 1, 4, 7, ...
		final List<SweepUnit> s = SweepSelection.slice("2/3").select(sweep());
		assertEquals(sweep().get(1).key(), s.get(0).key());
		assertEquals(sweep().get(4).key(), s.get(1).key());
	}

	@Test
	void filtersSelectByNameAndLevelThenSlice() {
		final List<SweepUnit> noise = SweepSelection.all().models("m1").attacks("white noise").eps(0.2, 0.3).select(
			sweep());
		assertEquals(2, noise.size());
		assertEquals("m1 noise eps 0.2", noise.get(0).toString());
		assertEquals(2, SweepSelection.all().attacks("clean").select(sweep()).size());
		assertEquals(2, SweepSelection.all().eps(0).select(sweep()).size(), "level 0 is the clean evaluation");
		assertEquals(3, SweepSelection.slice("1/2").attacks("pgd").select(sweep()).size());
		assertTrue(SweepSelection.all().isAll());
		assertEquals("slice 1/2, attacks [pgd]", SweepSelection.slice("1/2").attacks("PGD").toString());
	}

	@Test
	void mistakesAreOneSentence() {
		assertTrue(assertThrows(AmatException.class, () -> SweepSelection.slice("0/3")).getMessage().contains(
			"K from 1 to N"));
		assertTrue(assertThrows(AmatException.class, () -> SweepSelection.slice("4/3")).getMessage().contains(
			"K from 1 to N"));
		assertTrue(assertThrows(AmatException.class, () -> SweepSelection.slice("2-3")).getMessage().contains(
			"give K/N"));
		assertTrue(assertThrows(AmatException.class, () -> SweepSelection.all().models("m7").select(sweep()))
			.getMessage().contains("its models are [m0, m1]"));
		assertTrue(assertThrows(AmatException.class, () -> SweepSelection.all().attacks("fgsm").select(sweep()))
			.getMessage().contains("not in this report"));
		assertTrue(assertThrows(AmatException.class, () -> SweepSelection.all().eps(0.15).select(sweep())).getMessage()
			.contains("not one of this report's levels"));
		assertThrows(AmatException.class, () -> SweepSelection.all().attacks("cw"));
	}
}
