package sc.fiji.amat.attack;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import java.util.List;

import sc.fiji.amat.task.AttackLoss;
import sc.fiji.amat.task.Task;

/**
 * What an attack needs of a model: the network, the task and the per-sample loss of it the
 * attack maximises (the training loss unless {@link #withLoss} chose another), whether the network runs in training mode (batch statistics; training-time attacks) or
 * evaluation mode (evaluation attacks), and the valid intensity range to clamp to, if any.
 * <p>
 * Attacks see the network only through {@link #forward} and {@link #gradient}, so a
 * {@link #tiled tiled} target runs every attack of the family on whole images of any size: its
 * forward pass is the tiles' blended output and its gradient the exact input gradient of the
 * loss on that output, computed tile by tile ({@link TiledPass}), so memory is bounded by a tile.
 * Its budgets are the attack's, per image: the whole image's noise.
 * </p>
 */
public final class AttackTarget<L> {

	private final Block block;
	private final ParameterStore parameterStore;
	private final Task<L> task;
	private final boolean trainingMode;
	private final float[] validRange;
	private final AttackLoss attackLoss;
	private final Tiling tiling;
	private final int multiple;

	public AttackTarget(final Block block, final ParameterStore parameterStore, final Task<L> task,
		final boolean trainingMode, final float[] validRange)
	{
		this(block, parameterStore, task, trainingMode, validRange, null, null, 0);
	}

	private AttackTarget(final Block block, final ParameterStore parameterStore, final Task<L> task,
		final boolean trainingMode, final float[] validRange, final AttackLoss attackLoss, final Tiling tiling,
		final int multiple)
	{
		this.block = block;
		this.parameterStore = parameterStore;
		this.task = task;
		this.trainingMode = trainingMode;
		this.validRange = validRange == null ? null : validRange.clone();
		this.attackLoss = attackLoss;
		this.tiling = tiling;
		this.multiple = multiple;
	}

	/** A copy whose attacks maximise {@code loss} (one of the task's {@link Task#attackLosses()}); null: the training loss. */
	public AttackTarget<L> withLoss(final AttackLoss loss) {
		return new AttackTarget<>(block, parameterStore, task, trainingMode, validRange, loss, tiling, multiple);
	}

	/**
	 * A copy that runs the network on whole images of any size tile by tile: {@link #forward}
	 * gives the blended output and {@link #gradient} the exact input gradient of the loss on it.
	 * Only in evaluation mode (in training mode batch statistics would differ per tile).
	 *
	 * @param multiple the network's size multiple (2^depth for a U-Net)
	 */
	public AttackTarget<L> tiled(final Tiling tiles, final int multiple) {
		if (trainingMode) throw new IllegalArgumentException("tiled inference runs in evaluation mode");
		return new AttackTarget<>(block, parameterStore, task, false, validRange, attackLoss, tiles, multiple);
	}

	/** The tiling of a {@link #tiled} target; null when the network sees whole images. */
	public Tiling tiling() {
		return tiling;
	}

	/** The loss attacks maximise; null for the task's training loss. */
	public AttackLoss attackLoss() {
		return attackLoss;
	}

	public Task<L> task() {
		return task;
	}

	public boolean trainingMode() {
		return trainingMode;
	}

	public float[] validRange() {
		return validRange == null ? null : validRange.clone();
	}

	/** The network's output on x; for a tiled target the tiles' blended output (no gradient through it). */
	public NDList forward(final NDArray x) {
		return tiling == null ? forwardWhole(x) : new NDList(TiledPass.predict(this, tiling, multiple, x));
	}

	/** The network on x as one input, even for a tiled target. */
	NDList forwardWhole(final NDArray x) {
		return block.forward(parameterStore, new NDList(x), trainingMode);
	}

	/**
	 * The output on x, the per-sample loss attacks maximise at that progress and the gradient of
	 * the loss's sum with respect to x, in one pass; call with the target {@link #freeze frozen}.
	 * Untiled, x (an array of the caller's) is set to require a gradient; the results belong to
	 * x's manager.
	 */
	public Gradient gradient(final NDArray x, final NDList y, final double progress) {
		if (tiling != null) return TiledPass.gradient(this, tiling, multiple, x, y, progress);
		x.setRequiresGradient(true);
		try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
			final NDList out = forwardWhole(x);
			final NDArray loss = loss(out, y, progress);
			gc.backward(loss.sum());
			return new Gradient(out, loss, x.getGradient());
		}
	}

	/** What {@link #gradient} gives: the output, the per-sample loss (N) and the input gradient. */
	public static final class Gradient {

		public final NDList output;
		public final NDArray loss;
		public final NDArray input;

		Gradient(final NDList output, final NDArray loss, final NDArray input) {
			this.output = output;
			this.loss = loss;
			this.input = input;
		}
	}

	/** Per-sample loss attacks maximise, shape (N), at the end of an attack (progress 1). */
	public NDArray loss(final NDList output, final NDList target) {
		return loss(output, target, 1);
	}

	/**
	 * Per-sample loss attacks maximise, shape (N), at iteration t of T (progress t / T): the
	 * chosen {@link AttackLoss}, or the task's training loss.
	 */
	public NDArray loss(final NDList output, final NDList target, final double progress) {
		return attackLoss == null ? task.loss(output, target) : attackLoss.loss(output, target, progress);
	}

	public float[][] boundaryQuantities(final NDList output, final List<L> labels) {
		return task.boundaryQuantities(output, labels);
	}

	/** Clamps x to the valid range, when there is one. */
	public NDArray clamp(final NDArray x) {
		return validRange == null ? x : x.clip(validRange[0], validRange[1]);
	}

	/**
	 * Freezes the network's parameters so that an attack's backward pass accumulates no
	 * gradient in them (PyTorch never zeroes them for us); closing unfreezes them again,
	 * except batch norm's running statistics, which are never trainable.
	 */
	public Frozen freeze() {
		block.freezeParameters(true);
		return () -> block.freezeParameters(false, p -> p.getType() != Parameter.Type.RUNNING_MEAN &&
			p.getType() != Parameter.Type.RUNNING_VAR);
	}

	/** Frozen parameters; closing unfreezes them. */
	@FunctionalInterface
	public interface Frozen extends AutoCloseable {

		@Override
		void close();
	}
}
