package sc.fiji.amat.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/** One objective an attack can maximise, offered by a task ({@link Task#attackLosses()}). */
public interface AttackLoss {

	/** The key of a task's own training loss. */
	String TRAINING = "loss";

	/** "loss" for the task's training loss; otherwise a short kebab-case key: "ce", "masked-ce", ... */
	String key();

	/** One sentence for reports. */
	String description();

	/**
	 * Per-sample objective, shape (N), differentiable with respect to the output; progress = t / T
	 * in [0, 1], the attack's iteration over its total.
	 */
	NDArray loss(NDList output, NDList target, double progress);
}
