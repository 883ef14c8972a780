package sc.fiji.amat.report;

import java.util.ArrayList;
import java.util.List;

import sc.fiji.amat.task.MetricTable;

/**
 * The summary values a report shows of a task's per-image metric table, whatever the task:
 * every per-image metric column (mean, standard deviation, n), except count columns that
 * exist to be pooled, and pooled metrics where the table has the columns they need. Pooled
 * Dice needs, per foreground class X, the columns 'intersection X', 'predicted X' and 'true X'
 * (segmentation); it is the mean over those classes of 2 * sum(intersection) / (sum(predicted)
 * + sum(true)) over all images, a class with nothing predicted nor true counting 1.
 */
public final class Metrics {

	public static final String POOLED_DICE = "pooled dice";

	private Metrics() {}

	/** One summary value of a metric. */
	public static final class Summary {

		public final String metric;
		public final double mean;
		/** Standard deviation over images (NaN for pooled metrics). */
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
		final List<String> classes = pooledDiceClasses(t);
		final List<Integer> out = new ArrayList<>();
		final String[] names = t.names();
		for (int c = 0; c < names.length; c++) {
			boolean count = false;
			for (final String x : classes) {
				count |= names[c].equals("intersection " + x) || names[c].equals("predicted " + x) || names[c].equals("true " +
					x);
			}
			if (!count) out.add(c);
		}
		return out;
	}

	/** The classes X for which the table has intersection, predicted and true counts. */
	public static List<String> pooledDiceClasses(final MetricTable t) {
		final List<String> out = new ArrayList<>();
		final List<String> names = java.util.Arrays.asList(t.names());
		for (final String n : names) {
			if (!n.startsWith("intersection ")) continue;
			final String x = n.substring("intersection ".length());
			if (names.contains("predicted " + x) && names.contains("true " + x)) out.add(x);
		}
		return out;
	}

	/** Pooled Dice over all rows, or NaN when the table lacks the counts. */
	public static double pooledDice(final MetricTable t) {
		final List<String> classes = pooledDiceClasses(t);
		if (classes.isEmpty() || t.size() == 0) return Double.NaN;
		double sum = 0;
		for (final String x : classes) {
			final double inter = t.sum(t.column("intersection " + x));
			final double denom = t.sum(t.column("predicted " + x)) + t.sum(t.column("true " + x));
			sum += denom == 0 ? 1.0 : 2 * inter / denom;
		}
		return sum / classes.size();
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

	/** The summaries of a table: its per-image metrics (primary first), then pooled ones. */
	public static List<Summary> summarize(final MetricTable t) {
		final List<Summary> out = new ArrayList<>();
		for (final int c : perImageColumns(t)) {
			out.add(new Summary(t.names()[c], t.mean(c), spread(t, c), defined(t, c)));
		}
		if (!pooledDiceClasses(t).isEmpty()) out.add(new Summary(POOLED_DICE, pooledDice(t), Double.NaN, t.size()));
		return out;
	}

	/** The primary metric (column 0) of each row. */
	public static double[] primary(final MetricTable t) {
		final double[] v = new double[t.size()];
		for (int i = 0; i < v.length; i++) v[i] = t.value(i, 0);
		return v;
	}
}
