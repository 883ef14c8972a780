package sc.fiji.amat.report;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import java.util.List;
import java.util.Map;

import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.task.Task;

/**
 * A report's progress by estimated cost, with a time estimate, and the batch listeners that
 * report it, cancel, and keep the example images' inputs and predictions.
 */
final class ReportProgress {

	static final double GRADIENT_COST = 1, CLEAN_COST = 0.5;

	private final ReportListener listener;
	private final double total;
	private final long start = System.nanoTime();
	private double done;
	private String status = "";

	ReportProgress(final ReportListener listener, final List<SweepUnit> units, final int images,
		final ReportSettings s)
	{
		this.listener = listener;
		double cost = 0;
		for (final SweepUnit u : units) cost += u.isClean() ? GRADIENT_COST + CLEAN_COST : s.cost(u.attack);
		this.total = Math.max(cost, 1e-9) * batches(images, s.batchSize);
	}

	static int batches(final int n, final int batch) {
		return (n + batch - 1) / batch;
	}

	void status(final String text) {
		status = text;
	}

	void done(final double cost) {
		done += cost;
		final double fraction = Math.min(1, done / total);
		final double elapsed = (System.nanoTime() - start) / 1e9;
		final double left = fraction > 0.02 ? elapsed * (1 - fraction) / fraction : Double.NaN;
		listener.progress(fraction, status, left);
	}

	/** A batch listener that reports progress, cancels, and keeps the example images' inputs and predictions. */
	<L> Evaluator.BatchListener batchListener(final Task<L> task, final Map<Integer, Example> examples,
		final boolean adversarial, final double costPerBatch)
	{
		return new Evaluator.BatchListener() {

			@Override
			public void batch(final int[] positions, final NDArray clean, final NDArray input, final NDList output) {
				List<L> predicted = null;
				for (int b = 0; b < positions.length; b++) {
					final Example e = examples.get(positions[b]);
					if (e == null) continue;
					if (predicted == null) predicted = task.predict(output);
					final int[] prediction = sc.fiji.amat.task.ij.ImageJTasks.of(task).render(predicted.get(b), e.height,
						e.width);
					if (adversarial) {
						e.adversarial = input.get(b).toFloatArray();
						e.adversarialPrediction = prediction;
					}
					else {
						e.clean = clean.get(b).toFloatArray();
						e.adversarial = e.clean;
						e.cleanPrediction = prediction;
						e.adversarialPrediction = prediction;
					}
				}
				done(costPerBatch);
			}

			@Override
			public boolean isCancelled() {
				return listener.isCancelled();
			}
		};
	}
}
