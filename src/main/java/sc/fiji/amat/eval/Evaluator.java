package sc.fiji.amat.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackTarget;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Tiling;
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
		return evaluate(model, data, batchSize, null, null, null, null);
	}

	/**
	 * Metrics under an attack of size {@code eps} in {@code unit} under the attack's norm (null
	 * attack or eps 0: clean). Evaluation attacks run in evaluation mode with the parameters frozen.
	 */
	public static <L> MetricTable evaluate(final AmatModel model, final LabeledData<L> data, final int batchSize,
		final Attack attack, final double eps, final EpsUnit unit)
	{
		return evaluate(model, data, batchSize, attack, budget(attack, eps, unit), null, null);
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
	public static <L> MetricTable evaluate(final AmatModel model, final LabeledData<L> data, final int batchSize,
		final Attack attack, final double eps, final EpsUnit unit, final BatchListener listener)
	{
		return evaluate(model, data, batchSize, attack, budget(attack, eps, unit), listener, null);
	}

	/** As above, with a transfer (null: none). */
	public static <L> MetricTable evaluate(final AmatModel model, final LabeledData<L> data, final int batchSize,
		final Attack attack, final double eps, final EpsUnit unit, final BatchListener listener, final Transfer transfer)
	{
		return evaluate(model, data, batchSize, attack, budget(attack, eps, unit), listener, transfer);
	}

	private static NoiseBudget budget(final Attack attack, final double eps, final EpsUnit unit) {
		return attack == null ? null : NoiseBudget.of(eps, unit, attack.norm());
	}

	/** True for attacks that follow the input gradient (all but white noise). */
	public static boolean isGradientAttack(final Attack attack) {
		return attack != null && attack.followsGradient();
	}

	/**
	 * Refuses a gradient attack on a model that gives no gradients (an ONNX model): such a model
	 * can only meet white noise, or transfer attacks crafted on another model.
	 */
	public static void requireGradients(final AmatModel model, final Attack attack) {
		if (isGradientAttack(attack) && !model.hasInputGradients()) {
			throw new AmatException("The " + model.info().importedFormat + " model gives no gradients (ONNX Runtime " +
				"computes none), so " + attack.name() + " cannot attack it white-box: use white noise, or the Robustness " +
				"Report's transfer attacks crafted on a model with gradients (transfer_source).");
		}
	}

	/**
	 * Adversarial images crafted on another model (the source, which has gradients) and fed to the
	 * evaluated model: a transfer attack, not a white-box one. Both see the same test images, each
	 * through its own normalisation; the source's perturbation is carried over into the evaluated
	 * model's normalised units per image and channel (the ratio of the two normalisations' scales).
	 */
	public static final class Transfer {

		final AmatModel source;
		final LabeledData<?> sourceData;
		final double[] scaleRatio;

		/**
		 * @param source the model the attacks are crafted on
		 * @param sourceData the test images normalised for the source, in the evaluated data's order
		 * @param scaleRatio per image and channel (image-major): the evaluated model's normalisation
		 *          scale divided by the source's
		 */
		public Transfer(final AmatModel source, final LabeledData<?> sourceData, final double[] scaleRatio) {
			if (!source.hasInputGradients()) {
				throw new AmatException("The transfer source must be a model with gradients (an .amat.zip or TorchScript " +
					"model), not another " + source.info().importedFormat + " model.");
			}
			this.source = source;
			this.sourceData = sourceData;
			this.scaleRatio = scaleRatio.clone();
		}

		/** The adversarial batch for the evaluated model, in its normalised units, in x's manager. */
		@SuppressWarnings("unchecked")
		<L> NDArray perturb(final NDManager m, final int[] pos, final List<L> labels, final NDArray x,
			final Attack attack, final NoiseBudget budget, final float[] validRange, final Tiling tiling)
		{
			final Task<L> task = (Task<L>) source.task();
			final LabeledData<L> sd = (LabeledData<L>) sourceData;
			final AttackTarget<L> whole = new AttackTarget<>(source.block(), source.parameterStore(), task, false, source
				.normalization().validRange());
			final AttackTarget<L> target = tiling == null ? whole : whole.tiled(tiling, source.sizeMultiple());
			final NDArray xs = sd.batch(m, pos);
			final NDList ys = task.encodeLabels(m, labels, sd.height(), sd.width());
			final float[] abs = budget.toAbsolute(xs.toFloatArray(), sd.sampleSize(), target.validRange());
			final float[] delta = attack.perturb(target, xs, ys, abs).sub(xs).toFloatArray();
			final float[] out = x.toFloatArray();
			final int plane = sd.height() * sd.width(), channels = sd.channels();
			for (int i = 0; i < pos.length; i++) {
				for (int c = 0; c < channels; c++) {
					final double r = scaleRatio[pos[i] * channels + c];
					final int from = (i * channels + c) * plane;
					for (int p = from; p < from + plane; p++) {
						float v = (float) (out[p] + delta[p] * r);
						if (validRange != null) v = Math.max(validRange[0], Math.min(validRange[1], v));
						out[p] = v;
					}
				}
			}
			return m.create(out, x.getShape());
		}
	}

	/**
	 * Metrics under an attack within a noise budget under the attack's norm (null attack, null
	 * budget or a budget of 0: clean), with a listener (null: none); with a transfer (not null),
	 * gradient attacks are crafted on its source model and the evaluated model only sees their
	 * result, which is how models without gradients meet them.
	 */
	public static <L> MetricTable evaluate(final AmatModel model, final LabeledData<L> data, final int batchSize,
		final Attack attack, final NoiseBudget budget, final BatchListener listener, final Transfer transfer)
	{
		return evaluate(model, data, batchSize, attack, budget, listener, transfer, null);
	}

	/**
	 * As above, with a tiling (null: whole images): the network sees the images tile by tile, the
	 * output is the tiles' blended output and every attack runs through a tiled
	 * {@link AttackTarget} (its budget the whole image's), so memory is bounded by the batch's
	 * tiles, not its images.
	 */
	@SuppressWarnings("unchecked")
	public static <L> MetricTable evaluate(final AmatModel model, final LabeledData<L> data, final int batchSize,
		final Attack attack, final NoiseBudget budget, final BatchListener listener, final Transfer transfer,
		final Tiling tiling)
	{
		final boolean attacked = attack != null && budget != null && budget.value() > 0;
		if (attacked && budget.norm() != attack.norm()) {
			throw new IllegalArgumentException("A " + budget.normName() + " budget for a " + attack.norm() + " attack");
		}
		final boolean transferred = transfer != null && isGradientAttack(attack);
		if (!transferred) requireGradients(model, attack);
		Engines.prepareThread();
		final Task<L> task = (Task<L>) model.task();
		final AttackTarget<L> whole = new AttackTarget<>(model.block(), model.parameterStore(), task, false, model
			.normalization().validRange());
		final AttackTarget<L> target = tiling == null ? whole : whole.tiled(tiling, model.sizeMultiple());
		MetricTable table = null;
		for (int from = 0; from < data.size(); from += batchSize) {
			if (listener != null && listener.isCancelled()) throw new CancellationException("Evaluation cancelled");
			final int[] pos = range(from, Math.min(data.size(), from + batchSize));
			try (NDManager m = model.manager().newSubManager()) {
				final NDArray clean = data.batch(m, pos);
				NDArray x = clean;
				final List<L> labels = data.labels(pos);
				if (attacked) {
					final NDList y = task.encodeLabels(m, labels, data.height(), data.width());
					final float[] abs = budget.toAbsolute(x.toFloatArray(), data.sampleSize(), target.validRange());
					x = transferred ? transfer.perturb(m, pos, labels, x, attack, budget, target.validRange(), tiling)
						: attack.perturb(target, x, y, abs);
				}
				final NDList output = tiling == null ? model.forward(x, false) : target.forward(x);
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
