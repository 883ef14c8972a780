package sc.fiji.amat.app;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.AtomicFiles;
import sc.fiji.amat.report.ModelResult;
import sc.fiji.amat.report.WorstCase;
import sc.fiji.amat.train.AmatEpoch;
import sc.fiji.amat.train.AmatTraining;
import sc.fiji.amat.train.StandardTraining;

/**
 * The seeds of a {@link Comparison} put together: per model its clean metric and worst-case
 * robustness score as mean and standard deviation over the seeds, the paired difference AMAT -
 * best SAT (the SAT model with the highest mean score, compared seed by seed), and the paper's
 * claims answered yes, no, or "tie within seed spread" (the paired difference's mean within
 * twice its standard error of 0). With one seed there is no spread, and it says so.
 */
final class ComparisonSummary {

	/** One model's numbers over the seeds, in seed order. */
	static final class Column {

		final String name;
		final double[] clean, score, seconds;
		/** AMAT's last epoch per seed: its margin distribution and how many samples grew. */
		final List<AmatEpoch> amatLast = new ArrayList<>();

		Column(final String name, final int seeds) {
			this.name = name;
			clean = new double[seeds];
			score = new double[seeds];
			seconds = new double[seeds];
		}
	}

	final List<Column> columns = new ArrayList<>();
	final String metric;
	final int seeds;

	ComparisonSummary(final List<String> names, final List<Comparison.SeedResult> results) {
		seeds = results.size();
		metric = results.get(0).report.models().get(0).primaryMetric;
		for (final String name : names) columns.add(new Column(name, seeds));
		for (int s = 0; s < seeds; s++) {
			final Comparison.SeedResult r = results.get(s);
			for (int m = 0; m < names.size(); m++) {
				final ModelResult mr = r.report.models().get(m);
				final Column c = columns.get(m);
				c.clean[s] = mr.cleanMetric();
				c.score[s] = mr.score(WorstCase.NAME).score;
				final Double t = r.trainSeconds.get(names.get(m));
				c.seconds[s] = t == null ? Double.NaN : t;
				if (names.get(m).startsWith(AmatTraining.KEY)) {
					final List<AmatEpoch> h = AmatEpoch.history(mr.info.training);
					if (!h.isEmpty()) c.amatLast.add(h.get(h.size() - 1));
				}
			}
		}
	}

	Column column(final String name) {
		for (final Column c : columns) {
			if (c.name.equals(name)) return c;
		}
		throw new IllegalArgumentException(name);
	}

	/** The SAT model with the highest mean worst-case score. */
	Column bestSat() {
		Column best = null;
		for (final Column c : columns) {
			if (c.name.startsWith("sat") && (best == null || mean(c.score) > mean(best.score))) best = c;
		}
		return best;
	}

	/** The SAT model whose mean worst-case score is closest to an AMAT model's. */
	Column closestSat(final Column amat) {
		final double a = mean(amat.score);
		Column best = null;
		for (final Column c : columns) {
			if (c.name.startsWith("sat") && (best == null || Math.abs(mean(c.score) - a) < Math.abs(mean(best.score) -
				a))) best = c;
		}
		return best;
	}

	void print(final PrintStream out) {
		out.printf(Locale.ROOT, "%-22s %22s %26s %14s%n", "model", "clean " + metric + " (mean ± sd)",
			"worst-case score (mean ± sd)", "train time");
		for (final Column c : columns) {
			final double t = mean(c.seconds);
			out.printf(Locale.ROOT, "%-22s %22s %26s %14s%n", c.name, ms(c.clean), ms(c.score), Double.isNaN(t) ? "(part 1)"
				: String.format(Locale.ROOT, "%.0f s", t));
		}
		out.printf(Locale.ROOT, "over %d seed(s); the score is the report's worst case over every attack, loss and run%n",
			seeds);
		final Column sat = bestSat(), standard = column(StandardTraining.KEY);
		if (sat == null) return;
		out.println("what the paper claims, on this data:");
		for (final Column amat : columns) {
			if (amat.name.startsWith(AmatTraining.KEY)) claims(out, amat, sat, standard);
		}
	}

	private void claims(final PrintStream out, final Column amat, final Column sat, final Column standard) {
		final double[] d = new double[seeds];
		for (int s = 0; s < seeds; s++) d[s] = amat.score[s] - sat.score[s];
		out.printf(Locale.ROOT, "  %s's robustness score at least the best SAT's (%s; paired difference %+.4f ± %.4f " +
			"sd): %s%n", amat.name, sat.name, mean(d), sd(d), verdict(d));
		final Column closest = closestSat(amat);
		final double amatDrop = mean(standard.clean) - mean(amat.clean), satDrop = mean(standard.clean) - mean(
			closest.clean);
		out.printf(Locale.ROOT, "  %s's clean %s drop from standard at most half that of the SAT model of closest " +
			"robustness (%s): %s (drops %.4f vs %.4f)%n", amat.name, metric, closest.name, amatDrop <= 0.5 * Math.max(0,
				satDrop) || amatDrop <= 0 ? "yes" : "no", amatDrop, satDrop);
		if (!amat.amatLast.isEmpty()) {
			final double[] twice = new double[amat.amatLast.size()], ratio = new double[twice.length];
			for (int s = 0; s < twice.length; s++) {
				twice[s] = amat.amatLast.get(s).fractionExpandedTwice;
				ratio[s] = amat.amatLast.get(s).q90 / amat.amatLast.get(s).q10;
			}
			out.printf(Locale.ROOT, "  %s's margins differ across samples (a third or more expanded twice or more, 90th " +
				"percentile at least 3x the 10th): %s (expanded twice or more: %s; q90/q10: %s)%n", amat.name, mean(twice) >=
					1 / 3.0 && mean(ratio) >= 3 ? "yes" : "no", ms(twice), ms(ratio));
			for (final AmatEpoch e : amat.amatLast) out.println("    last epoch: " + e.line());
		}
	}

	/** yes, no, or a tie, from paired differences (positive: AMAT better). */
	static String verdict(final double[] d) {
		final double m = mean(d);
		if (d.length < 2) return (m > 0 ? "yes" : "no") + String.format(Locale.ROOT, " (%+.4f, one seed: no spread; " +
			"scripts/amat compare runs several)", m);
		final double se = sd(d) / Math.sqrt(d.length);
		final String v = m - 2 * se > 0 ? "yes" : m + 2 * se < 0 ? "no" : "tie within seed spread";
		return String.format(Locale.ROOT, "%s (%+.4f, standard error %.4f, %d seeds)", v, m, se, d.length);
	}

	/** Writes one row per seed and model. */
	void writeCsv(final Path file, final List<Comparison.SeedResult> results) {
		final StringBuilder b = new StringBuilder("seed,model,clean " + metric + ",worst-case score,train seconds\n");
		for (int s = 0; s < seeds; s++) {
			for (final Column c : columns) {
				b.append(String.format(Locale.ROOT, "%d,%s,%.6f,%.6f,%.1f%n", results.get(s).seed, c.name, c.clean[s],
					c.score[s], c.seconds[s]));
			}
		}
		AtomicFiles.writeText(file, "the comparison table", b.toString());
	}

	static String ms(final double[] v) {
		return v.length < 2 ? String.format(Locale.ROOT, "%.4f", mean(v)) : String.format(Locale.ROOT, "%.4f ± %.4f",
			mean(v), sd(v));
	}

	static double mean(final double[] v) {
		double s = 0;
		int n = 0;
		for (final double x : v) {
			if (!Double.isNaN(x)) {
				s += x;
				n++;
			}
		}
		return n == 0 ? Double.NaN : s / n;
	}

	static double sd(final double[] v) {
		if (v.length < 2) return 0;
		final double m = mean(v);
		double s = 0;
		for (final double x : v) s += (x - m) * (x - m);
		return Math.sqrt(s / (v.length - 1));
	}
}
