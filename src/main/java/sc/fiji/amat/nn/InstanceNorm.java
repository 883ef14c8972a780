package sc.fiji.amat.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * Instance normalisation of NCHW inputs (per sample and channel over H and W) with a learned
 * per-channel scale and shift. DJL has no such block; this one uses only engine-neutral ops.
 */
public final class InstanceNorm extends AbstractBlock {

	private static final float EPS = 1e-5f;

	private final Parameter gamma;
	private final Parameter beta;

	public InstanceNorm() {
		super((byte) 1);
		gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
			.optInitializer(new ConstantInitializer(1f)).build());
		beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA)
			.optInitializer(new ConstantInitializer(0f)).build());
	}

	@Override
	protected void prepare(final Shape[] inputShapes) {
		final long c = inputShapes[0].get(1);
		gamma.setShape(new Shape(c));
		beta.setShape(new Shape(c));
	}

	@Override
	protected NDList forwardInternal(final ParameterStore ps, final NDList inputs, final boolean training,
		final PairList<String, Object> params)
	{
		final NDArray x = inputs.singletonOrThrow();
		final long n = x.getShape().get(0), c = x.getShape().get(1), h = x.getShape().get(2), w = x.getShape().get(3);
		final NDArray flat = x.reshape(n, c, h * w);
		final NDArray mean = flat.mean(new int[] { 2 }, true);
		final NDArray centred = flat.sub(mean);
		final NDArray var = centred.square().mean(new int[] { 2 }, true);
		final NDArray normed = centred.div(var.add(EPS).sqrt()).reshape(n, c, h, w);
		final NDArray g = ps.getValue(gamma, x.getDevice(), training).reshape(1, c, 1, 1);
		final NDArray b = ps.getValue(beta, x.getDevice(), training).reshape(1, c, 1, 1);
		return new NDList(normed.mul(g).add(b));
	}

	@Override
	public Shape[] getOutputShapes(final Shape[] inputShapes) {
		return inputShapes;
	}
}
