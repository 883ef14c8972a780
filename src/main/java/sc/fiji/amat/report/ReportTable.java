package sc.fiji.amat.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import sc.fiji.amat.AtomicFiles;
import sc.fiji.amat.AmatException;

/**
 * The report's table in long form: one row per model, attack, noise level and metric, with the
 * metric's mean, its spread (standard deviation over images; empty for pooled metrics) and the
 * number of images. The per-image worst case over the attacks appears as the attack
 * {@value WorstCase#NAME}. Written as CSV (RFC 4180, '.' decimals, empty for undefined
 * values) and readable back.
 */
public final class ReportTable {

	public static final String[] COLUMNS = { "model", "task", "method", "attack", "norm", "eps", "eps unit",
		"eps absolute", "metric", "mean", "spread", "n", "crafted on" };

	/** The columns of tables written before "crafted on" was added; still read. */
	static final String[] COLUMNS_WITHOUT_CRAFTED_ON = java.util.Arrays.copyOf(COLUMNS, COLUMNS.length - 1);

	/** "crafted on" for a gradient attack crafted on the evaluated model itself. */
	public static final String WHITE_BOX = "white-box";
	/** "crafted on" for white noise, which follows no gradient. */
	public static final String RANDOM = "random (no gradients)";

	/** "crafted on" for a transfer attack: made on another model, not white-box. */
	public static String transferFrom(final String source) {
		return "transfer from " + source + " (not white-box)";
	}

	/** One row of the table. */
	public static final class Row {

		public final String model, task, method, attack, norm;
		public final double eps;
		public final String epsUnit;
		/** The mean absolute eps (normalised-input units) the images of this model got. */
		public final double epsAbsolute;
		public final String metric;
		public final double mean, spread;
		public final int n;
		/**
		 * How the attack's noise was made: {@link #WHITE_BOX} on the model itself, {@link #RANDOM},
		 * {@link #transferFrom} another model, or for the worst case a summary of those; empty when
		 * unknown (tables from before this column).
		 */
		public final String craftedOn;

		public Row(final String model, final String task, final String method, final String attack, final String norm,
			final double eps, final String epsUnit, final double epsAbsolute, final String metric, final double mean,
			final double spread, final int n)
		{
			this(model, task, method, attack, norm, eps, epsUnit, epsAbsolute, metric, mean, spread, n, "");
		}

		public Row(final String model, final String task, final String method, final String attack, final String norm,
			final double eps, final String epsUnit, final double epsAbsolute, final String metric, final double mean,
			final double spread, final int n, final String craftedOn)
		{
			this.craftedOn = craftedOn == null ? "" : craftedOn;
			this.model = model;
			this.task = task;
			this.method = method;
			this.attack = attack;
			this.norm = norm;
			this.eps = eps;
			this.epsUnit = epsUnit;
			this.epsAbsolute = epsAbsolute;
			this.metric = metric;
			this.mean = mean;
			this.spread = spread;
			this.n = n;
		}

		/** The cells in the order of {@link ReportTable#COLUMNS}: Strings, Doubles and an Integer. */
		public Object[] cells() {
			return new Object[] { model, task, method, attack, norm, eps, epsUnit, epsAbsolute, metric, mean, spread, n,
				craftedOn };
		}

		@Override
		public boolean equals(final Object o) {
			if (!(o instanceof Row)) return false;
			final Row r = (Row) o;
			return java.util.Arrays.equals(cells(), r.cells());
		}

		@Override
		public int hashCode() {
			return Objects.hash(cells());
		}

		@Override
		public String toString() {
			return String.join(",", csvCells(this));
		}
	}

	private final List<Row> rows = new ArrayList<>();

	public void add(final Row row) {
		rows.add(row);
	}

	public List<Row> rows() {
		return Collections.unmodifiableList(rows);
	}

	public int size() {
		return rows.size();
	}

	/** The rows of one model, attack and metric, in order of eps. */
	public List<Row> curve(final String model, final String attack, final String metric) {
		final List<Row> out = new ArrayList<>();
		for (final Row r : rows) {
			if (r.model.equals(model) && r.attack.equals(attack) && r.metric.equals(metric)) out.add(r);
		}
		out.sort((a, b) -> Double.compare(a.eps, b.eps));
		return out;
	}

	/** The value of one cell, or NaN when there is no such row. */
	public double mean(final String model, final String attack, final double eps, final String metric) {
		for (final Row r : rows) {
			if (r.model.equals(model) && r.attack.equals(attack) && r.eps == eps && r.metric.equals(metric)) return r.mean;
		}
		return Double.NaN;
	}

	/**
	 * The table as an ImageJ 1.x results table, one row per row and the columns of
	 * {@link #COLUMNS} (numbers as numbers, names as text).
	 */
	public ij.measure.ResultsTable toResultsTable() {
		final ij.measure.ResultsTable rt = new ij.measure.ResultsTable();
		rt.setPrecision(-4);
		for (final Row r : rows) {
			rt.incrementCounter();
			final Object[] cells = r.cells();
			for (int c = 0; c < COLUMNS.length; c++) {
				if (cells[c] instanceof String) rt.addValue(COLUMNS[c], (String) cells[c]);
				else rt.addValue(COLUMNS[c], ((Number) cells[c]).doubleValue());
			}
		}
		return rt;
	}

	public void writeCsv(final Path file) {
		AtomicFiles.writeText(file, "the report table", w -> {
			w.write(String.join(",", COLUMNS));
			w.write("\n");
			for (final Row r : rows) {
				w.write(String.join(",", csvCells(r)));
				w.write("\n");
			}
		});
	}

	static List<String> csvCells(final Row r) {
		final List<String> out = new ArrayList<>();
		for (final Object c : r.cells()) {
			if (c instanceof Double) out.add(number((Double) c));
			else out.add(quote(String.valueOf(c)));
		}
		return out;
	}

	/** Shortest exact decimal form; empty for NaN. */
	static String number(final double d) {
		if (Double.isNaN(d)) return "";
		if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
		return Double.toString(d);
	}

	static String quote(final String s) {
		if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
		return '"' + s.replace("\"", "\"\"") + '"';
	}

	/** Reads a table written by {@link #writeCsv}. */
	public static ReportTable readCsv(final Path file) {
		final String text;
		try {
			text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
		}
		catch (final IOException e) {
			throw new AmatException("Cannot read " + file + ": " + e.getMessage(), e);
		}
		final List<List<String>> records = parse(text);
		final boolean old = !records.isEmpty() && records.get(0).equals(java.util.Arrays.asList(
			COLUMNS_WITHOUT_CRAFTED_ON));
		final int columns = old ? COLUMNS_WITHOUT_CRAFTED_ON.length : COLUMNS.length;
		if (records.isEmpty() || !old && !records.get(0).equals(java.util.Arrays.asList(COLUMNS))) {
			throw new AmatException(file + " is not a robustness report table: its header is not " + String.join(",",
				COLUMNS) + ".");
		}
		final ReportTable t = new ReportTable();
		for (int k = 1; k < records.size(); k++) {
			final List<String> c = records.get(k);
			if (c.size() == 1 && c.get(0).isEmpty()) continue;
			if (c.size() != columns) {
				throw new AmatException(file + " line " + (k + 1) + " has " + c.size() + " cells, not " + columns + ".");
			}
			t.add(new Row(c.get(0), c.get(1), c.get(2), c.get(3), c.get(4), num(c.get(5)), c.get(6), num(c.get(7)), c.get(
				8), num(c.get(9)), num(c.get(10)), Integer.parseInt(c.get(11)), old ? "" : c.get(12)));
		}
		return t;
	}

	private static double num(final String s) {
		return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
	}

	/** RFC 4180 records. */
	static List<List<String>> parse(final String text) {
		final List<List<String>> out = new ArrayList<>();
		List<String> record = new ArrayList<>();
		final StringBuilder cell = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < text.length(); i++) {
			final char ch = text.charAt(i);
			if (quoted) {
				if (ch == '"') {
					if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
						cell.append('"');
						i++;
					}
					else quoted = false;
				}
				else cell.append(ch);
			}
			else if (ch == '"') quoted = true;
			else if (ch == ',') {
				record.add(cell.toString());
				cell.setLength(0);
			}
			else if (ch == '\n' || ch == '\r') {
				if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
				record.add(cell.toString());
				cell.setLength(0);
				out.add(record);
				record = new ArrayList<>();
			}
			else cell.append(ch);
		}
		if (cell.length() > 0 || !record.isEmpty()) {
			record.add(cell.toString());
			out.add(record);
		}
		return out;
	}
}
