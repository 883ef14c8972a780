package sc.fiji.amat.task.segmentation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import sc.fiji.amat.task.DatasetMetrics;
import sc.fiji.amat.task.MetricTable;

/**
 * Segmentation's dataset-level metric, pooled Dice: per foreground class X with the per-image
 * columns 'intersection X', 'predicted X' and 'true X', 2 * sum(intersection) / (sum(predicted)
 * + sum(true)) over all images (1 when nothing is predicted nor true), averaged over the
 * classes. Not the primary metric: segmentation's primary metric stays the mean per-image Dice.
 */
public final class PooledDice implements DatasetMetrics {

	public static final String NAME = "pooled dice";
	public static final PooledDice INSTANCE = new PooledDice();

	private PooledDice() {}

	@Override
	public List<String> names() {
		return Collections.singletonList(NAME);
	}

	@Override
	public int primary() {
		return -1;
	}

	@Override
	public boolean isPoolingColumn(final String column) {
		return column.startsWith("intersection ") || column.startsWith("predicted ") || column.startsWith("true ");
	}

	@Override
	public double[] compute(final MetricTable t) {
		return new double[] { value(t) };
	}

	/** The classes X for which the table has intersection, predicted and true counts. */
	static List<String> classes(final MetricTable t) {
		final List<String> out = new ArrayList<>();
		final List<String> names = Arrays.asList(t.names());
		for (final String n : names) {
			if (!n.startsWith("intersection ")) continue;
			final String x = n.substring("intersection ".length());
			if (names.contains("predicted " + x) && names.contains("true " + x)) out.add(x);
		}
		return out;
	}

	/** Pooled Dice over all rows, or NaN when the table lacks the counts or has no rows. */
	public static double value(final MetricTable t) {
		final List<String> classes = classes(t);
		if (classes.isEmpty() || t.size() == 0) return Double.NaN;
		double sum = 0;
		for (final String x : classes) {
			final double inter = t.sum(t.column("intersection " + x));
			final double denom = t.sum(t.column("predicted " + x)) + t.sum(t.column("true " + x));
			sum += denom == 0 ? 1.0 : 2 * inter / denom;
		}
		return sum / classes.size();
	}
}
