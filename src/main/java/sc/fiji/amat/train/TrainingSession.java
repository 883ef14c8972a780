package sc.fiji.amat.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.List;

import sc.fiji.amat.nn.Scalars;
import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.AttackTarget;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.FiniteCheck;
import sc.fiji.amat.task.Task;

/**
 * A network, its DJL trainer with the stateful optimizer, and the training-mode attack target:
 * everything one training step needs, and the one step every method and device split takes.
 * Also used by the benchmark.
 */
final class TrainingSession<L> {

	/** Bad steps in a row after which training stops. */
	static final int MAX_SKIPPED_IN_A_ROW = 3;

	final Model model;
	final Trainer trainer;
	final StatefulOptimizer optimizer;
	final AmatModel amatModel;
	final AttackTarget<L> target;
	/** The trainer's devices; the first holds the model's own parameters. */
	final Device[] devices;
	/** Parts each batch is split into (1: the whole batch at once). */
	final int splits;
	private final Task<L> task;
	private final TrainingMethod method;
	private final float[] validRange;

	/**
	 * Whether a one-device step updates all parameters at once ({@link StatefulOptimizer#updateAll});
	 * false takes DJL's per-parameter path, as several devices do (a test compares the two).
	 */
	boolean flatUpdate = true;

	/** Steps skipped one after the other because their loss or gradients were not finite. */
	private int skippedInARow;

	TrainingSession(final Model model, final Trainer trainer, final StatefulOptimizer optimizer, final AmatModel amatModel,
		final Device[] devices, final int splits, final Task<L> task, final TrainingMethod method, final float[] validRange)
	{
		this.model = model;
		this.trainer = trainer;
		this.optimizer = optimizer;
		this.amatModel = amatModel;
		this.devices = devices.clone();
		this.splits = splits > 0 ? splits : devices.length;
		this.task = task;
		this.method = method;
		this.validRange = validRange;
		this.target = new AttackTarget<>(model.getBlock(), new ParameterStore(model.getNDManager(), false), task, true,
			validRange);
	}

	/** One part of a batch on its device, with its adversarial inputs (null for standard training). */
	private final class Part {

		final Batch<L> batch;
		final NDArray adversarial;

		Part(final Batch<L> batch, final NDArray adversarial) {
			this.batch = batch;
			this.adversarial = adversarial;
		}

		/**
		 * The part's share of the batch's weighted training loss: sum over its samples / batch
		 * size. A replay does not show the method the adversarial outputs again.
		 */
		NDArray loss(final int batchSize, final boolean replay) {
			NDArray loss = null;
			if (method.cleanWeight() > 0) {
				final NDList cleanOut = trainer.forward(new NDList(batch.x));
				if (!replay && adversarial != null) method.cleanOutput(batch, cleanOut);
				loss = Scalars.mul(task.loss(cleanOut, batch.y).sum(), method.cleanWeight() / batchSize);
			}
			if (adversarial != null) {
				final NDList advOut = trainer.forward(new NDList(adversarial));
				if (!replay) method.adversarialOutput(batch, advOut);
				final NDArray adv = Scalars.mul(task.loss(advOut, batch.y).sum(), method.adversarialWeight() / batchSize);
				loss = loss == null ? adv : loss.add(adv);
			}
			if (loss == null) throw new IllegalStateException(method.name() + " gave no loss to train on");
			return loss;
		}
	}

	/**
	 * One optimisation step on the samples at the given positions; returns the training loss, or
	 * NaN for a step skipped because its loss or gradients were not finite. With several parts
	 * (devices), the batch is dealt out over the devices in turn, as DJL's data-parallel training
	 * does it: every part is attacked on its own device (outside the gradient collector,
	 * parameters frozen), then in one collector each part's forward pass runs on its device and
	 * its share of the loss is back-propagated into that device's parameter copies; the trainer's
	 * step sums the copies' gradients and updates every copy alike. Per-sample state (AMAT's
	 * margins) is keyed by sample id and lives in this JVM, so it is one table whatever the split.
	 */
	float step(final LabeledData<L> train, final int[] pos) {
		final int[][] groups = pos.length > 1 ? BatchSplit.parts(pos, splits) : new int[][] { pos };
		try (NDManager m = trainer.getManager().newSubManager()) {
			final List<NDArray> buffers = snapshot(m);
			final List<Part> parts = new ArrayList<>();
			for (int j = 0; j < groups.length; j++) {
				final Device device = devices[j % devices.length];
				final NDManager mj = groups.length == 1 ? m : m.newSubManager(device);
				final NDArray x = train.batch(mj, groups[j]);
				final List<L> labels = train.labels(groups[j]);
				final NDList y = task.encodeLabels(mj, labels, train.height(), train.width());
				// the first part attacks the model's own (frozen) parameters
				final AttackTarget<L> t = j == 0 && device.equals(devices[0]) ? target : snapshotTarget(mj);
				final Batch<L> batch = new Batch<>(t, x, y, labels, train.ids(groups[j]));
				parts.add(new Part(batch, method.adversarial(batch)));
			}
			float value = 0;
			try (GradientCollector gc = trainer.newGradientCollector()) {
				for (final Part part : parts) {
					final NDArray loss = part.loss(pos.length, false);
					final float v = loss.getFloat();
					value += v;
					if (!Float.isFinite(v)) break;
					gc.backward(loss);
				}
			}
			if (!Float.isFinite(value)) return skip(value, parts, buffers);
			if (devices.length == 1 && flatUpdate) {
				// one device: the parameters' own arrays are the trainer's; one flat update checks and applies all
				if (!optimizer.updateAll(model.getBlock(), m)) return skip(value, parts, buffers);
			}
			else {
				if (!gradientsFinite()) return skip(value, parts, buffers);
				trainer.step();
			}
			skippedInARow = 0;
			return value;
		}
	}

	/**
	 * Leaves the weights as they are after a step whose loss or gradients are not finite (a
	 * rare overflow, e.g. on an adversarial batch), so one bad batch cannot spoil the model;
	 * fails when {@value #MAX_SKIPPED_IN_A_ROW} steps in a row are bad, naming the first layer
	 * whose output or gradient was not finite when the step was replayed with checks on.
	 */
	private float skip(final float value, final List<Part> parts, final List<NDArray> buffers) {
		final boolean last = ++skippedInARow >= MAX_SKIPPED_IN_A_ROW;
		final String where = last ? diagnose(parts) : "";
		zeroGradients();
		restore(buffers);
		if (last) {
			throw new AmatException("The training loss or its gradients were not finite (" + value + ") in " +
				MAX_SKIPPED_IN_A_ROW + " steps in a row" + where + ": lower the learning rate, or run the diagnostics " +
				"(Plugins > AMAT > Diagnostics, scripts/amat doctor) if this machine's kernels are at fault.");
		}
		return Float.NaN;
	}

	/**
	 * Replays the step's forward and backward passes with {@link FiniteCheck} on and says where
	 * the first non-finite value appeared (", first in ..."), or "" when the replay was finite.
	 */
	String diagnose(final List<Part> parts) {
		try (AutoCloseable on = FiniteCheck.on(); GradientCollector gc = trainer.newGradientCollector()) {
			zeroGradients();
			for (final Part part : parts) {
				if (part.adversarial != null && !FiniteCheck.isFinite(part.adversarial)) {
					return ", first in the adversarial inputs the " + method.name() + " attack made";
				}
				final NDArray loss = part.loss(1, true);
				if (!FiniteCheck.isFinite(loss)) return ", first in the loss (the network's outputs were finite)";
				gc.backward(loss);
			}
			final String grad = FiniteCheck.firstNonFiniteGradient(model.getBlock());
			return grad == null ? " (a replay of the last one with every layer checked was finite)" :
				", first in the gradient of " + grad + " in the backward pass";
		}
		catch (final FiniteCheck.NonFiniteException e) {
			return ", first in " + e.getMessage().replace("the output of ", "the output of layer ");
		}
		catch (final Exception e) {
			return " (replaying it with checks failed: " + e.getMessage() + ")";
		}
	}

	/**
	 * True when every parameter's gradient is finite: the gradients' sums are added on the
	 * device and read back once (NaN and infinity survive the sum), so the check costs one
	 * synchronisation per step, not one per parameter.
	 */
	boolean gradientsFinite() {
		try (NDManager m = trainer.getManager().newSubManager()) {
			NDArray total = null;
			for (final Pair<String, Parameter> p : model.getBlock().getParameters()) {
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
	private List<NDArray> snapshot(final NDManager m) {
		final List<NDArray> out = new ArrayList<>();
		for (final Pair<String, Parameter> p : model.getBlock().getParameters()) {
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
		for (final Pair<String, Parameter> p : model.getBlock().getParameters()) {
			final NDArray a = p.getValue().getArray();
			if (a.hasGradient()) continue;
			a.set(new NDIndex("..."), copies.get(k++));
		}
	}

	/**
	 * Sets every gradient to zero, also where it holds NaN or infinity (which g - g keeps). The
	 * gradients' handles are attached to a scope of their own: setting a value creates a scalar
	 * array in the array's manager, and in the model's manager 36 of them per skipped step
	 * would live as long as the model.
	 */
	private void zeroGradients() {
		try (NDManager scope = trainer.getManager().newSubManager()) {
			for (final Pair<String, Parameter> p : model.getBlock().getParameters()) {
				final NDArray w = p.getValue().getArray();
				if (!w.hasGradient()) continue;
				final NDArray g = w.getGradient();
				g.attach(scope);
				g.set(new NDIndex("..."), 0);
			}
		}
	}

	/**
	 * An attack target for a part other than the first: a parameter store of this step that
	 * copies the current weights to the part's device while they are frozen, so the copies need
	 * no gradient and an attack's backward pass leaves the trainer's gradients alone. (The
	 * trainer's own copies on that device would collect the attack's gradients: freezing the
	 * block only freezes the parameters' own arrays.) Batch norm's running statistics are updated
	 * on the copies and dropped.
	 */
	private AttackTarget<L> snapshotTarget(final NDManager manager) {
		final ParameterStore store = new ParameterStore(manager, true);
		final AttackTarget<L> t = new AttackTarget<>(model.getBlock(), store, task, true, validRange);
		try (AttackTarget.Frozen f = t.freeze()) {
			for (final Pair<String, Parameter> p : model.getBlock().getParameters()) {
				store.getValue(p.getValue(), manager.getDevice(), true);
			}
		}
		return t;
	}
}
