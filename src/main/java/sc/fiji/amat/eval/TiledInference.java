package sc.fiji.amat.eval;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import java.util.ArrayList;
import java.util.List;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.AttackTarget;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.Task;

/**
 * A network's prediction, input gradient and a PGD attack on whole images of any size, tile by
 * tile ({@link Tiling}): native memory is bounded by one tile's activations, not the image's.
 * <p>
 * The blended output is {@code Y = sum_t P_t(w_t f(x_t)) / sum_t P_t(w_t)} ({@code P_t} places a
 * tile in the image). The input gradient of a loss {@code L(Y)} is computed exactly by the chain
 * rule without holding every tile's graph: {@code dL/dY} once on the whole blended output (which
 * keeps losses that couple pixels, such as Dice, exact), then per tile one backward pass of
 * {@code f(x_t)} with the cotangent {@code w_t dL/dY / sum w} on the tile, its input gradient
 * added into the whole image's. (Back-propagating each tile's own loss instead would give the
 * gradient of another function, the sum of per-tile losses.) The network runs in evaluation
 * mode (batch norm's running statistics), where each tile's output depends on its pixels only;
 * instance norm normalises per tile, so its tiled output differs from the untiled one.
 * </p>
 */
public final class TiledInference<L> {

	private final AttackTarget<L> target;
	private final Tiling tiling;
	private final int multiple;

	/**
	 * @param target the network in evaluation mode, its task and loss
	 * @param multiple the network's size multiple
	 */
	public TiledInference(final AttackTarget<L> target, final Tiling tiling, final int multiple) {
		if (target.trainingMode()) throw new IllegalArgumentException("tiled inference runs in evaluation mode");
		this.target = target;
		this.tiling = tiling;
		this.multiple = multiple;
	}

	/** Tiled inference with a model in evaluation mode, attacked on its task's training loss. */
	@SuppressWarnings("unchecked")
	public static <L> TiledInference<L> of(final AmatModel model, final Tiling tiling) {
		return new TiledInference<>(new AttackTarget<>(model.block(), model.parameterStore(), (Task<L>) model.task(),
			false, model.normalization().validRange()), tiling, model.sizeMultiple());
	}

	/** The blended output (N, K, H, W) of images (N, C, H, W), on x's manager. */
	public NDArray predict(final NDArray x) {
		final NDManager m = x.getManager();
		final int h = (int) x.getShape().get(2), w = (int) x.getShape().get(3);
		tiling.check(h, w, multiple);
		final int th = tiling.length(h), tw = tiling.length(w);
		NDArray acc = null;
		for (final int y0 : tiling.starts(h)) {
			for (final int x0 : tiling.starts(w)) {
				try (NDManager sub = m.newSubManager()) {
					final NDIndex at = at(y0, x0, th, tw);
					final NDArray xt = x.get(at);
					xt.attach(sub);
					final NDArray out = forward(xt, th, tw);
					if (acc == null) {
						acc = m.zeros(new Shape(x.getShape().get(0), out.getShape().get(1), h, w), out.getDataType(), out
							.getDevice());
					}
					final NDArray weighted = out.mul(weights(sub, y0, x0, h, w, out));
					final NDArray current = acc.get(at);
					current.attach(sub);
					acc.set(at, current.add(weighted));
				}
			}
		}
		try (NDManager sub = m.newSubManager()) {
			acc.divi(sum(sub, h, w, acc));
		}
		return acc;
	}

	/**
	 * The gradient with respect to x (N, C, H, W) of the sum over samples of the target's loss
	 * on the blended output, exact (see the class comment); on x's manager.
	 */
	public NDArray inputGradient(final NDArray x, final NDList labels) {
		final NDManager m = x.getManager();
		final int h = (int) x.getShape().get(2), w = (int) x.getShape().get(3);
		final int th = tiling.length(h), tw = tiling.length(w);
		final NDArray gradient = x.zerosLike();
		try (NDManager outer = m.newSubManager(); AttackTarget.Frozen frozen = target.freeze()) {
			final NDArray y = predict(x);
			y.attach(outer);
			y.setRequiresGradient(true);
			try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
				gc.backward(target.loss(new NDList(y), labels).sum());
			}
			// dL/dY divided by the sum of the weights: each tile's cotangent is this times its weights
			final NDArray cotangent = y.getGradient().div(sum(outer, h, w, y));
			for (final int y0 : tiling.starts(h)) {
				for (final int x0 : tiling.starts(w)) {
					try (NDManager sub = outer.newSubManager()) {
						final NDIndex at = at(y0, x0, th, tw);
						final NDArray xt = x.get(at).duplicate();
						xt.attach(sub);
						xt.setRequiresGradient(true);
						final NDArray ct = cotangent.get(at);
						ct.attach(sub);
						try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
							final NDArray out = forward(xt, th, tw);
							gc.backward(out.mul(ct.mul(weights(sub, y0, x0, h, w, out))).sum());
						}
						final NDArray current = gradient.get(at);
						current.attach(sub);
						gradient.set(at, current.add(xt.getGradient()));
					}
				}
			}
		}
		return gradient;
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
	 * images. With one block (an image no larger than a tile) both scopes are the same.
	 */
	public NDArray attack(final NDArray x, final NDList labels, final NoiseBudget budget, final Scope scope,
		final int steps, final float alpha)
	{
		final int n = (int) x.getShape().get(0), c = (int) x.getShape().get(1);
		final int h = (int) x.getShape().get(2), w = (int) x.getShape().get(3);
		final int bh = scope == Scope.IMAGE ? h : tiling.length(h), bw = scope == Scope.IMAGE ? w : tiling.length(w);
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
		if (steps < 1) throw new AmatException("A tiled attack needs at least 1 step, got " + steps + ".");
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

	private NDArray forward(final NDArray tile, final int th, final int tw) {
		final NDArray out = target.forward(tile).get(0);
		if (out.getShape().dimension() != 4 || out.getShape().get(2) != th || out.getShape().get(3) != tw) {
			throw new AmatException("The " + target.task().type() + " network's output " + out.getShape() + " is not one " +
				"map per pixel of its " + tw + "x" + th + " input: tiled inference needs per-pixel outputs.");
		}
		return out;
	}

	private NDArray weights(final NDManager m, final int y0, final int x0, final int h, final int w,
		final NDArray like)
	{
		final int th = tiling.length(h), tw = tiling.length(w);
		return m.create(tiling.weights(y0, x0, h, w), new Shape(1, 1, th, tw)).toType(like.getDataType(), false)
			.toDevice(like.getDevice(), false);
	}

	/** The sum of all tiles' weights at each pixel, (1, 1, H, W). */
	private NDArray sum(final NDManager m, final int h, final int w, final NDArray like) {
		final float[] s = new float[h * w];
		final int th = tiling.length(h), tw = tiling.length(w);
		for (final int y0 : tiling.starts(h)) {
			for (final int x0 : tiling.starts(w)) {
				final float[] wt = tiling.weights(y0, x0, h, w);
				for (int y = 0; y < th; y++) {
					for (int x = 0; x < tw; x++) s[(y0 + y) * w + x0 + x] += wt[y * tw + x];
				}
			}
		}
		return m.create(s, new Shape(1, 1, h, w)).toType(like.getDataType(), false).toDevice(like.getDevice(), false);
	}

	private static NDIndex at(final int y0, final int x0, final int th, final int tw) {
		return new NDIndex(":, :, {}:{}, {}:{}", y0, y0 + th, x0, x0 + tw);
	}
}
