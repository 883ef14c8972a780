package sc.fiji.amat.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.AmatVersion;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.Tasks;

/**
 * A task's network with its weights on a device, and what the model file says about it. Closing
 * it frees its native memory.
 */
public final class AmatModel implements AutoCloseable {

	private final Model model;
	private final NDManager manager;
	private final Block block;
	private final Task<?> task;
	private final ModelInfo info;
	private final ParameterStore parameterStore;
	/** The network of a model a user brought (TorchScript, ONNX); null for AMAT's own. */
	private final ImportedNetwork imported;
	/** Closed with the model: the PyTorch manager beside an ONNX model; or null. */
	private final AutoCloseable extra;

	private AmatModel(final Model model, final Task<?> task, final ModelInfo info) {
		this(model, model.getNDManager(), model.getBlock(), task, info, null, null);
	}

	AmatModel(final Model model, final NDManager manager, final Block block, final Task<?> task, final ModelInfo info,
		final ImportedNetwork imported, final AutoCloseable extra)
	{
		this.model = model;
		this.manager = manager;
		this.block = block;
		this.task = task;
		this.info = info;
		this.imported = imported;
		this.extra = extra;
		this.parameterStore = new ParameterStore(manager, false);
	}

	/** A new, untrained model for a task: its network built and initialised for the info's input shape. */
	public static AmatModel create(final Task<?> task, final ModelInfo info, final Device device) {
		final Model model = newDjlModel(task, device);
		model.getBlock().setInitializer(weightInitializer(), Parameter.Type.WEIGHT);
		model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, inputShape(info, 1));
		return new AmatModel(model, task, info);
	}

	/** Wraps a DJL model whose block a trainer has already initialised. */
	public static AmatModel wrap(final Model model, final Task<?> task, final ModelInfo info) {
		return new AmatModel(model, task, info);
	}

	/** A DJL model holding a new network for the task, on the device, not yet initialised. */
	public static Model newDjlModel(final Task<?> task, final Device device) {
		Engines.pytorch();
		final Model model = Model.newInstance("amat-" + task.type(), device, Engines.PYTORCH);
		model.setBlock(task.newNetwork());
		return model;
	}

	/** He (Kaiming) normal initialisation for the weights of ReLU networks. */
	public static Initializer weightInitializer() {
		return new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2);
	}

	public static Shape inputShape(final ModelInfo info, final long batch) {
		return new Shape(batch, info.inputChannels, info.inputHeight, info.inputWidth);
	}

	/**
	 * Loads a model file for any task: AMAT's own ({@code .amat.zip}), a TorchScript or ONNX
	 * model with its JSON description beside it, or a bioimage.io model package, zip or folder
	 * ({@link ImportedModels}).
	 */
	public static AmatModel load(final Path path, final Device device) {
		return load(path, null, device);
	}

	/** Loads a model file and checks that it is for the expected task. */
	public static AmatModel load(final Path path, final String expectedTask, final Device device) {
		if (ImportedModels.isImported(path)) return ImportedModels.load(path, expectedTask, device);
		return load(ModelFile.read(path), path.toString(), expectedTask, device);
	}

	/** What a model file says about its model, without loading it; for imported models, what their description says. */
	public static ModelInfo readInfo(final Path path) {
		if (ImportedModels.isImported(path)) return ImportedModels.readInfo(path);
		return ModelFile.read(path).info();
	}

	static AmatModel load(final ModelFile file, final String where, final String expectedTask, final Device device) {
		final ModelInfo info = file.info();
		if (expectedTask != null && !expectedTask.equals(info.task)) {
			throw new AmatException("The model " + where + " is for " + info.task + ", not for " + expectedTask +
				": choose a " + expectedTask + " model.");
		}
		if (ImportedModels.TORCHSCRIPT.equals(info.weightsFormat)) {
			return HardenedModels.load(file, where, expectedTask, device);
		}
		final Task<?> task = Tasks.fromSpec(info.task, info.taskSpec, info.inputChannels, info.network);
		final AmatModel m = create(task, info, device);
		try {
			m.loadWeights(file.entry(ModelFile.WEIGHTS));
		}
		catch (final AmatException e) {
			m.close();
			throw new AmatException("The weights in " + where + " do not fit its network: the file is damaged.", e);
		}
		return m;
	}

	public Task<?> task() {
		return task;
	}

	public ModelInfo info() {
		return info;
	}

	public Block block() {
		return block;
	}

	public Model djlModel() {
		return model;
	}

	/** The PyTorch manager the model's inputs and outputs live in. */
	public NDManager manager() {
		return manager;
	}

	public Device device() {
		return manager.getDevice();
	}

	/** True for a TorchScript or ONNX model a user brought, false for a model AMAT trained. */
	public boolean isImported() {
		return imported != null;
	}

	/**
	 * True when gradients with respect to the input can be computed, so gradient attacks on the
	 * model are white-box; false for ONNX models, whose gradient attacks are transfer attacks.
	 */
	public boolean hasInputGradients() {
		return imported == null || imported.hasInputGradients();
	}

	/**
	 * A TorchScript model a user brought (file or bioimage.io package), loaded to be fine-tuned
	 * (hardened) for the task: its parameters are the module's, trainable, and it carries the
	 * given info (the training record). It must take the task's channels and output as many maps
	 * as the task's network does; its class or landmark names are its own.
	 */
	public static AmatModel forFineTuning(final Path path, final Task<?> task, final ModelInfo info,
		final Device device)
	{
		final AmatModel m = ImportedModels.load(path, task.type(), device, info);
		if (m.task.outputChannels() != task.outputChannels() || m.task.inputChannels() != task.inputChannels()) {
			m.close();
			throw new AmatException("The model " + path.getFileName() + " to fine-tune takes " + m.task.inputChannels() +
				" channel(s) and outputs " + m.task.outputDescription() + ", but the training data have " + task
					.inputChannels() + " channel(s) and need " + task.outputDescription() + ".");
		}
		final String own = m.imported.description.normalization.toString();
		if (info.normalization != null && !info.normalization.equals(own)) {
			m.close();
			throw new AmatException("The model " + path.getFileName() + " to fine-tune takes images normalised with " +
				own + ", but the training normalises them with " + info.normalization + ": choose " + own + ".");
		}
		// the model keeps its own names (classes, landmarks) from its description
		info.taskSpec = m.task.spec();
		return m;
	}

	/**
	 * The TorchScript network of a model a user brought (possibly fine-tuned here), whose
	 * {@link TorchScriptNetwork#save} writes it as a TorchScript file; null for other models.
	 */
	public TorchScriptNetwork torchScript() {
		return imported instanceof TorchScriptNetwork ? (TorchScriptNetwork) imported : null;
	}

	/** True for a TorchScript model being fine-tuned or fine-tuned here (its weights can be saved). */
	private boolean hardened() {
		return torchScript() != null && torchScript().trainable();
	}

	/** Image sides must be multiples of this. */
	public int sizeMultiple() {
		if (imported != null) return imported.description.sizeMultiple;
		return info.network == null ? 1 : info.network.sizeMultiple();
	}

	/**
	 * Checks that the model takes images of this size (sides a multiple of {@link #sizeMultiple},
	 * or the one size an imported model takes); {@code what} names the images in the message.
	 */
	public void checkImageSize(final int width, final int height, final String what) {
		if (imported != null && imported.description.width > 0 && (width != imported.description.width ||
			height != imported.description.height))
		{
			throw new AmatException(what + " are " + width + "x" + height + " pixels, but the model " + imported.file
				.getFileName() + " takes only " + imported.description.width + "x" + imported.description.height +
				" images: crop or scale them.");
		}
		if (imported != null && (width < imported.description.minSize || height < imported.description.minSize)) {
			throw new AmatException(what + " are " + width + "x" + height + " pixels, but the model " + imported.file
				.getFileName() + " takes sides of at least " + imported.description.minSize + " pixels: use larger images.");
		}
		final int m = sizeMultiple();
		if (width % m != 0 || height % m != 0) {
			throw new AmatException(what + " are " + width + "x" + height + " pixels; this model needs sides that are " +
				"multiples of " + m + ": crop or pad them (Image > Adjust > Canvas Size).");
		}
	}

	/** Throws a one-sentence error when the model cannot be trained or saved here (an imported model). */
	private void requireOwn(final String what) {
		if (imported != null && !hardened()) {
			throw new AmatException("The model " + imported.file.getFileName() + " was brought from outside AMAT (" +
				info.importedFormat + "): it can be attacked and evaluated, but not " + what + " here.");
		}
	}

	public Normalization normalization() {
		return Normalization.parse(info.normalization);
	}

	/** Runs the network; training=true uses batch statistics in batch norm (and updates them). */
	public NDList forward(final NDArray input, final boolean training) {
		return block.forward(parameterStore, new NDList(input), training);
	}

	public ParameterStore parameterStore() {
		return parameterStore;
	}

	/** The weights in DJL's parameter format. */
	public byte[] weights() {
		requireOwn("saved");
		return hardened() ? torchScript().parameterBytes() : weightsOf(model.getBlock());
	}

	public static byte[] weightsOf(final Block block) {
		final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			block.saveParameters(out);
		}
		catch (final IOException e) {
			throw new IllegalStateException(e);
		}
		return bytes.toByteArray();
	}

	/**
	 * Loads weights into the network in place: the values are copied into the existing arrays,
	 * so a trainer (whose parameter store holds those arrays) trains the loaded values.
	 */
	public void loadWeights(final byte[] weights) {
		requireOwn("given other weights");
		if (hardened()) {
			torchScript().loadParameterBytes(weights, manager);
			return;
		}
		final Block live = model.getBlock();
		try (NDManager scratch = model.getNDManager().newSubManager()) {
			final Block twin = task.newNetwork();
			twin.setInitializer(weightInitializer(), Parameter.Type.WEIGHT);
			twin.initialize(scratch, DataType.FLOAT32, inputShape(info, 1));
			try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(weights))) {
				twin.loadParameters(scratch, in);
			}
			catch (final IOException | MalformedModelException | RuntimeException e) {
				throw new AmatException("The weights do not fit the network: " + e.getMessage(), e);
			}
			final PairList<String, Parameter> to = live.getParameters(), from = twin.getParameters();
			for (int i = 0; i < to.size(); i++) {
				final NDArray src = from.get(i).getValue().getArray(), dst = to.get(i).getValue().getArray();
				if (!from.get(i).getKey().equals(to.get(i).getKey()) || !src.getShape().equals(dst.getShape())) {
					throw new AmatException("The weights do not fit the network: " + from.get(i).getKey() + " " + src
						.getShape() + " vs " + to.get(i).getKey() + " " + dst.getShape() + ".");
				}
				// copied inside PyTorch: NDArray.copyTo would point dst at a Java buffer instead
				try (NDArray view = dst.stopGradient()) {
					view.set(new ai.djl.ndarray.index.NDIndex("..."), src);
				}
			}
			twin.getParameters().forEach(p -> p.getValue().close());
		}
	}

	/** Saves info and weights atomically, plus any extra entries (checkpoints). */
	public void save(final Path path, final Map<String, byte[]> extra) {
		requireOwn("saved");
		info.libraryVersion = AmatVersion.library();
		info.formatVersion = ModelInfo.FORMAT_VERSION;
		if (hardened()) {
			HardenedModels.save(info, torchScript(), path, extra);
			return;
		}
		final Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put(ModelFile.WEIGHTS, weights());
		entries.putAll(extra);
		new ModelFile(info, entries).write(path);
	}

	public void save(final Path path) {
		save(path, new LinkedHashMap<>());
	}

	@Override
	public void close() {
		try {
			model.close();
		}
		finally {
			if (extra != null) {
				try {
					extra.close();
				}
				catch (final Exception e) {
					// native memory of a closed engine manager: nothing left to do
				}
			}
		}
	}
}
