package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Collections;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.model.ImportedModelsTest;
import sc.fiji.amat.task.MetricTable;

/**
 * Runs of an attack are members of their own, seeded apart, and the worst case keeps per image
 * the run with the lowest metric (not the one with the highest loss).
 */
class RestartsTest {

	@Test
	void theWorstCaseKeepsTheLowestMetricOverRunsPerImage() {
		final ReportSettings s = new ReportSettings();
		s.attacks = Collections.singletonList("pgd");
		s.restarts = 3;
		s.eps = new double[] { 0, 0.5 };
		s.pgdSteps = 2; // a weak attack, so that random starts make a difference
		s.exampleCount = 0;
		s.extraChecks = false;
		final ReportResult r = RobustnessReport.evaluate(Collections.singletonList(ImportedModelsTest.fixture(
			"tiny-seg.pt")), ImportedModelsReportTest.squares(), s, null);
		final ModelResult m = r.models().get(0);
		assertEquals(Arrays.asList("pgd", "pgd#2", "pgd#3", WorstCase.NAME), m.attacks());
		final MetricTable[] runs = { m.tables("pgd")[1], m.tables("pgd#2")[1], m.tables("pgd#3")[1] };
		final MetricTable worst = m.tables(WorstCase.NAME)[1];
		boolean runsDiffer = false;
		for (int i = 0; i < worst.size(); i++) {
			double min = Double.POSITIVE_INFINITY;
			for (final MetricTable t : runs) min = Math.min(min, t.value(i, 0));
			assertEquals(min, worst.value(i, 0), 0, "image " + i);
			runsDiffer |= runs[0].value(i, 0) != runs[1].value(i, 0);
		}
		assertTrue(runsDiffer, "the runs start from different random points");
		int total = 0;
		for (final int c : m.worstCounts()[1]) total += c;
		assertEquals(worst.size(), total); // every image's winning run is recorded
	}
}
