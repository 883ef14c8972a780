package sc.fiji.amat.task;

import sc.fiji.amat.data.LabeledData;

/** A task configured from labelled data (its classes, landmarks, ...) together with that data. */
public final class Labeled<L> {

	public final Task<L> task;
	public final LabeledData<L> data;

	public Labeled(final Task<L> task, final LabeledData<L> data) {
		this.task = task;
		this.data = data;
	}
}
