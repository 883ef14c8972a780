package sc.fiji.amat.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtSymbolBlock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.engine.Engines;

/**
 * Models users bring: a TorchScript module ({@code .pt}, {@code .torchscript}), run by DJL's
 * PyTorch engine with gradients (white-box attacks), or an ONNX model ({@code .onnx}, e.g.
 * exported from TensorFlow), run by ONNX Runtime without gradients (noise and transfer attacks
 * only); each with a {@link ModelDescription} beside it. Once loaded they are {@link AmatModel}s
 * of the task the description names, rebuilt through its task type, so attacks, evaluation and
 * the report treat them as any other model. Loading runs the model once on a small input and checks its
 * output against the description.
 */
public final class ImportedModels {

	public static final String TORCHSCRIPT = "TorchScript", ONNX = "ONNX";

	private static final List<String> TORCHSCRIPT_EXTENSIONS = Arrays.asList(".pt", ".pth", ".torchscript", ".ts",
		".jit");

	private ImportedModels() {}

	/** The format of a model file by its extension: {@link #TORCHSCRIPT}, {@link #ONNX}, or null for AMAT's own. */
	public static String format(final Path path) {
		final String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
		if (n.endsWith(".onnx")) return ONNX;
		for (final String e : TORCHSCRIPT_EXTENSIONS) {
			if (n.endsWith(e)) return TORCHSCRIPT;
		}
		return null;
	}

	/** True for a model a user brought: a TorchScript or ONNX file, or a bioimage.io package (zip or folder). */
	public static boolean isImported(final Path path) {
		return format(path) != null || BioimageIoPackage.isPackage(path);
	}

	/** What an imported model's description says, as a model file's info. */
	static ModelInfo info(final String format, final ModelDescription d) {
		final ModelInfo i = new ModelInfo();
		i.task = d.task;
		i.taskSpec = d.rebuilt.spec();
		i.inputChannels = d.inputChannels;
		i.inputHeight = d.height;
		i.inputWidth = d.width;
		i.normalization = d.normalization.toString();
		i.importedFormat = format;
		i.importedDescription = d.toString();
		i.training.method = format.toLowerCase(Locale.ROOT);
		return i;
	}

	/** What an imported model (file with its description, or bioimage.io package) says, without loading it. */
	static ModelInfo readInfo(final Path path) {
		if (BioimageIoPackage.isPackage(path)) {
			try (BioimageIoPackage p = BioimageIoPackage.open(path)) {
				return info(p.rdf.weightsFormat, ModelDescription.of(path, p.rdf.description));
			}
		}
		return info(format(path), ModelDescription.read(path));
	}

	/** Loads an imported model with its description; checks the task and the model's output. */
	static AmatModel load(final Path path, final String expectedTask, final Device device) {
		return load(path, expectedTask, device, null);
	}

	/**
	 * Loads an imported model; with {@code trainingInfo} (hardening) it must be TorchScript and
	 * its network is {@linkplain TorchScriptNetwork#trainable() trainable}, with that info.
	 */
	static AmatModel load(final Path path, final String expectedTask, final Device device,
		final ModelInfo trainingInfo)
	{
		if (BioimageIoPackage.isPackage(path)) {
			try (BioimageIoPackage p = BioimageIoPackage.open(path)) {
				return load(path, p.weights, p.rdf.weightsFormat, ModelDescription.of(path, p.rdf.description),
					expectedTask, device, trainingInfo, trainingInfo != null);
			}
		}
		if (!Files.isRegularFile(path)) throw new AmatException("The model file " + path + " does not exist.");
		return load(path, path, format(path), ModelDescription.read(path), expectedTask, device, trainingInfo,
			trainingInfo != null);
	}

	/**
	 * Loads the weights file {@code weights} of the model {@code path} names (the same file, a
	 * package's weights, or a model file's TorchScript extracted to a temporary file), with the
	 * given info (null: from the description), trainable (hardening) or not.
	 */
	static AmatModel load(final Path path, final Path weights, final String format, final ModelDescription d,
		final String expectedTask, final Device device, final ModelInfo given, final boolean trainable)
	{
		if (expectedTask != null && !expectedTask.equals(d.task)) {
			throw new AmatException("The model " + path + " is for " + d.task + ", not for " + expectedTask + ": choose a " +
				expectedTask + " model.");
		}
		if (trainable && !TORCHSCRIPT.equals(format)) {
			throw new AmatException("The model " + path.getFileName() + " has " + format + " weights, which cannot be " +
				"trained here: harden a TorchScript model (.pt, or a bioimage.io package with torchscript weights).");
		}
		final ModelInfo info = given != null ? given : info(format, d);
		info.importedFormat = format;
		info.importedDescription = d.toString();
		final AmatModel m = TORCHSCRIPT.equals(format) ? torchScript(path, weights, d, info, device,
			trainable) : onnx(path, weights, d, info, device);
		try {
			probe(m, path, d);
		}
		catch (final RuntimeException e) {
			m.close();
			throw e;
		}
		return m;
	}

	private static AmatModel torchScript(final Path path, final Path weights, final ModelDescription d,
		final ModelInfo info, final Device device, final boolean trainable)
	{
		Engines.pytorch();
		final Model model = Model.newInstance("imported-" + path.getFileName(), device, Engines.PYTORCH);
		try {
			// trainParam: DJL would otherwise load the weights as inference tensors, through which no
			// gradient flows (not even to the input); the weights are frozen again right below
			final Map<String, Object> options = new HashMap<>();
			options.put("trainParam", "true");
			model.load(weights, null, options);
			if (!(model.getBlock() instanceof PtSymbolBlock)) throw new MalformedModelException("no TorchScript module");
			model.getBlock().freezeParameters(!trainable);
		}
		catch (final IOException | MalformedModelException | RuntimeException e) {
			model.close();
			throw new AmatException("The file " + path + " is not a TorchScript model that PyTorch " + Engines.pytorch()
				.getVersion() + " can load (save it with torch.jit.script or torch.jit.trace, then torch.jit.save): " +
				firstLine(e) + ".", e);
		}
		final TorchScriptNetwork net = new TorchScriptNetwork(path, (PtSymbolBlock) model.getBlock(), d, trainable);
		// a trainer drives the model's block: for fine-tuning that is the network around the module
		if (trainable) model.setBlock(net);
		return new AmatModel(model, model.getNDManager(), net, d.rebuilt, info, net, null);
	}

	private static AmatModel onnx(final Path path, final Path weights, final ModelDescription d,
		final ModelInfo info, final Device device)
	{
		Engines.onnxRuntime();
		final Model model = Model.newInstance("imported-" + path.getFileName(), Device.cpu(), Engines.ONNX_RUNTIME);
		final Map<String, Object> options = new HashMap<>();
		final String threads = System.getProperty("ai.djl.pytorch.num_threads");
		if (threads != null) options.put("intraOpNumThreads", threads);
		options.put("interOpNumThreads", "1");
		try {
			model.load(weights, null, options);
		}
		catch (final IOException | MalformedModelException | RuntimeException e) {
			model.close();
			throw new AmatException("The file " + path + " is not an ONNX model that ONNX Runtime can load (export it " +
				"with tf2onnx or torch.onnx.export, opset 17 or lower): " + firstLine(e) + ".", e);
		}
		final NDManager pytorch = Engines.pytorch().newBaseManager(device);
		final OnnxNetwork net = new OnnxNetwork(path, model.getBlock(), model.getNDManager(), d);
		return new AmatModel(model, pytorch, net, d.rebuilt, info, net, pytorch);
	}

	/**
	 * Runs the model once on a blank input of a size its description allows (not square, so that
	 * swapped axes show) and checks the output's shape, and for probabilities that they sum to 1.
	 */
	private static void probe(final AmatModel m, final Path path, final ModelDescription d) {
		final ImportedNetwork net = (ImportedNetwork) m.block();
		final int k = d.outputChannels(), s = d.sizeMultiple;
		final int side = Math.max(16, d.minSize);
		final int h = d.height > 0 ? d.height : s * Math.max(1, (side + s - 1) / s), w = d.width > 0 ? d.width : h + s;
		final String name = path.getFileName().toString();
		try (NDManager sub = m.manager().newSubManager()) {
			final Shape inShape = new Shape(1, d.inputChannels, h, w);
			final NDArray raw;
			try {
				raw = net.run(net.toModelLayout(sub.zeros(inShape)));
			}
			catch (final AmatException e) {
				throw e;
			}
			catch (final RuntimeException e) {
				throw new AmatException("The model " + name + " fails on a " + shape(d.inputLayout == ModelDescription.Layout
					.NHWC ? new Shape(1, h, w, d.inputChannels) : inShape) + " input (" + d.inputChannels + " channel(s), " +
					d.inputLayout + ", as " + d.file.getFileName() + " states): " + firstLine(e) + ".", e);
			}
			final Shape out = raw.getShape();
			if (out.dimension() != 4) {
				throw new AmatException("The model " + name + " outputs an array of shape " + shape(out) + ", not maps " +
					"per pixel as a " + d.task + " model does (" + d.rebuilt.outputDescription() + "): it looks like a " +
					"model for another task (e.g. image classification).");
			}
			final boolean last = d.outputLayout == ModelDescription.Layout.NHWC;
			final Shape expected = last ? new Shape(1, h, w, k) : new Shape(1, k, h, w);
			if (!out.equals(expected)) {
				throw new AmatException("The model " + name + " outputs " + shape(out) + " for a " + h + "x" + w +
					" image, but " + d.file.getFileName() + " states " + d.rebuilt.outputDescription() + " in layout " +
					d.outputLayout + ", i.e. " + shape(expected) + ": fix its " + d.rebuilt.spec().keySet().iterator()
						.next() + " or output.layout.");
			}
			if (d.probabilities) {
				final float[] sums = raw.sum(new int[] { last ? 3 : 1 }).toFloatArray();
				for (final float v : sums) {
					if (!(Math.abs(v - 1) <= 1e-3)) {
						throw new AmatException("The outputs of " + name + " do not sum to 1 over the classes (one pixel: " +
							v + "), so they are not probabilities as " + d.file.getFileName() + " says: state " +
							"\"values\": \"logits\".");
					}
				}
			}
		}
	}

	private static String shape(final Shape s) {
		final StringBuilder b = new StringBuilder();
		for (int i = 0; i < s.dimension(); i++) b.append(i == 0 ? "" : " x ").append(s.get(i));
		return b.toString();
	}

	private static String firstLine(final Throwable e) {
		Throwable t = e;
		while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isEmpty())) t = t.getCause();
		final String m = String.valueOf(t.getMessage()).trim();
		final int nl = m.indexOf('\n');
		return nl < 0 ? m : m.substring(0, nl);
	}
}
