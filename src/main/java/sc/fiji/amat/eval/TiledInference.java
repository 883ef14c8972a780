package sc.fiji.amat.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import java.util.ArrayList;
import java.util.List;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.AttackTarget;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.Pgd;
import sc.fiji.amat.attack.Tiling;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.Task;

/**
 * A network's prediction, input gradient and a PGD attack on whole images of any size, tile by
 * tile ({@link Tiling}): native memory is bounded by one tile's activations, not the image's.
 * Prediction and gradient are those of a {@link AttackTarget#tiled tiled attack target} (the
 * exact gradient of the loss on the blended output); with one budget per image the attack is
 * the family's {@link Pgd} on that target, as every attack of the family can run on it.
 */
public final class TiledInference<L> {

	private final AttackTarget<L> target;
	private final Tiling tiling;

	/**
	 * @param target the network in evaluation mode, its task and loss
	 * @param multiple the network's size multiple
	 */
	public TiledInference(final AttackTarget<L> target, final Tiling tiling, final int multiple) {
		this.target = target.tiled(tiling, multiple);
		this.tiling = tiling;
	}

	/** Tiled inference with a model in evaluation mode, attacked on its task's training loss. */
	public static <L> TiledInference<L> of(final AmatModel model, final Tiling tiling) {
		return new TiledInference<>(target(model), tiling, model.sizeMultiple());
	}

	/** The model in evaluation mode as an untiled attack target on its task's training loss. */
	@SuppressWarnings("unchecked")
	static <L> AttackTarget<L> target(final AmatModel model) {
		return new AttackTarget<>(model.block(), model.parameterStore(), (Task<L>) model.task(), false, model
			.normalization().validRange());
	}

	/** The tiled attack target: give it to any {@link sc.fiji.amat.attack.Attack} to attack whole images. */
	public AttackTarget<L> target() {
		return target;
	}

	/** The blended output (N, K, H, W) of images (N, C, H, W), on x's manager. */
	public NDArray predict(final NDArray x) {
		return target.forward(x).get(0);
	}

	/**
	 * The gradient with respect to x (N, C, H, W) of the sum over samples of the target's loss
	 * on the blended output, exact; on x's manager.
	 */
	public NDArray inputGradient(final NDArray x, final NDList labels) {
		try (AttackTarget.Frozen frozen = target.freeze()) {
			final AttackTarget.Gradient g = target.gradient(x, labels, 1);
			g.output.close();
			g.loss.close();
			return g.input;
		}
	}

	/** What a budget bounds: the whole image's noise, or the noise of each tile-sized block of it. */
	public enum Scope {
		/** One budget per image: its unit's rms or range over all of the image's values. */
		IMAGE,
		/**
		 * One budget per block of the image's grid of tile-sized blocks (disjoint, from the
		 * image's origin; the last ones smaller): each block's noise within the budget in the
		 * unit's terms over that block's values, so no part of a large image takes all the noise.
		 */
		TILE
	}

	/**
	 * PGD on whole images ({@code steps} steps of {@code alpha eps / steps}, from the clean image)
	 * under a budget per image or per tile-sized block ({@link Scope}); returns the adversarial
	 * images. With one block (an image no larger than a tile) both scopes are the same. One
	 * budget per image is the family's {@link Pgd} on the tiled target; budgets per block, which
	 * no attack of the family takes, are this class's own PGD steps on the blocks.
	 */
	public NDArray attack(final NDArray x, final NDList labels, final NoiseBudget budget, final Scope scope,
		final int steps, final float alpha)
	{
		if (steps < 1) throw new AmatException("A tiled attack needs at least 1 step, got " + steps + ".");
		if (scope == Scope.IMAGE) {
			final int n = (int) x.getShape().get(0);
			final float[] eps = budget.toAbsolute(x.toFloatArray(), (int) (x.size() / n), target.validRange());
			return new Pgd("pgd", budget.norm(), steps, alpha, false).perturb(target, x, labels, eps);
		}
		final int n = (int) x.getShape().get(0);
		final int h = (int) x.getShape().get(2), w = (int) x.getShape().get(3);
		final int bh = tiling.length(h), bw = tiling.length(w);
		final List<NDIndex> blocks = new ArrayList<>();
		final List<float[]> eps = new ArrayList<>();
		try (NDManager sub = x.getManager().newSubManager()) {
			for (int y0 = 0; y0 < h; y0 += bh) {
				for (int x0 = 0; x0 < w; x0 += bw) {
					final NDIndex at = at(y0, x0, Math.min(bh, h - y0), Math.min(bw, w - x0));
					final NDArray block = x.get(at);
					block.attach(sub);
					blocks.add(at);
					eps.add(budget.toAbsolute(block.toFloatArray(), (int) (block.size() / n), target.validRange()));
				}
			}
		}
		final Norm norm = budget.norm();
		final NDManager m = x.getManager();
		NDArray delta = x.zerosLike();
		for (int t = 0; t < steps; t++) {
			try (NDManager it = m.newSubManager()) {
				final NDArray xa = x.add(delta);
				xa.attach(it);
				final NDArray grad = inputGradient(xa, labels);
				grad.attach(it);
				final NDArray next = delta.duplicate();
				next.attach(it);
				for (int b = 0; b < blocks.size(); b++) {
					final NDArray e = it.create(eps.get(b));
					final NDArray g = grad.get(blocks.get(b)), d = delta.get(blocks.get(b));
					g.attach(it);
					d.attach(it);
					final NDArray step = norm.direction(g).mul(Norm.broadcast(e.mul(alpha / steps), g));
					next.set(blocks.get(b), norm.project(d.add(step), e));
				}
				final NDArray clamped = target.validRange() == null ? next : target.clamp(next.add(x)).sub(x);
				clamped.attach(m);
				delta.close();
				delta = clamped;
			}
		}
		final NDArray adversarial = x.add(delta);
		delta.close();
		return adversarial;
	}

	/** {@link #attack(NDArray, NDList, NoiseBudget, Scope, int, float)} with one budget per image. */
	public NDArray attack(final NDArray x, final NDList labels, final NoiseBudget budget, final int steps,
		final float alpha)
	{
		return attack(x, labels, budget, Scope.IMAGE, steps, alpha);
	}

	private static NDIndex at(final int y0, final int x0, final int th, final int tw) {
		return new NDIndex(":, :, {}:{}, {}:{}", y0, y0 + th, x0, x0 + tw);
	}
}
