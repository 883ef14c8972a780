package sc.fiji.amat.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.List;

/**
 * A 2D U-Net from DJL's engine-neutral blocks: at each of {@code depth} levels two 3x3
 * convolutions with normalisation and ReLU, 2x2 max pooling down, and up again with a learned
 * 2x2 stride-2 up-convolution written as a 1x1 convolution to 4C channels and a pixel shuffle
 * (DJL's Conv2dTranspose is not implemented on PyTorch), skip connections by concatenation,
 * and a 1x1 convolution to {@code outputs} channels at the end. With {@link FiniteCheck} on, it
 * names the first layer whose output is not finite.
 */
public final class UNet extends AbstractBlock {

	private final int depth;
	private final List<Block> down = new ArrayList<>();
	private final List<Block> up = new ArrayList<>();
	private final List<Block> merge = new ArrayList<>();
	private final Block bottom;
	private final Block head;
	private final Block pool;
	private final int outputs;

	public UNet(final NetworkConfig config, final int outputs) {
		super((byte) 1);
		this.depth = config.depth();
		this.outputs = outputs;
		final int w = config.width();
		for (int level = 0; level < depth; level++) {
			down.add(addChildBlock("down" + level, doubleConv("down" + level, w << level, config.norm())));
		}
		pool = addChildBlock("pool", Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
		bottom = addChildBlock("bottom", doubleConv("bottom", w << depth, config.norm()));
		for (int level = depth - 1; level >= 0; level--) {
			up.add(addChildBlock("up" + level, upConv("up" + level, w << level)));
			merge.add(addChildBlock("merge" + level, doubleConv("merge" + level, w << level, config.norm())));
		}
		head = addChildBlock("head", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(outputs).build());
	}

	static Block norm(final NetworkConfig.Norm norm) {
		return norm == NetworkConfig.Norm.BATCH ? BatchNorm.builder().build() : new InstanceNorm();
	}

	static Block doubleConv(final String name, final int channels, final NetworkConfig.Norm norm) {
		final SequentialBlock b = new CheckedSequential(name);
		for (int i = 0; i < 2; i++) {
			b.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(channels)
				.optBias(false).build());
			b.add(norm(norm));
			b.add(Activation.reluBlock());
		}
		return b;
	}

	/** 2x2 stride-2 transposed convolution as a 1x1 convolution to 4C channels and a pixel shuffle. */
	static Block upConv(final String name, final int channels) {
		final SequentialBlock b = new CheckedSequential(name);
		b.add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(4 * channels).build());
		b.add(new PixelShuffle());
		return b;
	}

	@Override
	protected NDList forwardInternal(final ParameterStore ps, final NDList inputs, final boolean training,
		final PairList<String, Object> params)
	{
		NDList x = FiniteCheck.check(inputs, "the network's input");
		final List<NDArray> skips = new ArrayList<>(depth);
		for (int level = 0; level < depth; level++) {
			x = down.get(level).forward(ps, x, training);
			skips.add(x.singletonOrThrow());
			x = FiniteCheck.check(pool.forward(ps, x, training), "pool" + level);
		}
		x = bottom.forward(ps, x, training);
		for (int i = 0; i < depth; i++) {
			final NDArray skip = skips.get(depth - 1 - i);
			final NDArray upsampled = up.get(i).forward(ps, x, training).singletonOrThrow();
			x = merge.get(i).forward(ps, new NDList(NDArrays.concat(new NDList(skip, upsampled), 1)), training);
		}
		return FiniteCheck.check(head.forward(ps, x, training), "head");
	}

	@Override
	public Shape[] getOutputShapes(final Shape[] inputShapes) {
		final Shape s = inputShapes[0];
		return new Shape[] { new Shape(s.get(0), outputs, s.get(2), s.get(3)) };
	}

	@Override
	protected void initializeChildBlocks(final NDManager manager, final DataType dataType, final Shape... inputShapes) {
		Shape s = inputShapes[0];
		final long n = s.get(0);
		final List<Shape> skipShapes = new ArrayList<>();
		for (int level = 0; level < depth; level++) {
			down.get(level).initialize(manager, dataType, s);
			s = down.get(level).getOutputShapes(new Shape[] { s })[0];
			skipShapes.add(s);
			pool.initialize(manager, dataType, s);
			s = pool.getOutputShapes(new Shape[] { s })[0];
		}
		bottom.initialize(manager, dataType, s);
		s = bottom.getOutputShapes(new Shape[] { s })[0];
		for (int i = 0; i < depth; i++) {
			final Shape skip = skipShapes.get(depth - 1 - i);
			up.get(i).initialize(manager, dataType, s);
			final long upChannels = up.get(i).getOutputShapes(new Shape[] { s })[0].get(1);
			final Shape merged = new Shape(n, skip.get(1) + upChannels, skip.get(2), skip.get(3));
			merge.get(i).initialize(manager, dataType, merged);
			s = merge.get(i).getOutputShapes(new Shape[] { merged })[0];
		}
		head.initialize(manager, dataType, s);
	}
}
