package sc.fiji.amat.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.nio.file.Files;
import java.util.Random;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.data.PatchSampler;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.nn.MemoryEstimate;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ImportedModels;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.task.Task;

/**
 * The one training loop for every task and method, on DJL's {@link Trainer}: seeded shuffling
 * and initialisation, a validation split with best-model selection, progress and cancellation
 * through a {@link TrainingListener}, one native-memory scope per step, and checkpoints after
 * every epoch from which {@link TrainingSettings#checkpoint a resumed run} continues exactly.
 */
public final class ModelTrainer<L> {

	private final Task<L> task;
	private final LabeledData<L> data;
	private final Normalization normalization;
	private final TrainingSettings settings;
	private final TrainingMethod method;
	private final TrainingListener listener;

	public ModelTrainer(final Task<L> task, final LabeledData<L> data, final Normalization normalization,
		final TrainingSettings settings, final TrainingMethod method, final TrainingListener listener)
	{
		this.task = task;
		this.data = data;
		this.normalization = normalization;
		this.settings = settings.check();
		this.method = method;
		this.listener = listener == null ? new TrainingListener() {} : listener;
		if (data.channels() != task.inputChannels()) {
			throw new AmatException("The images have " + data.channels() + " channel(s) but the task expects " +
				task.inputChannels() + ".");
		}
		task.checkLabels(data);
		if (settings.patches != null && (settings.patches.size() != data.size() || settings.patches.patchSize() != data
			.height() || settings.patches.patchSize() != data.width()))
		{
			throw new IllegalArgumentException("with patches, the data must be the sampler's fixed patches");
		}
	}

	/**
	 * Splits off the validation set of independent images: a seeded shuffle, the first part
	 * validates. Slices of volumes split by volume ({@link ValidationSplit}).
	 */
	static int[][] split(final int n, final double fraction, final long seed) {
		final int[] order = permutation(n, new Random(seed));
		int nVal = (int) Math.round(n * fraction);
		if (fraction > 0 && nVal == 0 && n > 1) nVal = 1;
		if (nVal >= n) nVal = n - 1;
		final int[] val = new int[nVal], train = new int[n - nVal];
		System.arraycopy(order, 0, val, 0, nVal);
		System.arraycopy(order, nVal, train, 0, n - nVal);
		java.util.Arrays.sort(val);
		java.util.Arrays.sort(train);
		return new int[][] { train, val };
	}

	static int[] permutation(final int n, final Random random) {
		final int[] p = new int[n];
		for (int i = 0; i < n; i++) p[i] = i;
		for (int i = n - 1; i > 0; i--) {
			final int j = random.nextInt(i + 1);
			final int t = p[i];
			p[i] = p[j];
			p[j] = t;
		}
		return p;
	}

	/** Trains (or resumes from the checkpoint when it exists and resume is asked) and returns the best model. */
	public AmatModel train() {
		return run(settings.resume && settings.checkpoint != null && Files.exists(settings.checkpoint));
	}

	/** Continues from {@link TrainingSettings#checkpoint}, which must exist. */
	public AmatModel resume() {
		if (settings.checkpoint == null || !Files.exists(settings.checkpoint)) {
			throw new AmatException("There is no checkpoint to resume from" + (settings.checkpoint == null ? "" : " at " +
				settings.checkpoint) + ".");
		}
		return run(true);
	}

	private AmatModel run(final boolean resume) {
		Engines.prepareThread();
		final Device[] devices = Engines.devices(settings.device);
		final ValidationSplit split = ValidationSplit.of(data, settings.validationFraction, settings.seed);
		final LabeledData<L> train = data.subset(split.training);
		final LabeledData<L> val = split.validation.length == 0 ? null : data.subset(split.validation);
		final ModelInfo info = newInfo(train.size(), val == null ? 0 : val.size());
		info.training.validationVolumes = split.validationVolumes;
		checkMemory(train.size(), devices);
		final TrainingSession<L> session = open(info, devices);
		try (Trainer trainer = session.trainer) {
			final Checkpoint.Progress progress;
			if (resume) {
				progress = Checkpoint.read(settings.checkpoint, info, session.amatModel, session.optimizer, session.model
					.getNDManager(), method);
				info.training.bestEpoch = progress.bestEpoch;
				listener.message("resumed from " + settings.checkpoint + " after epoch " + progress.epochsCompleted);
			}
			else {
				progress = new Checkpoint.Progress();
				if (settings.warmStart != null && !hardening()) warmStart(session.amatModel);
				method.begin(train.ids(range(train.size())));
			}
			final int stepsPerEpoch = (train.size() + settings.batchSize - 1) / settings.batchSize;
			listener.started(settings.epochs, stepsPerEpoch, train.size(), val == null ? 0 : val.size(), describe());
			if (split.note != null) listener.message(split.note);
			final long startNanos = System.nanoTime();
			for (int epoch = progress.epochsCompleted + 1, run = 0; epoch <= settings.epochs; epoch++, run++) {
				final long epochStart = System.nanoTime();
				final double loss = runEpoch(session, epochData(train, split.training, epoch), epoch, startNanos, run);
				if (Double.isInfinite(loss)) {
					listener.message("cancelled in epoch " + epoch + ": keeping the best model of the epochs completed");
					break;
				}
				method.endEpoch(epoch);
				final double metric = val == null ? Double.NaN : Evaluator.evaluate(session.amatModel, val, settings
					.batchSize).primaryValue();
				final boolean improved = settings.keepLastEpoch || val == null || progress.best == null ||
					metric > progress.bestValue || Double.isNaN(progress.bestValue) && !Double.isNaN(metric);
				if (improved) {
					progress.best = session.amatModel.weights();
					progress.bestValue = metric;
					progress.bestEpoch = info.training.bestEpoch = epoch;
				}
				final double seconds = (System.nanoTime() - epochStart) / 1e9;
				final double left = (System.nanoTime() - startNanos) / 1e9 / (run + 1) * (settings.epochs - epoch);
				record(progress.history, "loss", loss);
				record(progress.history, "validation", metric);
				record(progress.history, "seconds", seconds);
				progress.epochsCompleted = info.training.epochsCompleted = epoch;
				info.training.methodState = method.state();
				info.training.history = progress.history;
				listener.epochEnded(new TrainingListener.EpochSummary(epoch, settings.epochs, loss, task.metricName(),
					metric, improved, seconds, left, method.statistics()));
				if (settings.checkpoint != null) {
					Checkpoint.write(settings.checkpoint, session.amatModel, session.optimizer, progress);
				}
			}
			if (progress.best == null) {
				throw new AmatException("Training was cancelled before the first epoch ended: no model was saved.");
			}
			session.amatModel.loadWeights(progress.best);
			info.training.validationValue = progress.bestValue;
			info.training.methodState = method.state();
			info.training.history = progress.history;
			return session.amatModel;
		}
		catch (final RuntimeException e) {
			session.model.close();
			throw e;
		}
	}

	/** The training samples of an epoch: the training set, or a new patch of each of its images. */
	@SuppressWarnings("unchecked")
	private LabeledData<L> epochData(final LabeledData<L> train, final int[] images, final int epoch) {
		if (settings.patches == null) return train;
		return ((PatchSampler<L>) settings.patches).sample(images, settings.seed, epoch);
	}

	/**
	 * The steps of one epoch; returns the mean loss of the steps that were not skipped (NaN when
	 * all were), or infinity when the listener cancelled.
	 */
	private double runEpoch(final TrainingSession<L> session, final LabeledData<L> train, final int epoch,
		final long startNanos, final int epochsRun)
	{
		method.startEpoch(epoch);
		final Engine engine = Engines.pytorch();
		final int stepsPerEpoch = (train.size() + settings.batchSize - 1) / settings.batchSize;
		final int[] order = permutation(train.size(), new Random(settings.seed * 1_000_003L + epoch));
		double lossSum = 0;
		int steps = 0, skipped = 0;
		for (int s = 0; s < stepsPerEpoch; s++) {
			final int from = s * settings.batchSize, to = Math.min(train.size(), from + settings.batchSize);
			engine.setRandomSeed((int) (settings.seed * 31 + epoch * 100_003L + s));
			final float loss = session.step(train, java.util.Arrays.copyOfRange(order, from, to));
			if (Float.isFinite(loss)) lossSum += loss;
			else skipped++;
			steps++;
			final double perStep = (System.nanoTime() - startNanos) / 1e9 / (epochsRun * stepsPerEpoch + steps);
			listener.step(epoch, s + 1, stepsPerEpoch, loss, perStep * ((settings.epochs - epoch + 1) * stepsPerEpoch -
				steps));
			if (listener.isCancelled()) return Double.POSITIVE_INFINITY;
		}
		if (skipped > 0) {
			listener.message(String.format(java.util.Locale.ROOT, "epoch %d: %d of %d steps skipped (loss or gradients " +
				"not finite)", epoch, skipped, steps));
		}
		return steps > skipped ? lossSum / (steps - skipped) : Double.NaN;
	}

	/**
	 * True when training fine-tunes (hardens) a model a user brought: the warm start is a
	 * TorchScript model or a bioimage.io package with TorchScript weights.
	 */
	private boolean hardening() {
		return settings.warmStart != null && ImportedModels.isImported(settings.warmStart);
	}

	/**
	 * Builds the network (seeded initialisation; or the TorchScript model to harden, its weights
	 * trainable) and its trainer on the devices (the first holds the model).
	 */
	TrainingSession<L> open(final ModelInfo info, final Device... devices) {
		Engines.pytorch().setRandomSeed((int) settings.seed);
		final AmatModel start;
		if (hardening()) {
			if (devices.length > 1) {
				throw new AmatException("A model brought from outside AMAT (" + settings.warmStart.getFileName() + ") is " +
					"fine-tuned on one device: choose one GPU or the CPU.");
			}
			info.network = null;
			start = AmatModel.forFineTuning(settings.warmStart, task, info, devices[0]);
			listener.message("fine-tuning (hardening) " + settings.warmStart + " (" + info.importedDescription + ")");
		}
		else start = null;
		final Model model = start != null ? start.djlModel() : AmatModel.newDjlModel(task, devices[0]);
		try {
			final StatefulOptimizer optimizer = new StatefulOptimizer(settings.optimizer, settings.learningRate);
			final DefaultTrainingConfig config = new DefaultTrainingConfig(new TaskLoss<>(task)).optOptimizer(optimizer)
				.optDevices(devices).optInitializer(AmatModel.weightInitializer(), Parameter.Type.WEIGHT);
			final Trainer trainer = model.newTrainer(config);
			trainer.initialize(new Shape(settings.batchSize, data.channels(), data.height(), data.width()));
			optimizer.bindNames(model.getBlock());
			return new TrainingSession<>(model, trainer, optimizer, start != null ? start : AmatModel.wrap(model, task,
				info), devices,
				settings.splits, task, method, normalization.validRange());
		}
		catch (final RuntimeException e) {
			model.close();
			throw e;
		}
	}

	/**
	 * Refuses a batch whose estimated memory is over what the first device has available, suggesting
	 * a batch size that fits (see {@link MemoryEstimate}).
	 */
	private void checkMemory(final int trainingSize, final Device[] devices) {
		final int batch = Math.min(settings.batchSize, trainingSize);
		final int perDevice = (batch + devices.length - 1) / devices.length;
		final MemoryEstimate.Use use = method.adversarialWeight() > 0 ? MemoryEstimate.Use.ADVERSARIAL_TRAINING
			: MemoryEstimate.Use.TRAINING;
		new MemoryEstimate(task.network(), data.channels(), task.outputChannels()).check(use, perDevice, data.height(), data
			.width(), devices[0], "the batch size");
	}

	/** A session for benchmarks: the whole data set trains, nothing validates. */
	TrainingSession<L> openForBenchmark() {
		return open(newInfo(data.size(), 0), Engines.devices(settings.device));
	}

	private void warmStart(final AmatModel model) {
		try (AmatModel from = AmatModel.load(settings.warmStart, task.type(), Engines.devices(settings.device)[0])) {
			if (!from.info().network.toString().equals(task.network().toString()) || from.info().inputChannels != task
				.inputChannels() || !from.task().spec().equals(task.spec()))
			{
				throw new AmatException("The warm-start model " + settings.warmStart + " has another network or classes (" +
					from.info().network + ", " + from.task().spec() + ") than this training (" + task.network() + ", " +
					task.spec() + ").");
			}
			model.loadWeights(from.weights());
			listener.message("warm start from " + settings.warmStart);
		}
	}

	private ModelInfo newInfo(final int trainingSize, final int validationSize) {
		final ModelInfo info = new ModelInfo();
		info.task = task.type();
		info.taskSpec = task.spec();
		info.network = task.network();
		info.inputChannels = data.channels();
		info.inputHeight = data.height();
		info.inputWidth = data.width();
		info.normalization = normalization.toString();
		info.training.method = method.name();
		info.training.parameters = method.parameters();
		info.training.optimizer = settings.optimizer.name().toLowerCase(java.util.Locale.ROOT);
		info.training.learningRate = settings.learningRate;
		info.training.epochs = settings.epochs;
		info.training.batchSize = settings.batchSize;
		info.training.seed = settings.seed;
		info.training.trainingSize = trainingSize;
		info.training.validationSize = validationSize;
		info.training.validationMetric = task.metricName();
		return info;
	}

	private String describe() {
		return task.type() + " with " + method.name() + " training (" + task.network() + ")";
	}

	private static void record(final JsonObject history, final String key, final double value) {
		if (!history.has(key)) history.add(key, new JsonArray());
		history.getAsJsonArray(key).add(Double.isNaN(value) ? null : value);
	}

	private static int[] range(final int n) {
		final int[] r = new int[n];
		for (int i = 0; i < n; i++) r[i] = i;
		return r;
	}

	/** Adapts a task's per-sample loss to DJL's Loss, which the Trainer insists on having. */
	private static final class TaskLoss<L> extends Loss {

		private final Task<L> task;

		TaskLoss(final Task<L> task) {
			super(task.type() + " loss");
			this.task = task;
		}

		@Override
		public NDArray evaluate(final NDList labels, final NDList predictions) {
			return task.loss(predictions, labels).mean();
		}
	}
}
