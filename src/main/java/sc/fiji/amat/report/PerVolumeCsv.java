package sc.fiji.amat.report;

import java.util.List;
import java.util.Locale;

import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.segmentation.VolumeDice;

/**
 * The report's Dice per volume, for a test set of slices cut from volumes: for every model,
 * attack (the worst case included) and noise level, per volume and foreground class, the mean
 * per-slice Dice and the pooled 3D Dice ({@link VolumeDice}). A long table, one row per model,
 * attack, level, volume and class, beside the per-image {@code report.csv}.
 */
public final class PerVolumeCsv {

	public static final String FILE = "per-volume.csv";
	static final String HEADER = "model,attack,level,eps,volume,slices,class,slice dice,pooled dice";

	private PerVolumeCsv() {}

	/**
	 * The table for a report whose test images are slices of the given volumes (one name per
	 * test image, in the test set's order); null when its metric tables have no per-class
	 * counts (a task other than segmentation).
	 */
	public static String csv(final ReportResult r, final List<String> volumeOfImage) {
		return csv(r.models(), r.eps.values(), volumeOfImage);
	}

	static String csv(final List<ModelResult> models, final double[] levels, final List<String> volumeOfImage) {
		final StringBuilder b = new StringBuilder(HEADER).append('\n');
		boolean any = false;
		for (final ModelResult m : models) {
			for (final String attack : m.attacks()) {
				final MetricTable[] tables = m.tables(attack);
				for (int k = 0; k < tables.length; k++) {
					final VolumeDice d = VolumeDice.of(tables[k], volumeOfImage);
					for (final VolumeDice.Row row : d.rows) {
						for (int c = 0; c < d.classes.size(); c++) {
							any = true;
							b.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%s,%d,%s,%.6f,%.6f\n", quote(m.name), quote(attack),
								EpsLevels.format(levels[k]), m.epsAbsolute == null ? "" : Double.toString(m.epsAbsolute[k]), quote(
									row.volume), row.slices, quote(d.classes.get(c)), row.meanSliceDice[c], row.pooledDice[c]));
						}
					}
				}
			}
		}
		return any ? b.toString() : null;
	}

	/**
	 * For the report page: per model and noise level, under the given attack, the mean over
	 * volumes (and foreground classes) of the mean per-slice Dice and of the pooled 3D Dice
	 * ({@code [model][level][0 or 1]}); null when the test images are not slices of volumes or
	 * the task has no per-class counts (not segmentation).
	 */
	static double[][][] summary(final ReportResult r, final String attack) {
		final List<String> volumes = r.volumes();
		if (volumes == null || r.models().isEmpty()) return null;
		final double[][][] out = new double[r.models().size()][][];
		for (int i = 0; i < out.length; i++) {
			final ModelResult m = r.models().get(i);
			if (!m.attacks().contains(attack)) return null;
			final MetricTable[] tables = m.tables(attack);
			out[i] = new double[tables.length][];
			for (int k = 0; k < tables.length; k++) {
				final VolumeDice d = VolumeDice.of(tables[k], volumes);
				if (d.classes.isEmpty()) return null;
				out[i][k] = new double[] { mean(d.meanOverVolumes(false)), mean(d.meanOverVolumes(true)) };
			}
		}
		return out;
	}

	private static double mean(final double[] v) {
		double s = 0;
		for (final double x : v) s += x;
		return v.length == 0 ? Double.NaN : s / v.length;
	}

	private static String quote(final String s) {
		return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
	}
}
