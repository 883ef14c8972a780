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
	private final Task<?> task;
	private final ModelInfo info;
	private final ParameterStore parameterStore;

	private AmatModel(final Model model, final Task<?> task, final ModelInfo info) {
		this.model = model;
		this.task = task;
		this.info = info;
		this.parameterStore = new ParameterStore(model.getNDManager(), false);
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

	/** Loads a model file for any task. */
	public static AmatModel load(final Path path, final Device device) {
		return load(ModelFile.read(path), path.toString(), null, device);
	}

	/** Loads a model file and checks that it is for the expected task. */
	public static AmatModel load(final Path path, final String expectedTask, final Device device) {
		return load(ModelFile.read(path), path.toString(), expectedTask, device);
	}

	static AmatModel load(final ModelFile file, final String where, final String expectedTask, final Device device) {
		final ModelInfo info = file.info();
		if (expectedTask != null && !expectedTask.equals(info.task)) {
			throw new AmatException("The model " + where + " is for " + info.task + ", not for " + expectedTask +
				": choose a " + expectedTask + " model.");
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
		return model.getBlock();
	}

	public Model djlModel() {
		return model;
	}

	public NDManager manager() {
		return model.getNDManager();
	}

	public Device device() {
		return model.getNDManager().getDevice();
	}

	public Normalization normalization() {
		return Normalization.parse(info.normalization);
	}

	/** Runs the network; training=true uses batch statistics in batch norm (and updates them). */
	public NDList forward(final NDArray input, final boolean training) {
		return model.getBlock().forward(parameterStore, new NDList(input), training);
	}

	public ParameterStore parameterStore() {
		return parameterStore;
	}

	/** The weights in DJL's parameter format. */
	public byte[] weights() {
		return weightsOf(model.getBlock());
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
				src.copyTo(dst);
			}
			twin.getParameters().forEach(p -> p.getValue().close());
		}
	}

	/** Saves info and weights atomically, plus any extra entries (checkpoints). */
	public void save(final Path path, final Map<String, byte[]> extra) {
		info.libraryVersion = AmatVersion.library();
		info.formatVersion = ModelInfo.FORMAT_VERSION;
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
		model.close();
	}
}
