package sc.fiji.amat.train;

import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.task.Task;

/** What one training run has: the task, its data and normalisation, its settings and a listener. */
public final class TrainingRun<L> {

	public final Task<L> task;
	public final LabeledData<L> data;
	public final Normalization normalization;
	/** The run's own settings, which a method may adjust (a warm start). */
	public final TrainingSettings settings;
	public final TrainingListener listener;

	public TrainingRun(final Task<L> task, final LabeledData<L> data, final Normalization normalization,
		final TrainingSettings settings, final TrainingListener listener)
	{
		this.task = task;
		this.data = data;
		this.normalization = normalization;
		this.settings = settings;
		this.listener = listener == null ? new TrainingListener() {} : listener;
	}
}
