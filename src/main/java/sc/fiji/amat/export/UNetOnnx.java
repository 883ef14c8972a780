package sc.fiji.amat.export;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.nn.InstanceNorm;
import sc.fiji.amat.nn.PixelShuffle;
import sc.fiji.amat.nn.UNet;

/**
 * Writes the project's {@link UNet} (any depth and width, batch or instance norm, every task's
 * head: the last 1x1 convolution) as an ONNX graph with the network's exact arithmetic in
 * inference mode: Conv, BatchNormalization (running statistics), InstanceNormalization, Relu,
 * MaxPool, DepthToSpace and Concat. {@link PixelShuffle}'s channel order,
 * {@code out[c, 2i + a, 2j + b] = in[4c + 2a + b, i, j]}, is DepthToSpace's CRD mode (not its
 * default DCR). The graph's input is {@value #INPUT}, its output {@value #OUTPUT}: the raw maps
 * the task decodes (logits, offsets), the batch and spatial sizes symbolic.
 */
public final class UNetOnnx {

	public static final String INPUT = "input", OUTPUT = "output";
	/** InstanceNorm's epsilon, as in {@code sc.fiji.amat.nn.InstanceNorm}. */
	static final float INSTANCE_EPS = 1e-5f;

	private final OnnxGraph graph;
	private int tensors;

	private UNetOnnx(final OnnxGraph graph) {
		this.graph = graph;
	}

	/** The network's graph; an {@code AmatException} for a network that is not AMAT's U-Net. */
	public static OnnxGraph graph(final Block network, final int inputChannels, final int outputChannels) {
		if (!(network instanceof UNet)) {
			throw new AmatException("Only AMAT's own U-Net can be written as ONNX, not a " + network.getClass()
				.getSimpleName() + ".");
		}
		final Map<String, Block> c = children(network);
		int depth = 0;
		while (c.containsKey("down" + depth)) depth++;
		final UNetOnnx w = new UNetOnnx(new OnnxGraph("amat-unet"));
		String x = w.graph.input(INPUT, inputChannels);
		final List<String> skips = new ArrayList<>();
		for (int level = 0; level < depth; level++) {
			x = w.sequence(c.get("down" + level), x);
			skips.add(x);
			x = w.graph.node("MaxPool", new String[] { x }, OnnxGraph.ints("kernel_shape", 2, 2), OnnxGraph.ints(
				"strides", 2, 2));
		}
		x = w.sequence(c.get("bottom"), x);
		for (int i = 0; i < depth; i++) {
			final int level = depth - 1 - i;
			final String up = w.sequence(c.get("up" + level), x);
			x = w.graph.node("Concat", new String[] { skips.get(level), up }, OnnxGraph.integer("axis", 1));
			x = w.sequence(c.get("merge" + level), x);
		}
		final Conv2d head = (Conv2d) c.get("head");
		w.graph.node("Conv", with(x, w.convInputs(head)), OUTPUT, w.convAttrs(head));
		w.graph.output(OUTPUT, outputChannels);
		return w.graph;
	}

	/** A block's children by name, without DJL's numeric prefix ("01down0" -> "down0"). */
	private static Map<String, Block> children(final Block block) {
		final Map<String, Block> out = new LinkedHashMap<>();
		for (final Pair<String, Block> p : block.getChildren()) {
			out.put(p.getKey().replaceFirst("^\\d+", ""), p.getValue());
		}
		return out;
	}

	private String sequence(final Block block, final String in) {
		String x = in;
		for (final Pair<String, Block> p : ((SequentialBlock) block).getChildren()) {
			x = layer(p.getValue(), x);
		}
		return x;
	}

	private String layer(final Block b, final String x) {
		if (b instanceof Conv2d) return graph.node("Conv", with(x, convInputs((Conv2d) b)), convAttrs((Conv2d) b));
		if (b instanceof BatchNorm) {
			return graph.node("BatchNormalization", new String[] { x, param(b, "gamma"), param(b, "beta"), param(b,
				"runningMean"), param(b, "runningVar") }, OnnxGraph.real("epsilon", batchNormEpsilon((BatchNorm) b)));
		}
		if (b instanceof InstanceNorm) {
			return graph.node("InstanceNormalization", new String[] { x, param(b, "gamma"), param(b, "beta") }, OnnxGraph
				.real("epsilon", INSTANCE_EPS));
		}
		if (b instanceof PixelShuffle) {
			return graph.node("DepthToSpace", new String[] { x }, OnnxGraph.integer("blocksize", 2), OnnxGraph.text(
				"mode", "CRD"));
		}
		// the U-Net's only lambda blocks are its ReLUs (Activation.reluBlock)
		if (b instanceof LambdaBlock) return graph.node("Relu", new String[] { x });
		throw new AmatException("The network has a layer ONNX export does not know: " + b.getClass().getSimpleName() +
			".");
	}

	/** Conv's inputs after the data input: weight, and bias when the layer has one. */
	private String[] convInputs(final Conv2d conv) {
		final String wName = param(conv, "weight");
		return conv.isIncludeBias() ? new String[] { null, wName, param(conv, "bias") } : new String[] { null, wName };
	}

	private static String[] with(final String x, final String[] inputs) {
		inputs[0] = x;
		return inputs;
	}

	private OnnxGraph.Attr[] convAttrs(final Conv2d conv) {
		final long[] k = conv.getKernelShape().getShape(), s = conv.getStride().getShape();
		final long[] p = conv.getPadding().getShape(), d = conv.getDilation().getShape();
		return new OnnxGraph.Attr[] { OnnxGraph.ints("kernel_shape", k), OnnxGraph.ints("strides", s), OnnxGraph.ints(
			"pads", p[0], p[1], p[0], p[1]), OnnxGraph.ints("dilations", d), OnnxGraph.integer("group", conv.getGroups()) };
	}

	/** A parameter as an initializer, named by a counter and the parameter's name. */
	private String param(final Block b, final String name) {
		final Parameter p = b.getDirectParameters().get(name);
		if (p == null || !p.isInitialized()) {
			throw new AmatException("The network's " + b.getClass().getSimpleName() + " has no initialised '" + name +
				"': export a trained model.");
		}
		final NDArray a = p.getArray();
		return graph.initializer("p" + (++tensors) + "_" + name, a.toFloatArray(), a.getShape().getShape());
	}

	/** DJL keeps BatchNorm's epsilon private; the U-Net builds it with the default, 1e-5. */
	static float batchNormEpsilon(final BatchNorm bn) {
		try {
			final java.lang.reflect.Field f = BatchNorm.class.getDeclaredField("epsilon");
			f.setAccessible(true);
			return f.getFloat(bn);
		}
		catch (final ReflectiveOperationException | RuntimeException e) {
			return 1e-5f;
		}
	}
}
