package sc.fiji.amat.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.AttackTarget;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ModelFile;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.Task;

/**
 * The one training loop for every task and method, on DJL's {@link Trainer}: seeded shuffling
 * and initialisation, a validation split with best-model selection, progress and cancellation
 * through a {@link TrainingListener}, one native-memory scope per step, and checkpoints after
 * every epoch from which {@link TrainingSettings#checkpoint a resumed run} continues exactly.
 */
public final class ModelTrainer<L> {

	private static final String CK_OPTIMIZER = "checkpoint/optimizer.bin";
	private static final String CK_BEST = "checkpoint/best-weights.params";
	private static final String CK_STATE = "checkpoint/state.json";

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
	}

	/** Splits off the validation set: a seeded shuffle, the first part validates. */
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
		return run(false);
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
		final Engine engine = Engines.pytorch();
		final int[][] split = split(data.size(), settings.validationFraction, settings.seed);
		final LabeledData<L> train = data.subset(split[0]);
		final LabeledData<L> val = split[1].length == 0 ? null : data.subset(split[1]);
		final int stepsPerEpoch = (train.size() + settings.batchSize - 1) / settings.batchSize;

		final ModelInfo info = newInfo(train.size(), val == null ? 0 : val.size());
		final Session session = open(info, devices);
		final Model model = session.model;
		final StatefulOptimizer optimizer = session.optimizer;
		final AmatModel result;
		try (Trainer trainer = session.trainer) {
			final AmatModel amatModel = session.amatModel;
			int firstEpoch = 1;
			byte[] best = null;
			double bestValue = Double.NaN;
			final JsonObject history = new JsonObject();
			if (resume) {
				final ModelFile ck = ModelFile.read(settings.checkpoint);
				checkCheckpointFits(ck.info(), info);
				amatModel.loadWeights(ck.entry(ModelFile.WEIGHTS));
				optimizer.loadState(ck.entry(CK_OPTIMIZER), model.getNDManager());
				final JsonObject state = JsonParser.parseString(new String(ck.entry(CK_STATE), StandardCharsets.UTF_8))
					.getAsJsonObject();
				firstEpoch = state.get("epochsCompleted").getAsInt() + 1;
				bestValue = state.get("bestValue").getAsDouble();
				info.training.bestEpoch = state.get("bestEpoch").getAsInt();
				best = ck.has(CK_BEST) ? ck.entry(CK_BEST) : null;
				method.restore(ck.info().training.methodState);
				for (final Map.Entry<String, com.google.gson.JsonElement> e : ck.info().training.history.entrySet()) {
					history.add(e.getKey(), e.getValue());
				}
				listener.message("resumed from " + settings.checkpoint + " after epoch " + (firstEpoch - 1));
			}
			else {
				if (settings.warmStart != null) warmStart(amatModel);
				method.begin(train.ids(range(train.size())));
			}
			listener.started(settings.epochs, stepsPerEpoch, train.size(), val == null ? 0 : val.size(), describe());

			final long startNanos = System.nanoTime();
			int epochsRun = 0;
			boolean cancelled = false;
			for (int epoch = firstEpoch; epoch <= settings.epochs && !cancelled; epoch++) {
				final long epochStart = System.nanoTime();
				method.startEpoch(epoch);
				final int[] order = permutation(train.size(), new Random(settings.seed * 1_000_003L + epoch));
				double lossSum = 0;
				int steps = 0, skipped = 0;
				for (int s = 0; s < stepsPerEpoch; s++) {
					final int from = s * settings.batchSize, to = Math.min(train.size(), from + settings.batchSize);
					final int[] pos = java.util.Arrays.copyOfRange(order, from, to);
					engine.setRandomSeed((int) (settings.seed * 31 + epoch * 100_003L + s));
					final float loss = session.step(train, pos);
					if (Float.isFinite(loss)) lossSum += loss;
					else skipped++;
					steps++;
					final double perStep = (System.nanoTime() - startNanos) / 1e9 / (epochsRun * stepsPerEpoch + steps);
					listener.step(epoch, s + 1, stepsPerEpoch, loss, perStep * ((settings.epochs - epoch + 1) *
						stepsPerEpoch - steps));
					if (listener.isCancelled()) {
						cancelled = true;
						break;
					}
				}
				if (cancelled) {
					listener.message("cancelled in epoch " + epoch + ": keeping the best model of the epochs completed");
					break;
				}
				method.endEpoch(epoch);
				epochsRun++;
				final double metric = val == null ? Double.NaN : Evaluator.evaluate(amatModel, val, settings.batchSize)
					.primaryValue();
				final boolean improved = settings.keepLastEpoch || val == null || best == null || metric > bestValue ||
					Double.isNaN(bestValue) && !Double.isNaN(metric);
				if (improved) {
					best = amatModel.weights();
					bestValue = metric;
					info.training.bestEpoch = epoch;
				}
				final double seconds = (System.nanoTime() - epochStart) / 1e9;
				final double left = (System.nanoTime() - startNanos) / 1e9 / epochsRun * (settings.epochs - epoch);
				if (skipped > 0) {
					listener.message(String.format(java.util.Locale.ROOT, "epoch %d: %d of %d steps skipped (loss or " +
						"gradients not finite)", epoch, skipped, steps));
				}
				final double epochLoss = steps > skipped ? lossSum / (steps - skipped) : Double.NaN;
				record(history, "loss", epochLoss);
				record(history, "validation", metric);
				record(history, "seconds", seconds);
				info.training.epochsCompleted = epoch;
				info.training.methodState = method.state();
				info.training.history = history;
				listener.epochEnded(new TrainingListener.EpochSummary(epoch, settings.epochs, epochLoss,
					task.metricName(), metric, improved, seconds, left, method.statistics()));
				if (settings.checkpoint != null) {
					writeCheckpoint(amatModel, optimizer, best, bestValue, epoch);
				}
			}
			if (best == null) {
				throw new AmatException("Training was cancelled before the first epoch ended: no model was saved.");
			}
			amatModel.loadWeights(best);
			info.training.validationValue = bestValue;
			info.training.methodState = method.state();
			info.training.history = history;
			result = amatModel;
		}
		catch (final RuntimeException e) {
			model.close();
			throw e;
		}
		return result;
	}

	/**
	 * A network, its DJL trainer with the stateful optimizer, and the training-mode attack
	 * target: everything one training step needs. Also used by the benchmark.
	 */
	/** Bad steps in a row after which training stops. */
	static final int MAX_SKIPPED_IN_A_ROW = 3;

	final class Session {

		final Model model;
		final Trainer trainer;
		final StatefulOptimizer optimizer;
		final AmatModel amatModel;
		final AttackTarget<L> target;
		/** The trainer's devices; the first holds the model's own parameters. */
		final Device[] devices;
		/** Parts each batch is split into (1: the plain step). */
		final int splits;

		Session(final Model model, final Trainer trainer, final StatefulOptimizer optimizer, final AmatModel amatModel,
			final Device[] devices)
		{
			this.model = model;
			this.trainer = trainer;
			this.optimizer = optimizer;
			this.amatModel = amatModel;
			this.devices = devices.clone();
			this.splits = settings.splits > 0 ? settings.splits : devices.length;
			this.target = new AttackTarget<>(model.getBlock(), new ai.djl.training.ParameterStore(model.getNDManager(),
				false), task, true, normalization.validRange());
		}

		/** Steps skipped one after the other because their loss or gradients were not finite. */
		private int skippedInARow;

		/**
		 * Leaves the weights as they are after a step whose loss or gradients are not finite (a
		 * rare overflow, e.g. on an adversarial batch), so one bad batch cannot spoil the model;
		 * fails when {@value #MAX_SKIPPED_IN_A_ROW} steps in a row are bad, which no learning
		 * rate that trains would give. Returns NaN: the step has no loss to average.
		 */
		private float skip(final float value) {
			zeroGradients();
			restore(buffers);
			if (++skippedInARow >= MAX_SKIPPED_IN_A_ROW) {
				throw new AmatException("The training loss or its gradients were not finite (" + value + ") in " +
					MAX_SKIPPED_IN_A_ROW + " steps in a row: lower the learning rate.");
			}
			return Float.NaN;
		}

		/**
		 * True when every parameter's gradient is finite: the gradients' sums are added on the
		 * device and read back once (NaN and infinity survive the sum), so the check costs one
		 * synchronisation per step, not one per parameter.
		 */
		boolean gradientsFinite() {
			try (NDManager m = trainer.getManager().newSubManager()) {
				NDArray total = null;
				for (final ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : trainer.getModel().getBlock().getParameters()) {
					final NDArray w = p.getValue().getArray();
					if (!w.hasGradient()) continue;
					final NDArray g = w.getGradient();
					g.attach(m);
					final NDArray sum = g.sum();
					total = total == null ? sum : total.add(sum);
				}
				return total == null || Float.isFinite(total.getFloat());
			}
		}

		/** Copies of the arrays a forward pass changes in place (batch norm's running statistics). */
		private List<NDArray> buffers;

		/** The parameters without gradients (running statistics), copied into the step's manager. */
		private List<NDArray> snapshot(final NDManager m) {
			final List<NDArray> out = new java.util.ArrayList<>();
			for (final ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : trainer.getModel().getBlock().getParameters()) {
				final NDArray a = p.getValue().getArray();
				if (a.hasGradient()) continue;
				final NDArray copy = a.duplicate();
				copy.attach(m);
				out.add(copy);
			}
			return out;
		}

		/** Puts back what {@link #snapshot} copied, in the same order. */
		private void restore(final List<NDArray> copies) {
			int k = 0;
			for (final ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : trainer.getModel().getBlock().getParameters()) {
				final NDArray a = p.getValue().getArray();
				if (a.hasGradient()) continue;
				a.set(new ai.djl.ndarray.index.NDIndex("..."), copies.get(k++));
			}
		}

		/** Sets every gradient to zero, also where it holds NaN or infinity (which g - g keeps). */
		private void zeroGradients() {
			for (final ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : trainer.getModel().getBlock().getParameters()) {
				final NDArray w = p.getValue().getArray();
				if (!w.hasGradient()) continue;
				try (NDArray g = w.getGradient()) {
					g.set(new ai.djl.ndarray.index.NDIndex("..."), 0);
				}
			}
		}

		/** One optimisation step on the samples at the given positions; returns the training loss. */
		float step(final LabeledData<L> train, final int[] pos) {
			if (splits > 1 && pos.length > 1) return splitStep(train, pos);
			try (NDManager m = trainer.getManager().newSubManager()) {
				buffers = snapshot(m);
				final NDArray x = train.batch(m, pos);
				final List<L> labels = train.labels(pos);
				final NDList y = task.encodeLabels(m, labels, train.height(), train.width());
				final Batch<L> batch = new Batch<>(target, x, y, labels, train.ids(pos));
				final NDArray adv = method.adversarial(batch);
				final float value;
				try (GradientCollector gc = trainer.newGradientCollector()) {
					NDArray loss = null;
					if (method.cleanWeight() > 0) {
						loss = task.loss(trainer.forward(new NDList(x)), y).mean().mul(method.cleanWeight());
					}
					if (adv != null) {
						final NDList advOut = trainer.forward(new NDList(adv));
						method.adversarialOutput(batch, advOut);
						final NDArray advLoss = task.loss(advOut, y).mean().mul(method.adversarialWeight());
						loss = loss == null ? advLoss : loss.add(advLoss);
					}
					if (loss == null) throw new IllegalStateException(method.name() + " gave no loss to train on");
					value = loss.getFloat();
					if (!Float.isFinite(value)) return skip(value);
					gc.backward(loss);
				}
				if (!gradientsFinite()) return skip(Float.NaN);
				trainer.step();
				skippedInARow = 0;
				return value;
			}
		}

		/**
		 * One optimisation step with the batch split into parts, dealt out over the devices in
		 * turn, as DJL's data-parallel training does it: every part is attacked on its own
		 * device (outside the gradient collector, parameters frozen), then in one collector each
		 * part's forward pass runs on its device and its loss, the part's share of the batch mean
		 * (sum over its samples / batch size), is back-propagated into that device's parameter
		 * copies; the trainer's step sums the copies' gradients and updates every copy alike.
		 * Per-sample state (AMAT's margins) is keyed by sample id and lives in this JVM, so it
		 * is one table whatever the split.
		 */
		float splitStep(final LabeledData<L> train, final int[] pos) {
			final int[][] parts = BatchSplit.parts(pos, splits);
			final int n = pos.length;
			try (NDManager m = trainer.getManager().newSubManager()) {
				buffers = snapshot(m);
				final List<Batch<L>> batches = new java.util.ArrayList<>();
				final NDArray[] adversarial = new NDArray[parts.length];
				for (int j = 0; j < parts.length; j++) {
					final Device device = devices[j % devices.length];
					final NDManager mj = m.newSubManager(device);
					final NDArray x = train.batch(mj, parts[j]);
					final List<L> labels = train.labels(parts[j]);
					final NDList y = task.encodeLabels(mj, labels, train.height(), train.width());
					// part 0 attacks the model's own (frozen) parameters, as the plain step does
					final AttackTarget<L> t = j == 0 && device.equals(devices[0]) ? target : snapshotTarget(mj);
					final Batch<L> batch = new Batch<>(t, x, y, labels, train.ids(parts[j]));
					batches.add(batch);
					adversarial[j] = method.adversarial(batch);
				}
				float value = 0;
				try (GradientCollector gc = trainer.newGradientCollector()) {
					for (int j = 0; j < parts.length; j++) {
						final Batch<L> batch = batches.get(j);
						NDArray loss = null;
						if (method.cleanWeight() > 0) {
							loss = task.loss(trainer.forward(new NDList(batch.x)), batch.y).sum().mul(method.cleanWeight() / n);
						}
						if (adversarial[j] != null) {
							final NDList advOut = trainer.forward(new NDList(adversarial[j]));
							method.adversarialOutput(batch, advOut);
							final NDArray advLoss = task.loss(advOut, batch.y).sum().mul(method.adversarialWeight() / n);
							loss = loss == null ? advLoss : loss.add(advLoss);
						}
						if (loss == null) throw new IllegalStateException(method.name() + " gave no loss to train on");
						final float v = loss.getFloat();
						if (!Float.isFinite(v)) return skip(v);
						value += v;
						gc.backward(loss);
					}
				}
				if (!gradientsFinite()) return skip(Float.NaN);
				trainer.step();
				skippedInARow = 0;
				return value;
			}
		}

		/**
		 * An attack target for a part other than the first: a parameter store of this step that
		 * copies the current weights to the part's device while they are frozen, so the
		 * copies need no gradient and an attack's backward pass leaves the trainer's gradients
		 * alone. (The trainer's own copies on that device would collect the attack's gradients:
		 * freezing the block only freezes the parameters' own arrays.) Batch norm's running
		 * statistics are updated on the copies and dropped.
		 */
		private AttackTarget<L> snapshotTarget(final NDManager manager) {
			final ai.djl.training.ParameterStore store = new ai.djl.training.ParameterStore(manager, true);
			final AttackTarget<L> t = new AttackTarget<>(model.getBlock(), store, task, true, normalization.validRange());
			try (AttackTarget.Frozen f = t.freeze()) {
				for (final ai.djl.util.Pair<String, Parameter> p : model.getBlock().getParameters()) {
					store.getValue(p.getValue(), manager.getDevice(), true);
				}
			}
			return t;
		}
	}

	/** Builds the network (seeded initialisation) and its trainer on the devices (the first holds the model). */
	Session open(final ModelInfo info, final Device... devices) {
		final Device device = devices[0];
		Engines.pytorch().setRandomSeed((int) settings.seed);
		final Model model = AmatModel.newDjlModel(task, device);
		try {
			final StatefulOptimizer optimizer = new StatefulOptimizer(settings.optimizer, settings.learningRate);
			final DefaultTrainingConfig config = new DefaultTrainingConfig(new TaskLoss<>(task)).optOptimizer(optimizer)
				.optDevices(devices).optInitializer(AmatModel.weightInitializer(), Parameter.Type.WEIGHT);
			final Trainer trainer = model.newTrainer(config);
			trainer.initialize(new Shape(settings.batchSize, data.channels(), data.height(), data.width()));
			optimizer.bindNames(model.getBlock());
			return new Session(model, trainer, optimizer, AmatModel.wrap(model, task, info), devices);
		}
		catch (final RuntimeException e) {
			model.close();
			throw e;
		}
	}

	/** A session for benchmarks: the whole data set trains, nothing validates. */
	Session openForBenchmark() {
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

	private void writeCheckpoint(final AmatModel model, final StatefulOptimizer optimizer, final byte[] best,
		final double bestValue, final int epoch)
	{
		final JsonObject state = new JsonObject();
		state.addProperty("epochsCompleted", epoch);
		state.addProperty("bestValue", bestValue);
		state.addProperty("bestEpoch", model.info().training.bestEpoch);
		final Map<String, byte[]> extra = new LinkedHashMap<>();
		extra.put(CK_OPTIMIZER, optimizer.saveState());
		extra.put(CK_STATE, state.toString().getBytes(StandardCharsets.UTF_8));
		if (best != null) extra.put(CK_BEST, best);
		model.save(settings.checkpoint, extra);
	}

	private void checkCheckpointFits(final ModelInfo saved, final ModelInfo now) {
		if (!saved.task.equals(now.task) || !saved.training.method.equals(now.training.method) ||
			saved.training.trainingSize != now.training.trainingSize || saved.training.seed != now.training.seed)
		{
			throw new AmatException("The checkpoint " + settings.checkpoint + " belongs to another run (" + saved.task +
				", " + saved.training.method + ", " + saved.training.trainingSize + " training images, seed " +
				saved.training.seed + "): resume with the same data, method and seed, or start afresh.");
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
