package sc.fiji.amat.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.Task;

/**
 * AMAT's boundary thresholds from a normally trained model on the (clean) training set, in the
 * mode the training-time boundary test runs in: training mode (batch norm on batch statistics),
 * in batches of the training batch size; the model's running statistics are left as they were.
 */
public final class Calibration {

	private Calibration() {}

	/** Per-sample boundary quantities of a model on data, in training mode (as the training-time test). */
	public static <L> float[][] quantities(final AmatModel model, final LabeledData<L> data, final int batchSize) {
		return quantities(model, data, batchSize, true);
	}

	/**
	 * Per-sample boundary quantities of a model on data, in batches of {@code batchSize} in the
	 * data's order; in training mode batch norm uses each batch's statistics, and the running
	 * statistics the forward passes update are put back afterwards.
	 */
	@SuppressWarnings("unchecked")
	public static <L> float[][] quantities(final AmatModel model, final LabeledData<L> data, final int batchSize,
		final boolean trainingMode)
	{
		Engines.prepareThread();
		final Task<L> task = (Task<L>) model.task();
		final List<float[]> rows = new ArrayList<>();
		try (NDManager keep = model.manager().newSubManager()) {
			final List<NDArray> running = new ArrayList<>();
			if (trainingMode) {
				for (final Pair<String, Parameter> p : model.block().getParameters()) {
					if (isRunning(p.getValue())) running.add(p.getValue().getArray().duplicate());
				}
				for (final NDArray a : running) a.attach(keep);
			}
			try {
				batches(model, data, batchSize, trainingMode, task, rows);
			}
			finally {
				int k = 0;
				for (final Pair<String, Parameter> p : model.block().getParameters()) {
					if (trainingMode && isRunning(p.getValue())) p.getValue().getArray().set(new NDIndex("..."), running.get(
						k++));
				}
			}
		}
		return rows.toArray(new float[0][]);
	}

	private static boolean isRunning(final Parameter p) {
		return p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR;
	}

	private static <L> void batches(final AmatModel model, final LabeledData<L> data, final int batchSize,
		final boolean trainingMode, final Task<L> task, final List<float[]> rows)
	{
		for (int from = 0; from < data.size(); from += batchSize) {
			final int to = Math.min(data.size(), from + batchSize);
			final int[] pos = new int[to - from];
			for (int k = 0; k < pos.length; k++) pos[k] = from + k;
			try (NDManager m = model.manager().newSubManager()) {
				for (final float[] r : task.boundaryQuantities(model.forward(data.batch(m, pos), trainingMode), data.labels(
					pos))) rows.add(r);
			}
		}
	}

	/** Thresholds from a standard model: a statistic of its quantities on the training data. */
	public static <L> Thresholds calibrate(final AmatModel standard, final LabeledData<L> data,
		final Thresholds.Statistic statistic, final double z, final int batchSize, final String source)
	{
		return calibrate(standard, data, new BoundaryRule(statistic, z, 0.1, false), batchSize, source);
	}

	/** Thresholds from a standard model by a rule, on its training-mode quantities of the training data. */
	public static <L> Thresholds calibrate(final AmatModel standard, final LabeledData<L> data, final BoundaryRule rule,
		final int batchSize, final String source)
	{
		return rule.calibrate(standard.task().boundarySpec(), quantities(standard, data, batchSize), source +
			" (training mode, batches of " + batchSize + ")");
	}

	/**
	 * Thresholds from a standard model file, which must know the task's classes or landmarks:
	 * a statistic of its quantities on the training data, on the first of the devices.
	 *
	 * @param source the model in words, for the thresholds' origin; null: "standard model" and its file name
	 */
	public static <L> Thresholds calibrate(final Path standardFile, final Task<L> task, final LabeledData<L> data,
		final Thresholds.Statistic statistic, final double z, final int batchSize, final String device,
		final String source)
	{
		return calibrate(standardFile, task, data, new BoundaryRule(statistic, z, 0.1, false), batchSize, device, source);
	}

	/** As above, by a rule. */
	public static <L> Thresholds calibrate(final Path standardFile, final Task<L> task, final LabeledData<L> data,
		final BoundaryRule rule, final int batchSize, final String device, final String source)
	{
		try (AmatModel standard = AmatModel.load(standardFile, task.type(), Engines.devices(device)[0])) {
			// a model brought from outside has its own names: only its number of outputs must fit
			final boolean fits = standard.isImported() ? standard.task().outputChannels() == task.outputChannels() :
				standard.task().spec().equals(task.spec());
			if (!fits) {
				throw new AmatException("The standard model " + standardFile + " knows " + standard.task().spec() +
					", but the training data has " + task.spec() + ".");
			}
			return calibrate(standard, data, rule, batchSize, source != null ? source : "standard model " +
				standardFile.getFileName());
		}
	}
}
