package sc.fiji.amat.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.List;

import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.attack.Tiling;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.Task;

/**
 * Per-image metrics of a model on labelled images of any size, clean or under a whole-image
 * PGD attack (one budget per image or per tile-sized block), by {@link TiledInference}: one image at a time, so memory is bounded by a tile
 * and one image's input and output. The rows are in the order of the sets and their images, as
 * {@link Evaluator}'s are for one set; the table carries the task's dataset metrics.
 */
public final class TiledEvaluation {

	private TiledEvaluation() {}

	/**
	 * @param sets labelled images, each set of one size (any size the tiling takes)
	 * @param budget the attack's budget; null for clean metrics
	 * @param scope what the budget bounds: each image's noise, or each tile-sized block's
	 * @param steps PGD steps (with a budget)
	 * @param alpha PGD's step factor: steps of {@code alpha eps / steps}
	 */
	@SuppressWarnings("unchecked")
	public static <L> MetricTable evaluate(final AmatModel model, final List<LabeledData<L>> sets, final Tiling tiling,
		final NoiseBudget budget, final TiledInference.Scope scope, final int steps, final float alpha)
	{
		Engines.prepareThread();
		final Task<L> task = (Task<L>) model.task();
		final TiledInference<L> tiled = TiledInference.of(model, tiling);
		MetricTable table = null;
		for (final LabeledData<L> set : sets) {
			for (int i = 0; i < set.size(); i++) {
				final int[] pos = { i };
				try (NDManager m = model.manager().newSubManager()) {
					NDArray x = set.batch(m, pos);
					final List<L> labels = set.labels(pos);
					if (budget != null && budget.value() > 0) {
						x = tiled.attack(x, task.encodeLabels(m, labels, set.height(), set.width()), budget, scope, steps,
							alpha);
					}
					final MetricTable rows = task.metrics(new NDList(tiled.predict(x)), labels);
					if (table == null) table = rows;
					else table.addAll(rows);
				}
			}
		}
		return table;
	}
}
