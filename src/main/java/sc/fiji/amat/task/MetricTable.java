package sc.fiji.amat.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-sample metric values: one row per sample, one column per named metric. Column 0 is the
 * task's primary metric (the one validation picks the best model by).
 */
public final class MetricTable {

	private final String[] names;
	private final boolean[] higherIsBetter;
	private final List<double[]> rows = new ArrayList<>();

	public MetricTable(final String[] names, final boolean[] higherIsBetter) {
		this.names = names.clone();
		this.higherIsBetter = higherIsBetter.clone();
	}

	public void add(final double... row) {
		if (row.length != names.length) throw new IllegalArgumentException("Expected " + names.length + " values");
		rows.add(row.clone());
	}

	/** Appends all rows of another table with the same columns. */
	public void addAll(final MetricTable other) {
		if (!Arrays.equals(names, other.names)) throw new IllegalArgumentException("Different metric columns");
		rows.addAll(other.rows);
	}

	public MetricTable emptyCopy() {
		return new MetricTable(names, higherIsBetter);
	}

	public int size() {
		return rows.size();
	}

	public String[] names() {
		return names.clone();
	}

	public int column(final String name) {
		for (int k = 0; k < names.length; k++) {
			if (names[k].equals(name)) return k;
		}
		throw new IllegalArgumentException("No metric " + name + " in " + Arrays.toString(names));
	}

	public boolean higherIsBetter(final int column) {
		return higherIsBetter[column];
	}

	public double value(final int row, final int column) {
		return rows.get(row)[column];
	}

	/** Mean of a column over the rows where it is defined (not NaN); NaN when none is. */
	public double mean(final int column) {
		double s = 0;
		int n = 0;
		for (final double[] r : rows) {
			if (!Double.isNaN(r[column])) {
				s += r[column];
				n++;
			}
		}
		return n == 0 ? Double.NaN : s / n;
	}

	/** Sum of a column over all rows (for pooled metrics built from counts). */
	public double sum(final int column) {
		double s = 0;
		for (final double[] r : rows) s += r[column];
		return s;
	}

	public double primaryMean() {
		return mean(0);
	}

	public String primaryName() {
		return names[0];
	}
}
