package sc.fiji.amat.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Arrays;

/**
 * AMAT's optional bisection (from IMA): per sample, the last PGD iterate inside the boundary and
 * the first one over it; bisecting between them gives the point nearest the boundary.
 */
final class Bisection {

	static final int STEPS = 10;

	private final int n, size;
	private final float[] clean;
	private float[] previous;
	private final float[][] inside, over;

	Bisection(final int n, final float[] clean) {
		this.n = n;
		this.size = clean.length / n;
		this.clean = clean;
		this.inside = new float[n][];
		this.over = new float[n][];
	}

	/** Sees one iterate and which samples it put over the boundary. */
	void record(final boolean[] isOver, final float[] iterate) {
		for (int i = 0; i < n; i++) {
			if (isOver[i] && over[i] == null) {
				over[i] = Arrays.copyOfRange(iterate, i * size, (i + 1) * size);
				final float[] from = previous == null ? clean : previous;
				inside[i] = Arrays.copyOfRange(from, i * size, (i + 1) * size);
			}
		}
		previous = iterate;
	}

	/** True when some sample crossed the boundary. */
	boolean any() {
		for (final float[] o : over) {
			if (o != null) return true;
		}
		return false;
	}

	/**
	 * Bisects between inside and over for crossing samples; others keep their PGD result. A
	 * relative boundary compares with the samples' clean quantities (null for an absolute one).
	 */
	<L> NDArray bisect(final Batch<L> batch, final NDArray pgdResult, final Thresholds thresholds,
		final float[][] clean)
	{
		final float[] result = pgdResult.toFloatArray();
		for (int b = 0; b < STEPS; b++) {
			final float[] mid = result.clone();
			for (int i = 0; i < n; i++) {
				if (over[i] == null) continue;
				for (int k = 0; k < size; k++) mid[i * size + k] = (inside[i][k] + over[i][k]) / 2;
			}
			final float[][] q;
			try (NDManager m = batch.x.getManager().newSubManager()) {
				final NDArray x = m.create(mid, batch.x.getShape());
				q = batch.target.boundaryQuantities(batch.target.forward(x), batch.labels);
			}
			for (int i = 0; i < n; i++) {
				if (over[i] == null) continue;
				final float[] half = Arrays.copyOfRange(mid, i * size, (i + 1) * size);
				if (thresholds.isOver(q[i], clean == null ? null : clean[i])) over[i] = half;
				else inside[i] = half;
			}
		}
		for (int i = 0; i < n; i++) {
			if (over[i] == null) continue;
			for (int k = 0; k < size; k++) result[i * size + k] = (inside[i][k] + over[i][k]) / 2;
		}
		return batch.x.getManager().create(result, batch.x.getShape());
	}
}
