package sc.fiji.amat.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import java.util.List;

import sc.fiji.amat.attack.AttackTarget;

/** One training mini-batch as a training method sees it. */
public final class Batch<L> {

	/** The model in training mode, for training-time attacks. */
	public final AttackTarget<L> target;
	/** Clean inputs, (N, C, H, W). */
	public final NDArray x;
	/** The labels encoded for the loss. */
	public final NDList y;
	/** The labels as the task reads them (for boundary tests and metrics). */
	public final List<L> labels;
	/** Stable sample ids, AMAT's key for per-sample margins. */
	public final int[] ids;

	public Batch(final AttackTarget<L> target, final NDArray x, final NDList y, final List<L> labels, final int[] ids) {
		this.target = target;
		this.x = x;
		this.y = y;
		this.labels = labels;
		this.ids = ids;
	}
}
