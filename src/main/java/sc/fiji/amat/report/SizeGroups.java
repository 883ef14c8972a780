package sc.fiji.amat.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Tiling;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.MetricTable;

/**
 * A report's evaluation of a test set whose images may differ in size: group by size group
 * (no batch mixes sizes), the rows put back in test-set order, so that per-image values and
 * every aggregate (means, pooled counts, mAP over all images' detections) are what one
 * evaluation of all images would give. A test set of one size is one evaluation, as always.
 */
final class SizeGroups {

	private SizeGroups() {}

	/**
	 * Metrics of every size group, under an attack within a budget (null: clean), the random
	 * generator seeded with {@code seed} (null: not) before each group, so that a group gives
	 * what it gives evaluated alone.
	 *
	 * @param listeners the batch listener of a group, given its examples keyed by position in the group
	 * @param transfers per group (null: none)
	 */
	static MetricTable evaluate(final AmatModel model, final TestSet<?> test, final List<? extends LabeledData<?>> groups,
		final int batchSize, final Attack attack, final NoiseBudget budget, final Map<Integer, Example> examples,
		final Function<Map<Integer, Example>, Evaluator.BatchListener> listeners, final List<Evaluator.Transfer> transfers,
		final Tiling tiling, final Integer seed)
	{
		final List<MetricTable> tables = new ArrayList<>();
		for (int g = 0; g < groups.size(); g++) {
			if (seed != null) Engines.pytorch().setRandomSeed(seed);
			tables.add(Evaluator.evaluate(model, groups.get(g), batchSize, attack, budget, listeners.apply(examples(test, g,
				examples)), transfers == null ? null : transfers.get(g), tiling));
		}
		return merge(test, tables);
	}

	/** The tables of the size groups as one table of the test set's images in order (a single group's as it is). */
	static MetricTable merge(final TestSet<?> test, final List<MetricTable> tables) {
		if (tables.size() == 1) return tables.get(0);
		final MetricTable out = tables.get(0).emptyCopy();
		for (int i = 0; i < test.size(); i++) out.addRow(tables.get(test.groupOf(i)), test.indexInGroup(i));
		return out;
	}

	/** The examples of group g, keyed by their position in the group. */
	static Map<Integer, Example> examples(final TestSet<?> test, final int group, final Map<Integer, Example> examples) {
		final Map<Integer, Example> out = new LinkedHashMap<>();
		for (final Map.Entry<Integer, Example> e : examples.entrySet()) {
			if (test.groupOf(e.getKey()) == group) out.put(test.indexInGroup(e.getKey()), e.getValue());
		}
		return out;
	}

	/** The mean absolute size of a budget over the images of all groups. */
	static double meanAbsolute(final NoiseBudget budget, final List<? extends LabeledData<?>> groups,
		final float[] validRange)
	{
		if (groups.size() == 1) return budget.meanAbsolute(groups.get(0), validRange);
		double sum = 0;
		int n = 0;
		for (final LabeledData<?> d : groups) {
			sum += budget.meanAbsolute(d, validRange) * d.size();
			n += d.size();
		}
		return sum / n;
	}
}
