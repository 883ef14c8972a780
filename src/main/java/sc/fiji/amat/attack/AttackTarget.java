package sc.fiji.amat.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import java.util.List;

import sc.fiji.amat.task.AttackLoss;
import sc.fiji.amat.task.Task;

/**
 * What an attack needs of a model: the network, the task and the per-sample loss of it the
 * attack maximises (the training loss unless {@link #withLoss} chose another), whether the network runs in training mode (batch statistics; training-time attacks) or
 * evaluation mode (evaluation attacks), and the valid intensity range to clamp to, if any.
 */
public final class AttackTarget<L> {

	private final Block block;
	private final ParameterStore parameterStore;
	private final Task<L> task;
	private final boolean trainingMode;
	private final float[] validRange;
	private final AttackLoss attackLoss;

	public AttackTarget(final Block block, final ParameterStore parameterStore, final Task<L> task,
		final boolean trainingMode, final float[] validRange)
	{
		this(block, parameterStore, task, trainingMode, validRange, null);
	}

	private AttackTarget(final Block block, final ParameterStore parameterStore, final Task<L> task,
		final boolean trainingMode, final float[] validRange, final AttackLoss attackLoss)
	{
		this.block = block;
		this.parameterStore = parameterStore;
		this.task = task;
		this.trainingMode = trainingMode;
		this.validRange = validRange == null ? null : validRange.clone();
		this.attackLoss = attackLoss;
	}

	/** A copy whose attacks maximise {@code loss} (one of the task's {@link Task#attackLosses()}); null: the training loss. */
	public AttackTarget<L> withLoss(final AttackLoss loss) {
		return new AttackTarget<>(block, parameterStore, task, trainingMode, validRange, loss);
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

	public NDList forward(final NDArray x) {
		return block.forward(parameterStore, new NDList(x), trainingMode);
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
