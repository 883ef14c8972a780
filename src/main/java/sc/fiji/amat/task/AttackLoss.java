package sc.fiji.amat.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * An objective an attack maximises on one task: the task's training loss, or another loss the
 * task offers ({@link Task#attackLosses()}), chosen by its {@link #key()}. It lives in the task
 * layer because each task defines its own; attacks read it through their target.
 */
public interface AttackLoss {

	/** The key of a task's own training loss. */
	String TRAINING = "loss";

	/** "loss" for the task's training loss; otherwise short kebab-case keys like "ce", "masked-ce", "segpgd", "cospgd", "js". */
	String key();

	/** One sentence for reports. */
	String description();

	/**
	 * Per-sample objective an attack maximises, shape (N), differentiable w.r.t. the output;
	 * progress = t / T in [0, 1] (iteration over total; SegPGD's schedule reads it).
	 */
	NDArray loss(NDList output, NDList target, double progress);

	/** The computation of an {@link AttackLoss}, for {@link #of}. */
	@FunctionalInterface
	interface Objective {

		NDArray loss(NDList output, NDList target, double progress);
	}

	/** An attack loss of that key and description computed by {@code objective}. */
	static AttackLoss of(final String key, final String description, final Objective objective) {
		return new AttackLoss() {

			@Override
			public String key() {
				return key;
			}

			@Override
			public String description() {
				return description;
			}

			@Override
			public NDArray loss(final NDList output, final NDList target, final double progress) {
				return objective.loss(output, target, progress);
			}

			@Override
			public String toString() {
				return key;
			}
		};
	}
}
