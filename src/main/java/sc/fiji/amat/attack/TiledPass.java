package sc.fiji.amat.attack;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import sc.fiji.amat.AmatException;

/**
 * The forward pass and the exact input gradient of a tiled {@link AttackTarget}, tile by tile
 * ({@link Tiling}): native memory is bounded by one tile's activations and graph, not the image's.
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
final class TiledPass {

	private TiledPass() {}

	/** The blended output (N, K, H, W) of images (N, C, H, W), on x's manager. */
	static <L> NDArray predict(final AttackTarget<L> target, final Tiling tiling, final int multiple,
		final NDArray x)
	{
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
					final NDArray out = forward(target, xt, th, tw);
					if (acc == null) {
						acc = m.zeros(new Shape(x.getShape().get(0), out.getShape().get(1), h, w), out.getDataType(), out
							.getDevice());
					}
					final NDArray weighted = out.mul(weights(sub, tiling, y0, x0, h, w, out));
					final NDArray current = acc.get(at);
					current.attach(sub);
					acc.set(at, current.add(weighted));
				}
			}
		}
		try (NDManager sub = m.newSubManager()) {
			acc.divi(sum(sub, tiling, h, w, acc));
		}
		return acc;
	}

	/**
	 * The blended output, the per-sample loss on it at that progress and the exact gradient of
	 * the loss's sum with respect to x (see the class comment); all on x's manager.
	 */
	static <L> AttackTarget.Gradient gradient(final AttackTarget<L> target, final Tiling tiling, final int multiple,
		final NDArray x, final NDList labels, final double progress)
	{
		final NDManager m = x.getManager();
		final int h = (int) x.getShape().get(2), w = (int) x.getShape().get(3);
		final int th = tiling.length(h), tw = tiling.length(w);
		final NDArray gradient = x.zerosLike();
		final NDArray y = predict(target, tiling, multiple, x);
		final NDArray loss;
		try (NDManager outer = m.newSubManager()) {
			y.setRequiresGradient(true);
			try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
				loss = target.loss(new NDList(y), labels, progress);
				gc.backward(loss.sum());
			}
			// dL/dY divided by the sum of the weights: each tile's cotangent is this times its weights
			final NDArray dy = y.getGradient();
			dy.attach(outer);
			final NDArray cotangent = dy.div(sum(outer, tiling, h, w, y));
			cotangent.attach(outer);
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
							final NDArray out = forward(target, xt, th, tw);
							gc.backward(out.mul(ct.mul(weights(sub, tiling, y0, x0, h, w, out))).sum());
						}
						final NDArray current = gradient.get(at);
						current.attach(sub);
						gradient.set(at, current.add(xt.getGradient()));
					}
				}
			}
		}
		final NDArray output = y.stopGradient();
		y.close();
		return new AttackTarget.Gradient(new NDList(output), loss, gradient);
	}

	private static <L> NDArray forward(final AttackTarget<L> target, final NDArray tile, final int th, final int tw) {
		final NDArray out = target.forwardWhole(tile).get(0);
		if (out.getShape().dimension() != 4 || out.getShape().get(2) != th || out.getShape().get(3) != tw) {
			throw new AmatException("The " + target.task().type() + " network's output " + out.getShape() + " is not one " +
				"map per pixel of its " + tw + "x" + th + " input: tiled inference needs per-pixel outputs.");
		}
		return out;
	}

	private static NDArray weights(final NDManager m, final Tiling tiling, final int y0, final int x0, final int h,
		final int w, final NDArray like)
	{
		final int th = tiling.length(h), tw = tiling.length(w);
		return m.create(tiling.weights(y0, x0, h, w), new Shape(1, 1, th, tw)).toType(like.getDataType(), false)
			.toDevice(like.getDevice(), false);
	}

	/** The sum of all tiles' weights at each pixel, (1, 1, H, W). */
	private static NDArray sum(final NDManager m, final Tiling tiling, final int h, final int w, final NDArray like) {
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

	static NDIndex at(final int y0, final int x0, final int th, final int tw) {
		return new NDIndex(":, :, {}:{}, {}:{}", y0, y0 + th, x0, x0 + tw);
	}
}
