package sc.fiji.amat.task;

import java.util.Collections;
import java.util.List;

import sc.fiji.amat.data.LabeledData;

/** A task configured from labelled data (its classes, landmarks, ...) together with that data. */
public final class Labeled<L> {

	public final Task<L> task;
	public final LabeledData<L> data;
	/**
	 * For data cut from volumes, the volume each sample comes from (parallel to the data; what
	 * per-volume metrics group by); null otherwise.
	 */
	public final List<String> volumeOfSample;

	public Labeled(final Task<L> task, final LabeledData<L> data) {
		this(task, data, null);
	}

	public Labeled(final Task<L> task, final LabeledData<L> data, final List<String> volumeOfSample) {
		if (volumeOfSample != null && volumeOfSample.size() != data.size()) throw new IllegalArgumentException(
			volumeOfSample.size() + " volume names for " + data.size() + " samples");
		this.task = task;
		this.data = data;
		this.volumeOfSample = volumeOfSample == null ? null : Collections.unmodifiableList(volumeOfSample);
	}
}
