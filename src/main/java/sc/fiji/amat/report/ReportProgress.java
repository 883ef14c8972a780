package sc.fiji.amat.report;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.Durations;

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

	private final int attacks;
	private int attacksDone;

	/** @param batches the batches the test set makes (group by size group) */
	ReportProgress(final ReportListener listener, final ReportPlan plan, final List<SweepUnit> units,
		final int batches)
	{
		this.listener = listener;
		this.total = Math.max(cost(plan, units), 1e-9) * batches;
		// one line per model and attack: the clean unit and the attacks' levels are counted once
		this.attacks = (int) units.stream().map(u -> u.model + "\u0000" + u.attack).distinct().count();
	}

	/** The cost of units per batch, in forward + backward passes. */
	static double cost(final ReportPlan plan, final List<SweepUnit> units) {
		double cost = 0;
		for (final SweepUnit u : units) cost += u.isClean() ? GRADIENT_COST + CLEAN_COST : plan.cost(u.attack);
		return cost;
	}

	/**
	 * What the evaluation will cost, said before it starts: forward + backward passes per image
	 * and noise level for the evaluation's members, and in all for these units.
	 */
	static String costLine(final ReportPlan plan, final List<SweepUnit> units, final int images) {
		double perLevel = 0;
		for (final String a : plan.attacks.keySet()) perLevel += plan.settings.cost(a);
		final double all = cost(plan, units) * images;
		return String.format(Locale.ROOT, "cost: %.0f forward + backward passes per image and noise level (%s), " +
			"%.0f in all for %d unit(s)%s; the time left shows after the first batches", perLevel,
			plan.requested.attacks == null && plan.requested.preset != null ? plan.requested.preset.key() + " preset"
				: "custom attacks", all, units.size(), plan.checkedMember == null ? ""
					: " incl. the sanity checks' extra attacks");
	}

	/** One model's attack is done at every level: a line with the time left, for consoles and batch-mode logs. */
	void attackDone(final SweepUnit u) {
		attacksDone++;
		final double fraction = Math.min(1, done / total);
		final double elapsed = (System.nanoTime() - start) / 1e9;
		final double left = fraction > 0 ? elapsed * (1 - fraction) / fraction : Double.NaN;
		listener.message(String.format(Locale.ROOT, "%s: %s done (%d of %d), %.0f s so far, ~%s left", u.modelName,
			u.isClean() ? "clean evaluation and input gradients" : u.attack, attacksDone, attacks, elapsed, Durations.text(left)));
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
