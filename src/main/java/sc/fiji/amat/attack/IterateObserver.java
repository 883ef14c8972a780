package sc.fiji.amat.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Sees every iterate of an iterative attack: iterate 0 is the start point, iterate T the final
 * one, so T steps give T + 1 calls. The output is the network's output on that iterate (already
 * computed for the gradient, so observing costs no extra forward pass except for the last).
 * Arrays are valid only during the call.
 */
@FunctionalInterface
public interface IterateObserver {

	void observe(int iterate, NDArray adversarial, NDList output);
}
