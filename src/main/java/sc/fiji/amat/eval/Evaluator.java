package sc.fiji.amat.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.Arrays;
import java.util.List;

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
	@SuppressWarnings("unchecked")
	public static <L> MetricTable evaluate(final AmatModel model, final LabeledData<L> data, final int batchSize,
		final Attack attack, final double eps, final EpsUnit unit)
	{
		Engines.prepareThread();
		final Task<L> task = (Task<L>) model.task();
		final AttackTarget<L> target = new AttackTarget<>(model.block(), model.parameterStore(), task, false, model
			.normalization().validRange());
		MetricTable table = null;
		for (int from = 0; from < data.size(); from += batchSize) {
			final int[] pos = range(from, Math.min(data.size(), from + batchSize));
			try (NDManager m = model.manager().newSubManager()) {
				NDArray x = data.batch(m, pos);
				final List<L> labels = data.labels(pos);
				if (attack != null && eps > 0) {
					final NDList y = task.encodeLabels(m, labels, data.height(), data.width());
					final float[] abs = unit.toAbsolute(eps, attack.norm(), x.toFloatArray(), data.sampleSize(), target
						.validRange());
					x = attack.perturb(target, x, y, abs);
				}
				final MetricTable batch = task.metrics(model.forward(x, false), labels);
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
