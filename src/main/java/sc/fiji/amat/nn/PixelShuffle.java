package sc.fiji.amat.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Rearranges (N, 4C, H, W) into (N, C, 2H, 2W): out[n, c, 2i + a, 2j + b] = in[n, 4c + 2a + b, i, j].
 * After a 1x1 convolution to 4C channels this is exactly a 2x2 stride-2 transposed convolution.
 */
public final class PixelShuffle extends AbstractBlock {

	@Override
	protected NDList forwardInternal(final ParameterStore ps, final NDList inputs, final boolean training,
		final PairList<String, Object> params)
	{
		final NDArray x = inputs.singletonOrThrow();
		final long[] s = x.getShape().getShape();
		final long n = s[0], c = s[1] / 4, h = s[2], w = s[3];
		return new NDList(x.reshape(n, c, 2, 2, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(n, c, 2 * h, 2 * w));
	}

	@Override
	public Shape[] getOutputShapes(final Shape[] inputShapes) {
		final Shape s = inputShapes[0];
		return new Shape[] { new Shape(s.get(0), s.get(1) / 4, 2 * s.get(2), 2 * s.get(3)) };
	}
}
