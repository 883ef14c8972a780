package sc.fiji.amat.report;

import java.util.ArrayList;
import java.util.List;

import sc.fiji.amat.task.DatasetMetrics;
import sc.fiji.amat.task.MetricTable;

/**
 * The summary values a report shows of a task's per-image metric table, whatever the task:
 * every per-image metric column (mean, standard deviation, n), except columns that exist only to
 * be pooled (counts), and the task's dataset-level metrics ({@link DatasetMetrics}: pooled Dice,
 * mAP), which have no spread. When the task's primary metric is dataset-level it comes first.
 */
public final class Metrics {

	private Metrics() {}

	/** One summary value of a metric. */
	public static final class Summary {

		public final String metric;
		public final double mean;
		/** Standard deviation over images (NaN for dataset-level metrics). */
		public final double spread;
		/** Images the value is computed from (those where the metric is defined). */
		public final int n;

		public Summary(final String metric, final double mean, final double spread, final int n) {
			this.metric = metric;
			this.mean = mean;
			this.spread = spread;
			this.n = n;
		}
	}

	/** The per-image metric columns a report summarises: all but pooling counts. */
	public static List<Integer> perImageColumns(final MetricTable t) {
		final List<Integer> out = new ArrayList<>();
		for (int c = 0; c < t.names().length; c++) {
			if (!t.isPoolingColumn(c)) out.add(c);
		}
		return out;
	}

	/** The dataset-level metrics a table has besides its primary metric (pooled Dice; mAP@0.5:0.95, ...). */
	public static List<String> secondaryDatasetMetrics(final MetricTable t) {
		final List<String> out = t.datasetNames();
		out.remove(t.primaryValueName());
		return out;
	}

	/** Standard deviation (n - 1) of a column over the rows where it is defined. */
	public static double spread(final MetricTable t, final int column) {
		final double mean = t.mean(column);
		double s = 0;
		int n = 0;
		for (int i = 0; i < t.size(); i++) {
			final double v = t.value(i, column);
			if (Double.isNaN(v)) continue;
			s += (v - mean) * (v - mean);
			n++;
		}
		return n < 2 ? Double.NaN : Math.sqrt(s / (n - 1));
	}

	/** Rows where a column is defined. */
	public static int defined(final MetricTable t, final int column) {
		int n = 0;
		for (int i = 0; i < t.size(); i++) {
			if (!Double.isNaN(t.value(i, column))) n++;
		}
		return n;
	}

	/** The summaries of a table: its per-image metrics (primary first), then dataset-level ones. */
	public static List<Summary> summarize(final MetricTable t) {
		final List<Summary> out = new ArrayList<>();
		for (final int c : perImageColumns(t)) {
			out.add(new Summary(t.names()[c], t.mean(c), spread(t, c), defined(t, c)));
		}
		final List<String> names = t.datasetNames();
		if (!names.isEmpty()) {
			final double[] v = t.size() == 0 ? null : t.datasetValues();
			final int primary = t.datasetMetrics().primary();
			for (int k = 0; k < names.size(); k++) {
				final Summary s = new Summary(names.get(k), v == null ? Double.NaN : v[k], Double.NaN, t.size());
				if (k == primary) out.add(0, s);
				else out.add(s);
			}
		}
		return out;
	}

	/** The primary metric (column 0) of each row. */
	public static double[] primary(final MetricTable t) {
		final double[] v = new double[t.size()];
		for (int i = 0; i < v.length; i++) v[i] = t.value(i, 0);
		return v;
	}
}
