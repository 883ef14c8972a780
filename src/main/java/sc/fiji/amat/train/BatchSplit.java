package sc.fiji.amat.train;

/**
 * How a batch is split over devices: into contiguous parts in the batch's order whose sizes
 * differ by at most one (the larger parts first), never an empty part, so the parts put back
 * one after another are the batch itself.
 */
public final class BatchSplit {

	private BatchSplit() {}

	/** The batch's positions in {@code min(parts, batch size)} parts. */
	public static int[][] parts(final int[] positions, final int parts) {
		if (parts < 1) throw new IllegalArgumentException("parts must be at least 1, got " + parts);
		final int k = Math.max(1, Math.min(parts, positions.length));
		final int[][] out = new int[k][];
		final int base = positions.length / k, larger = positions.length % k;
		int from = 0;
		for (int j = 0; j < k; j++) {
			final int size = base + (j < larger ? 1 : 0);
			out[j] = java.util.Arrays.copyOfRange(positions, from, from + size);
			from += size;
		}
		return out;
	}
}
