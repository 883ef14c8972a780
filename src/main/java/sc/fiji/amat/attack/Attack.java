package sc.fiji.amat.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A perturbation of a batch that tries to maximise the task's per-sample loss within a
 * per-sample noise budget. The network's parameters accumulate no gradient while it runs.
 */
public interface Attack {

	/** A short name: its {@link AttackType#key() key}, e.g. pgd, ifgsm, fgsm, noise. */
	String name();

	Norm norm();

	/** True for attacks that follow the input gradient, which a model without gradients cannot meet white-box. */
	default boolean followsGradient() {
		return true;
	}

	/**
	 * Returns the adversarial batch x + delta with ||delta_i|| <= eps[i] for every sample i, in
	 * absolute units of the normalised input, clamped to the target's valid range. The result
	 * belongs to x's manager.
	 */
	<L> NDArray perturb(AttackTarget<L> target, NDArray x, NDList y, float[] eps);
}
