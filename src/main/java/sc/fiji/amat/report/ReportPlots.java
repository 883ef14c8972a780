package sc.fiji.amat.report;

import ij.gui.Plot;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's metric-vs-eps plots as ImageJ 1.x {@link Plot}s: one plot per attack (and the
 * worst case) and metric (the primary metric, and the task's other dataset-level metrics), one line
 * per model, the robustness score in the legend. A command shows them with {@code plot.show()};
 * the writer saves them as PNG (headless works).
 */
public final class ReportPlots {

	static final Color[] COLORS = { new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
		new Color(0x9467bd), new Color(0x17becf), new Color(0xe377c2), new Color(0x8c564b), new Color(0x7f7f7f),
		new Color(0xbcbd22) };

	/** A plot and the file name it is saved under. */
	public static final class NamedPlot {

		public final String file;
		public final String attack;
		public final String metric;
		public final Plot plot;

		NamedPlot(final String file, final String attack, final String metric, final Plot plot) {
			this.file = file;
			this.attack = attack;
			this.metric = metric;
			this.plot = plot;
		}
	}

	private ReportPlots() {}

	/** The metrics plotted: the primary metric, then the task's other dataset-level metrics (pooled Dice, ...). */
	public static List<String> plottedMetrics(final ReportResult r) {
		final List<String> out = new ArrayList<>();
		if (r.models().isEmpty()) return out;
		final ModelResult first = r.models().get(0);
		out.add(first.primaryMetric);
		for (final String m : secondaryMetrics(first)) {
			if (!out.contains(m)) out.add(m);
		}
		return out;
	}

	/** A model's dataset-level metrics besides its primary metric, from its clean table. */
	static List<String> secondaryMetrics(final ModelResult m) {
		if (m.tables.isEmpty()) return new ArrayList<>();
		return Metrics.secondaryDatasetMetrics(m.tables.values().iterator().next()[0]);
	}

	/** All plots of a report. */
	public static List<NamedPlot> create(final ReportResult r) {
		final List<NamedPlot> out = new ArrayList<>();
		for (final String metric : plottedMetrics(r)) {
			for (final String attack : r.scoredAttacks()) {
				out.add(new NamedPlot(fileName(metric, attack), attack, metric, plot(r, attack, metric)));
			}
		}
		return out;
	}

	static String fileName(final String metric, final String attack) {
		return ("plot-" + metric + "-" + attack + ".png").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-");
	}

	/** One plot: the metric under one attack against eps, a line per model. */
	public static Plot plot(final ReportResult r, final String attack, final String metric) {
		final EpsLevels eps = r.eps;
		final Plot plot = new Plot(metric + " under " + attack, "eps (" + (eps.norm == sc.fiji.amat.attack.Norm.L2 ? "L2"
			: "Linf") + ", " + eps.describeUnit() + ")", metric);
		plot.setFrameSize(520, 300);
		double lo = 0, hi = 1;
		final StringBuilder legend = new StringBuilder();
		int m = 0;
		for (final ModelResult mr : r.models()) {
			final List<ReportTable.Row> rows = r.table().curve(mr.name, attack, metric);
			final double[] x = new double[rows.size()], y = new double[rows.size()];
			for (int k = 0; k < x.length; k++) {
				x[k] = rows.get(k).eps;
				y[k] = rows.get(k).mean;
				if (!Double.isNaN(y[k])) {
					lo = Math.min(lo, y[k]);
					hi = Math.max(hi, y[k]);
				}
			}
			// both colours: ImageJ draws the connecting lines in the second one
			plot.setColor(COLORS[m % COLORS.length], COLORS[m % COLORS.length]);
			plot.setLineWidth(2);
			plot.addPoints(x, y, Plot.CONNECTED_CIRCLES);
			if (legend.length() > 0) legend.append('\n');
			final RobustnessScore score = metric.equals(mr.primaryMetric) ? mr.score(attack) : null;
			legend.append(mr.name).append(score == null ? "" : String.format(Locale.ROOT, " (score %.3f)", score.score));
			m++;
		}
		plot.setColor(Color.black);
		plot.setLineWidth(1);
		plot.setLimits(0, eps.max(), lo, hi);
		plot.addLegend(legend.toString());
		return plot;
	}
}
