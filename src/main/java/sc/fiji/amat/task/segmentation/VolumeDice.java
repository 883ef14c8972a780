package sc.fiji.amat.task.segmentation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sc.fiji.amat.task.MetricTable;

/**
 * Per-volume Dice, as papers on slice-wise segmentation of volumes report it, per foreground
 * class and volume, from per-slice results grouped by volume:
 * <ul>
 * <li>mean per-slice Dice: the mean of the slices' Dice over the slices where the class is in
 * the ground truth or the prediction (slices where it is in neither have no Dice and are left
 * out, so the value does not depend on how many empty slices were kept);</li>
 * <li>pooled 3D Dice: 2 x (sum of intersections) / (sum of predicted + sum of true voxels) over
 * the volume's slices, which is the volume's 3D Dice when all its slices are there.</li>
 * </ul>
 * Both are 1 for a class that is in neither the prediction nor the ground truth of any slice.
 */
public final class VolumeDice {

	/** One volume's values, per foreground class (in the order of {@link VolumeDice#classes}). */
	public static final class Row {

		public final String volume;
		public final int slices;
		public final double[] meanSliceDice, pooledDice;

		Row(final String volume, final int slices, final double[] meanSliceDice, final double[] pooledDice) {
			this.volume = volume;
			this.slices = slices;
			this.meanSliceDice = meanSliceDice;
			this.pooledDice = pooledDice;
		}

		/** The mean over classes of the mean per-slice Dice. */
		public double meanSliceDiceOverClasses() {
			return mean(meanSliceDice);
		}

		/** The mean over classes of the pooled 3D Dice. */
		public double pooledDiceOverClasses() {
			return mean(pooledDice);
		}
	}

	/** The foreground class names. */
	public final List<String> classes;
	/** One row per volume, in the order volumes first appear. */
	public final List<Row> rows;

	private VolumeDice(final List<String> classes, final List<Row> rows) {
		this.classes = Collections.unmodifiableList(classes);
		this.rows = Collections.unmodifiableList(rows);
	}

	/**
	 * From a segmentation metric table (one row per slice, with the columns 'dice X',
	 * 'intersection X', 'predicted X', 'true X' per foreground class X, as
	 * {@link SegmentationTask#metrics} makes it) and the volume of each row.
	 */
	public static VolumeDice of(final MetricTable perSlice, final List<String> volumeOfRow) {
		if (volumeOfRow.size() != perSlice.size()) throw new IllegalArgumentException(volumeOfRow.size() +
			" volume names for " + perSlice.size() + " rows");
		final List<String> classes = PooledDice.classes(perSlice);
		final int k = classes.size();
		final int[][] col = new int[k][];
		for (int c = 0; c < k; c++) {
			final String x = classes.get(c);
			col[c] = new int[] { perSlice.column("dice " + x), perSlice.column("intersection " + x), perSlice.column(
				"predicted " + x), perSlice.column("true " + x) };
		}
		final Map<String, List<Integer>> groups = new LinkedHashMap<>();
		for (int r = 0; r < volumeOfRow.size(); r++) groups.computeIfAbsent(volumeOfRow.get(r), v -> new ArrayList<>())
			.add(r);
		final List<Row> rows = new ArrayList<>();
		for (final Map.Entry<String, List<Integer>> g : groups.entrySet()) {
			final double[] sliceMean = new double[k], pooled = new double[k];
			for (int c = 0; c < k; c++) {
				double diceSum = 0, inter = 0, denom = 0;
				int defined = 0;
				for (final int r : g.getValue()) {
					final double p = perSlice.value(r, col[c][2]), t = perSlice.value(r, col[c][3]);
					inter += perSlice.value(r, col[c][1]);
					denom += p + t;
					if (p + t > 0) {
						diceSum += perSlice.value(r, col[c][0]);
						defined++;
					}
				}
				sliceMean[c] = defined == 0 ? 1 : diceSum / defined;
				pooled[c] = denom == 0 ? 1 : 2 * inter / denom;
			}
			rows.add(new Row(g.getKey(), g.getValue().size(), sliceMean, pooled));
		}
		return new VolumeDice(classes, rows);
	}

	/** From predicted and true masks of slices, the volume of each slice, and the class names (background first). */
	public static VolumeDice of(final List<Mask> predicted, final List<Mask> truth, final List<String> volumeOfSlice,
		final List<String> classNames)
	{
		final int k = classNames.size();
		final DiceCounts counts = new DiceCounts(predicted, truth, k);
		final String[] names = new String[4 * (k - 1)];
		for (int c = 1; c < k; c++) {
			final String x = classNames.get(c);
			names[4 * (c - 1)] = "dice " + x;
			names[4 * (c - 1) + 1] = "intersection " + x;
			names[4 * (c - 1) + 2] = "predicted " + x;
			names[4 * (c - 1) + 3] = "true " + x;
		}
		final MetricTable t = new MetricTable(names, new boolean[names.length]);
		for (int n = 0; n < truth.size(); n++) {
			final double[] row = new double[names.length];
			for (int c = 1; c < k; c++) {
				final double d = counts.dice(n, c);
				row[4 * (c - 1)] = Double.isNaN(d) ? 1 : d;
				row[4 * (c - 1) + 1] = counts.intersection(n, c);
				row[4 * (c - 1) + 2] = counts.predicted(n, c);
				row[4 * (c - 1) + 3] = counts.truth(n, c);
			}
			t.add(row);
		}
		return of(t, volumeOfSlice);
	}

	/** The mean over volumes of each class's mean per-slice Dice ({@code pooled} false) or pooled 3D Dice. */
	public double[] meanOverVolumes(final boolean pooled) {
		final double[] out = new double[classes.size()];
		for (final Row r : rows) {
			for (int c = 0; c < out.length; c++) out[c] += (pooled ? r.pooledDice : r.meanSliceDice)[c] / rows.size();
		}
		return out;
	}

	/** A CSV table: volume, slices, then per class 'slice dice X' and 'pooled dice X'. */
	public String csv() {
		final StringBuilder b = new StringBuilder("volume,slices");
		for (final String x : classes) b.append(",slice dice ").append(x).append(",pooled dice ").append(x);
		b.append('\n');
		for (final Row r : rows) {
			b.append(r.volume).append(',').append(r.slices);
			for (int c = 0; c < classes.size(); c++) {
				b.append(String.format(Locale.ROOT, ",%.6f,%.6f", r.meanSliceDice[c], r.pooledDice[c]));
			}
			b.append('\n');
		}
		return b.toString();
	}

	private static double mean(final double[] v) {
		double s = 0;
		for (final double x : v) s += x;
		return v.length == 0 ? Double.NaN : s / v.length;
	}
}
