package sc.fiji.amat.train;

/**
 * AMAT's boundary checks of one batch: per sample, how many of its T + 1 PGD iterates were over
 * the boundary, whether the random start was, whether any later iterate was, its clean
 * quantities (the reference of a relative boundary and the clean diagnostic) and whether the
 * clean input itself was over.
 */
final class BoundaryChecks {

	final int[] ids;
	/** Iterates over the boundary: the random start (iterate 0), the T - 1 steps between, the final one. */
	final int[] crossed;
	final boolean[] overAtStart, overAfterStart;
	/** The clean inputs' boundary quantities, null until known. */
	float[][] clean;
	/** True until the final iterate (check T + 1) has been tested. */
	boolean finalCheckPending;

	BoundaryChecks(final int[] ids) {
		this.ids = ids;
		final int n = ids.length;
		crossed = new int[n];
		overAtStart = new boolean[n];
		overAfterStart = new boolean[n];
	}

	/** One iterate's test: iterate 0 is the random start, T the final one. */
	void record(final int iterate, final boolean[] over) {
		for (int i = 0; i < over.length; i++) {
			if (!over[i]) continue;
			crossed[i]++;
			if (iterate == 0) overAtStart[i] = true;
			else overAfterStart[i] = true;
		}
	}

	/** True when no iterate of sample i was over the boundary: its margin grows. */
	boolean neverOver(final int i) {
		return crossed[i] == 0;
	}

	/** The boundary quantities of a batch's clean inputs, on the batch's target (training mode). */
	static <L> float[][] cleanQuantities(final Batch<L> batch) {
		try (ai.djl.ndarray.NDManager m = batch.x.getManager().newSubManager()) {
			final ai.djl.ndarray.NDArray x = batch.x.duplicate();
			x.attach(m);
			return batch.target.boundaryQuantities(batch.target.forward(x), batch.labels);
		}
	}

	/** True when sample i was inside at the random start and over at a later iterate. */
	boolean overOnlyAfterSteps(final int i) {
		return overAfterStart[i] && !overAtStart[i];
	}
}
