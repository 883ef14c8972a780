package sc.fiji.amat.report;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.attack.AttackTarget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.Tiling;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.Task;

/**
 * The gradient of the task's loss with respect to the clean input, per test image, with the
 * model in evaluation mode and its parameters frozen, as every evaluation attack sees it. A
 * gradient that is exactly zero or not finite leaves gradient attacks blind: a sign of
 * gradient masking (or of a broken model), never of robustness.
 */
public final class InputGradients {

	/** Images looked at. */
	public final int n;
	/** Images whose input gradient is exactly zero. */
	public final int zero;
	/** Images whose input gradient has a NaN or infinite value. */
	public final int nonFinite;
	/** Median and smallest L2 norm of the finite gradients (NaN when none is). */
	public final double medianNorm, minNorm;

	public InputGradients(final int n, final int zero, final int nonFinite, final double medianNorm,
		final double minNorm)
	{
		this.n = n;
		this.zero = zero;
		this.nonFinite = nonFinite;
		this.medianNorm = medianNorm;
		this.minNorm = minNorm;
	}

	/** Measures the input gradients of a model on data, in batches. */
	public static <L> InputGradients of(final AmatModel model, final LabeledData<L> data, final int batchSize) {
		return of(model, data, batchSize, null);
	}

	/** As above, through tiles of whole images (null: the network sees whole images). */
	public static <L> InputGradients of(final AmatModel model, final LabeledData<L> data, final int batchSize,
		final Tiling tiling)
	{
		return of(model, java.util.Collections.singletonList(data), batchSize, tiling);
	}

	/**
	 * As above, over sets of one size each (a test set's size groups): the counts and the norms'
	 * median and minimum over all their images.
	 */
	@SuppressWarnings("unchecked")
	public static <L> InputGradients of(final AmatModel model, final List<LabeledData<L>> sets, final int batchSize,
		final Tiling tiling)
	{
		final Task<L> task = (Task<L>) model.task();
		final AttackTarget<L> whole = new AttackTarget<>(model.block(), model.parameterStore(), task, false, model
			.normalization().validRange());
		final AttackTarget<L> target = tiling == null ? whole : whole.tiled(tiling, model.sizeMultiple());
		int n = 0;
		for (final LabeledData<L> data : sets) n += data.size();
		final double[] norms = new double[n];
		int zero = 0, nonFinite = 0, finite = 0;
		try (AttackTarget.Frozen frozen = target.freeze()) {
			for (final LabeledData<L> data : sets) {
				for (int from = 0; from < data.size(); from += batchSize) {
					final int to = Math.min(data.size(), from + batchSize);
					final int[] pos = new int[to - from];
					for (int k = 0; k < pos.length; k++) pos[k] = from + k;
					try (NDManager m = model.manager().newSubManager()) {
						final NDArray x = data.batch(m, pos);
						final List<L> labels = data.labels(pos);
						final NDList y = task.encodeLabels(m, labels, data.height(), data.width());
						final NDArray g = target.gradient(x, y, 1).input;
						final float[] values = g.toFloatArray();
						final float[] norm = Norm.L2.of(g).toFloatArray();
						final int size = data.sampleSize();
						for (int i = 0; i < pos.length; i++) {
							boolean finiteValues = true, allZero = true;
							for (int k = i * size; k < (i + 1) * size; k++) {
								finiteValues &= Float.isFinite(values[k]);
								allZero &= values[k] == 0f;
							}
							if (!finiteValues) nonFinite++;
							else {
								if (allZero) zero++;
								norms[finite++] = norm[i];
							}
						}
					}
				}
			}
		}
		final double[] sorted = Arrays.copyOf(norms, finite);
		Arrays.sort(sorted);
		final double median = finite == 0 ? Double.NaN : finite % 2 == 1 ? sorted[finite / 2] : (sorted[finite / 2 - 1] +
			sorted[finite / 2]) / 2;
		return new InputGradients(n, zero, nonFinite, median, finite == 0 ? Double.NaN : sorted[0]);
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%d images: %d zero and %d non-finite input gradients, L2 norm median %.3g, " +
			"smallest %.3g", n, zero, nonFinite, medianNorm, minNorm);
	}
}
