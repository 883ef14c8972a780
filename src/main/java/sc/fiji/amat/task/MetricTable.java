package sc.fiji.amat.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-sample metric values: one row per sample, one column per named metric, and per row an
 * optional detail (a variable-length vector a task keeps to compute dataset-level metrics, e.g.
 * the scored detections of an image). Column 0 is the task's per-image primary metric. A table
 * may carry the task's {@link DatasetMetrics}; then {@link #primaryValue()} (what validation,
 * the evaluator and the report use) is the task's dataset-level primary metric when it names
 * one, otherwise the mean of column 0.
 */
public final class MetricTable {

	private final String[] names;
	private final boolean[] higherIsBetter;
	private final DatasetMetrics dataset;
	private final List<double[]> rows = new ArrayList<>();
	private final List<double[]> details = new ArrayList<>();

	private static final double[] NO_DETAIL = new double[0];

	public MetricTable(final String[] names, final boolean[] higherIsBetter) {
		this(names, higherIsBetter, null);
	}

	/** A table whose dataset-level metrics (may be null: none) are computed by {@code dataset}. */
	public MetricTable(final String[] names, final boolean[] higherIsBetter, final DatasetMetrics dataset) {
		this.names = names.clone();
		this.higherIsBetter = higherIsBetter.clone();
		this.dataset = dataset;
	}

	public void add(final double... row) {
		addWithDetail(row, NO_DETAIL);
	}

	/** Adds a row and its detail (any length, kept for dataset-level metrics). */
	public void addWithDetail(final double[] row, final double[] detail) {
		if (row.length != names.length) throw new IllegalArgumentException("Expected " + names.length + " values");
		rows.add(row.clone());
		details.add(detail == null || detail.length == 0 ? NO_DETAIL : detail.clone());
	}

	/** Appends all rows (and details) of another table with the same columns. */
	public void addAll(final MetricTable other) {
		if (!Arrays.equals(names, other.names)) throw new IllegalArgumentException("Different metric columns");
		rows.addAll(other.rows);
		details.addAll(other.details);
	}

	/** Appends row {@code row} of another table with the same columns, with its detail. */
	public void addRow(final MetricTable other, final int row) {
		if (!Arrays.equals(names, other.names)) throw new IllegalArgumentException("Different metric columns");
		rows.add(other.rows.get(row));
		details.add(other.details.get(row));
	}

	/** An empty table with the same columns and dataset-level metrics. */
	public MetricTable emptyCopy() {
		return new MetricTable(names, higherIsBetter, dataset);
	}

	/** The detail of a row (a copy; empty when the task keeps none). */
	public double[] detail(final int row) {
		return details.get(row).clone();
	}

	/** The task's dataset-level metrics, or null. */
	public DatasetMetrics datasetMetrics() {
		return dataset;
	}

	/** The names of the dataset-level metrics (empty when there are none). */
	public List<String> datasetNames() {
		return dataset == null ? new ArrayList<>() : new ArrayList<>(dataset.names());
	}

	/** The values of the dataset-level metrics over all rows (empty when there are none). */
	public double[] datasetValues() {
		return dataset == null ? new double[0] : dataset.compute(this);
	}

	/** The value of one dataset-level metric over all rows. */
	public double datasetValue(final String name) {
		final int k = datasetNames().indexOf(name);
		if (k < 0) throw new IllegalArgumentException("No dataset metric " + name + " in " + datasetNames());
		return datasetValues()[k];
	}

	/** True for a column that exists only to be pooled into a dataset-level metric (not a metric to show). */
	public boolean isPoolingColumn(final int column) {
		return dataset != null && dataset.isPoolingColumn(names[column]);
	}

	/**
	 * The task's primary metric over all rows: its dataset-level primary metric when it has one
	 * (mAP), otherwise the mean of column 0 (mean Dice).
	 */
	public double primaryValue() {
		if (dataset == null || dataset.primary() < 0) return primaryMean();
		return size() == 0 ? Double.NaN : dataset.compute(this)[dataset.primary()];
	}

	/** The name of {@link #primaryValue()}. */
	public String primaryValueName() {
		if (dataset == null || dataset.primary() < 0) return primaryName();
		return dataset.names().get(dataset.primary());
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

	/** The mean of column 0, the per-image primary metric (see {@link #primaryValue()} for the task's primary metric). */
	public double primaryMean() {
		return mean(0);
	}

	/** The name of column 0, the per-image primary metric. */
	public String primaryName() {
		return names[0];
	}
}
