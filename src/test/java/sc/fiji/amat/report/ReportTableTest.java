package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.segmentation.PooledDice;

class ReportTableTest {

	@TempDir
	Path dir;

	@Test
	void csvRoundTripsExactlyWithAwkwardNamesAndUndefinedValues() throws Exception {
		final ReportTable t = new ReportTable();
		t.add(new ReportTable.Row("model, \"quoted\"", "segmentation", "sat", "pgd", "L2", 0, "rms", 0, "dice", 0.1 + 0.2,
			0.0123456789012345, 32, ReportTable.transferFrom("a, b")));
		t.add(new ReportTable.Row("amat", "segmentation", "amat", "worst case", "L2", 2.0 / 255, "rms", 0.5019607843137255,
			"pooled dice", 0.87, Double.NaN, 32));
		final Path f = dir.resolve("t.csv");
		t.writeCsv(f);
		final List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
		assertEquals("model,task,method,attack,norm,eps,eps unit,eps absolute,metric,mean,spread,n,crafted on", lines.get(
			0));
		assertEquals("\"model, \"\"quoted\"\"\",segmentation,sat,pgd,L2,0,rms,0,dice,0.30000000000000004," +
			"0.0123456789012345,32,\"transfer from a, b (not white-box)\"", lines.get(1));
		assertTrue(lines.get(2).endsWith(",pooled dice,0.87,,32,"), lines.get(2));
		final ReportTable back = ReportTable.readCsv(f);
		assertEquals(t.rows(), back.rows());
		assertEquals(0.87, back.mean("amat", "worst case", 2.0 / 255, "pooled dice"), 0);
		// a table written before the "crafted on" column is still read
		final List<String> old = new java.util.ArrayList<>();
		old.add("model,task,method,attack,norm,eps,eps unit,eps absolute,metric,mean,spread,n");
		old.add(lines.get(2).substring(0, lines.get(2).length() - 1));
		Files.write(f, old, StandardCharsets.UTF_8);
		assertEquals(java.util.Collections.singletonList(t.rows().get(1)), ReportTable.readCsv(f).rows());
	}

	@Test
	void aFileThatIsNotAReportTableIsRefused() throws Exception {
		final Path f = dir.resolve("other.csv");
		Files.write(f, "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
		assertThrows(AmatException.class, () -> ReportTable.readCsv(f));
	}

	@Test
	void curvesComeSortedByEps() {
		final ReportTable t = new ReportTable();
		for (final double e : new double[] { 0.2, 0, 0.1 }) {
			t.add(new ReportTable.Row("m", "segmentation", "standard", "pgd", "L2", e, "rms", e, "dice", 1 - e, 0, 4));
		}
		final List<Double> eps = new ArrayList<>();
		for (final ReportTable.Row r : t.curve("m", "pgd", "dice")) eps.add(r.eps);
		assertEquals(List.of(0.0, 0.1, 0.2), eps);
	}

	@Test
	void pooledDiceSumsCountsOverImagesAndAveragesOverClasses() {
		final MetricTable m = new MetricTable(new String[] { "dice", "dice a", "intersection a", "predicted a", "true a",
			"dice b", "intersection b", "predicted b", "true b" }, new boolean[] { true, true, false, false, false, true,
				false, false, false }, PooledDice.INSTANCE);
		// image 1: a 2*8/(10+10) = 0.8; b empty and not predicted (Dice 1). image 2: a 0, b 2*1/(2+2) = 0.5
		m.add(0.9, 0.8, 8, 10, 10, 1, 0, 0, 0);
		m.add(0.25, 0, 0, 5, 5, 0.5, 1, 2, 2);
		// pooled: a 2*8/(15+15) = 0.5333, b 2*1/(2+2) = 0.5 -> 0.51667
		assertEquals((16.0 / 30 + 0.5) / 2, PooledDice.value(m), 1e-12);
		final List<Metrics.Summary> s = Metrics.summarize(m);
		final List<String> names = new ArrayList<>();
		for (final Metrics.Summary x : s) names.add(x.metric);
		assertEquals(List.of("dice", "dice a", "dice b", PooledDice.NAME), names, "counts are not summarised");
		assertEquals(0.575, s.get(0).mean, 1e-12);
		assertEquals(Math.sqrt(2 * 0.325 * 0.325), s.get(0).spread, 1e-12);
		assertEquals(2, s.get(0).n);
		assertTrue(Double.isNaN(s.get(3).spread));
	}

	@Test
	void tablesWithoutCountsGetNoPooledDice() {
		final MetricTable m = new MetricTable(new String[] { "mre", "sdr 2mm" }, new boolean[] { false, true });
		m.add(1.5, 1);
		assertTrue(Double.isNaN(PooledDice.value(m)));
		assertEquals(2, Metrics.summarize(m).size());
	}
}
