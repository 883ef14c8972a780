package sc.fiji.amat.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;

import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackTarget;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.Task;

/** Per-sample metrics of a model on labelled data, clean or under an attack, in batches. */
public final class Evaluator {

	private Evaluator() {}

	/** Clean metrics, model in evaluation mode. */
	public static <L> MetricTable evaluate(final AmatModel model, final LabeledData<L> data, final int batchSize) {
		return evaluate(model, data, batchSize, null, 0, EpsUnit.ABSOLUTE);
	}

	/**
	 * Metrics under an attack of size {@code eps} in {@code unit} (null attack or eps 0: clean).
	 * Evaluation attacks run in evaluation mode with the parameters frozen.
	 */
	public static <L> MetricTable evaluate(final AmatModel model, final LabeledData<L> data, final int batchSize,
		final Attack attack, final double eps, final EpsUnit unit)
	{
		return evaluate(model, data, batchSize, attack, eps, unit, null);
	}

	/**
	 * Sees every batch of an evaluation and may cancel it; for progress bars and for reports
	 * that keep example images.
	 */
	public interface BatchListener {

		/**
		 * A batch was evaluated: the positions of its samples in the data, the clean input, the
		 * input the network saw (adversarial, or the clean input itself) and its output. The
		 * arrays are valid only during the call.
		 */
		default void batch(final int[] positions, final NDArray clean, final NDArray input, final NDList output) {}

		/** Asked before every batch: true stops the evaluation with a {@link CancellationException}. */
		default boolean isCancelled() {
			return false;
		}
	}

	/** As above, with a listener (null: none). */
	@SuppressWarnings("unchecked")
	public static <L> MetricTable evaluate(final AmatModel model, final LabeledData<L> data, final int batchSize,
		final Attack attack, final double eps, final EpsUnit unit, final BatchListener listener)
	{
		Engines.prepareThread();
		final Task<L> task = (Task<L>) model.task();
		final AttackTarget<L> target = new AttackTarget<>(model.block(), model.parameterStore(), task, false, model
			.normalization().validRange());
		MetricTable table = null;
		for (int from = 0; from < data.size(); from += batchSize) {
			if (listener != null && listener.isCancelled()) throw new CancellationException("Evaluation cancelled");
			final int[] pos = range(from, Math.min(data.size(), from + batchSize));
			try (NDManager m = model.manager().newSubManager()) {
				final NDArray clean = data.batch(m, pos);
				NDArray x = clean;
				final List<L> labels = data.labels(pos);
				if (attack != null && eps > 0) {
					final NDList y = task.encodeLabels(m, labels, data.height(), data.width());
					final float[] abs = unit.toAbsolute(eps, attack.norm(), x.toFloatArray(), data.sampleSize(), target
						.validRange());
					x = attack.perturb(target, x, y, abs);
				}
				final NDList output = model.forward(x, false);
				final MetricTable batch = task.metrics(output, labels);
				if (listener != null) listener.batch(pos, clean, x, output);
				if (table == null) table = batch;
				else table.addAll(batch);
			}
		}
		return table;
	}

	static int[] range(final int from, final int to) {
		final int[] r = new int[to - from];
		Arrays.setAll(r, i -> from + i);
		return r;
	}
}
