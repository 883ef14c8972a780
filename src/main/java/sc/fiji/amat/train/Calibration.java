package sc.fiji.amat.train;

import ai.djl.ndarray.NDManager;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.Task;

/** AMAT's boundary thresholds from a normally trained model on the (clean) training set. */
public final class Calibration {

	private Calibration() {}

	/** Per-sample boundary quantities of a model on data, model in evaluation mode. */
	@SuppressWarnings("unchecked")
	public static <L> float[][] quantities(final AmatModel model, final LabeledData<L> data, final int batchSize) {
		Engines.prepareThread();
		final Task<L> task = (Task<L>) model.task();
		final List<float[]> rows = new ArrayList<>();
		for (int from = 0; from < data.size(); from += batchSize) {
			final int to = Math.min(data.size(), from + batchSize);
			final int[] pos = new int[to - from];
			for (int k = 0; k < pos.length; k++) pos[k] = from + k;
			try (NDManager m = model.manager().newSubManager()) {
				for (final float[] r : task.boundaryQuantities(model.forward(data.batch(m, pos), false), data.labels(pos))) {
					rows.add(r);
				}
			}
		}
		return rows.toArray(new float[0][]);
	}

	/** Thresholds from a standard model: a statistic of its quantities on the training data. */
	public static <L> Thresholds calibrate(final AmatModel standard, final LabeledData<L> data,
		final Thresholds.Statistic statistic, final double z, final int batchSize, final String source)
	{
		return Thresholds.calibrate(standard.task().boundarySpec(), quantities(standard, data, batchSize), statistic, z,
			source);
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
		try (AmatModel standard = AmatModel.load(standardFile, task.type(), Engines.devices(device)[0])) {
			if (!standard.task().spec().equals(task.spec())) {
				throw new AmatException("The standard model " + standardFile + " knows " + standard.task().spec() +
					", but the training data has " + task.spec() + ".");
			}
			return calibrate(standard, data, statistic, z, batchSize, source != null ? source : "standard model " +
				standardFile.getFileName());
		}
	}
}
