package sc.fiji.amat.report;

import java.util.List;

import sc.fiji.amat.task.MetricTable;

/**
 * The per-image worst case over several attacks at one noise level, as AutoAttack reports it:
 * for every image, the attack that hurt its primary metric (column 0) most wins, and the image
 * keeps all its metric values (counts and details) from that attack, so dataset-level metrics of the worst
 * case stay consistent. Ties go to the attack listed first; an image whose primary metric is
 * undefined (NaN) under an attack is worst under that attack.
 */
public final class WorstCase {

	/** The name the worst case goes by among a report's attacks. */
	public static final String NAME = "worst case";

	private final MetricTable table;
	private final int[] winner;

	private WorstCase(final MetricTable table, final int[] winner) {
		this.table = table;
		this.winner = winner;
	}

	/** The worst case over tables of the same images in the same order, one table per attack. */
	public static WorstCase of(final List<MetricTable> perAttack) {
		if (perAttack.isEmpty()) throw new IllegalArgumentException("No attack to take the worst case over");
		final MetricTable first = perAttack.get(0);
		final int n = first.size();
		for (final MetricTable t : perAttack) {
			if (t.size() != n) throw new IllegalArgumentException("Tables of different sizes: " + t.size() + " vs " + n);
		}
		final boolean higher = first.higherIsBetter(0);
		final MetricTable out = first.emptyCopy();
		final int[] winner = new int[n];
		for (int i = 0; i < n; i++) {
			int w = 0;
			double worst = first.value(i, 0);
			for (int a = 1; a < perAttack.size() && !Double.isNaN(worst); a++) {
				final double v = perAttack.get(a).value(i, 0);
				if (Double.isNaN(v) || (higher ? v < worst : v > worst)) {
					worst = v;
					w = a;
				}
			}
			winner[i] = w;
			out.addRow(perAttack.get(w), i);
		}
		return new WorstCase(out, winner);
	}

	/** The per-image worst-case metrics. */
	public MetricTable table() {
		return table;
	}

	/** For each image, the index of the attack that was worst for it. */
	public int[] winners() {
		return winner.clone();
	}

	/** How many images each attack was the worst for. */
	public int[] counts(final int attacks) {
		final int[] c = new int[attacks];
		for (final int w : winner) c[w]++;
		return c;
	}
}
