package sc.fiji.amat.task;

import java.util.List;

/**
 * A task's dataset-level metrics: values that are not means of per-image values but are
 * computed from all the images of a {@link MetricTable} together (pooled Dice from per-image
 * counts, mAP from the per-image scored detections kept as row details). They are computed
 * from the table's rows and {@link MetricTable#detail details} alone, so a table saved image by
 * image (for example in slices of a report) can be merged and summarised again.
 * <p>
 * When {@link #primary()} names one of them, that value is the task's primary metric over a set
 * of images ({@link MetricTable#primaryValue()}): validation, the evaluator, the report's curves
 * and robustness scores use it instead of the mean of column 0. Column 0 stays the per-image
 * primary metric (worst case per image, paired sanity checks, example sheets). All dataset
 * metrics are higher-is-better.
 * </p>
 */
public interface DatasetMetrics {

	/** The names of the dataset-level metrics, in the order {@link #compute} returns them. */
	List<String> names();

	/** The index in {@link #names()} of the task's primary metric, or -1 when it is the mean of column 0. */
	int primary();

	/** The values of the metrics over all rows of the table (NaN where undefined). */
	double[] compute(MetricTable table);

	/** True for a per-image column that exists only to be pooled (a count), not to be shown as a metric. */
	default boolean isPoolingColumn(final String column) {
		return false;
	}
}
