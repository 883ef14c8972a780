package sc.fiji.amat.app;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.report.ModelResult;
import sc.fiji.amat.report.ReportListener;
import sc.fiji.amat.report.ReportResult;
import sc.fiji.amat.report.SanityChecks;
import sc.fiji.amat.report.TestSet;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.train.Splits;
import sc.fiji.amat.train.TrainingListener;
import sc.fiji.amat.train.TrainingSettings;

/**
 * The demo's second part: the fair comparison of {@link Comparison} for one seed, shortened to
 * fit a few minutes on two CPU cores: SAT at each eps with AMAT's loss mix and with the
 * adversarial loss alone, and AMAT, all from scratch (as the paper trains) on the standard model's
 * own training images with the same steps and epochs, each keeping its last epoch; then the
 * robustness report of all of them with the strong evaluation, and whether it shows what the
 * paper claims. One seed has no spread: {@code scripts/amat compare} runs several.
 */
final class Story {

	final boolean skip;
	private final Comparison comparison;

	Story(final Args args) {
		skip = args.flag("no-report");
		comparison = new Comparison(args, 5, 3, "0.1", false, "0,0.1,0.2,0.3", false);
	}

	<L> void run(final Task<L> task, final ImageJTaskType type, final LabeledData<L> train, final LabeledData<L> testData,
		final Normalization normalization, final TrainingSettings standardSettings, final Path standardFile,
		final Path data, final Path out, final long t0)
	{
		// the standard model's own training images; the adversarial models train on exactly these
		// and keep their last epoch: picking the epoch by clean validation metric would favour the
		// least robust one, and differently for each method
		final LabeledData<L> own = train.subset(Splits.trainingAndValidation(train,
			standardSettings.validationFraction, standardSettings.seed)[0]);
		System.out.printf(Locale.ROOT, "%nadversarial training, shortened for the demo: %s, %d epochs, PGD-L2 with T = %d " +
			"steps (the paper: T = 20), on the standard model's %d training images, each keeping its last epoch; SAT " +
			"with AMAT's loss mix and with the adversarial loss alone%n", comparison.warm
				? "warm start from the standard model" : "from scratch", comparison.epochs, comparison.steps, own.size());
		final TestSet<?> test = TestSet.fromFiles(task.type(), data.resolve("test-images.tif"), type.sampleLabels(data,
			"test"));
		final Comparison.SeedResult seed = comparison.runSeed(task, own, test, normalization, standardSettings,
			standardFile, out.resolve("report"), false);
		final ReportResult r = seed.report;

		System.out.println();
		Report.printScores(r, System.out);
		System.out.println();
		final ComparisonSummary summary = new ComparisonSummary(comparison.names(), List.of(seed));
		summary.print(System.out);
		final List<String> scored = r.scoredAttacks();
		final ModelResult standard = r.models().get(0);
		final double[] worst = curve(r, standard, scored.get(scored.size() - 1));
		System.out.printf(Locale.ROOT, "  the standard model collapses as eps grows: %s (worst-case %s %.3f clean, " +
			"%.3f at eps %s)%n", worst[worst.length - 1] < 0.5 * worst[0] ? "yes" : "no", standard.primaryMetric,
			worst[0], worst[worst.length - 1], trim(r.eps.max()));
		final long warnings = r.flags().stream().filter(SanityChecks.Flag::isWarning).count();
		System.out.printf(Locale.ROOT, "sanity checks: %d warning(s), %d note(s)%n", warnings, r.flags().size() -
			warnings);
		r.flags().forEach(f -> System.out.println("  " + f));
		System.out.printf(Locale.ROOT, "total wall time %.1f s, peak memory (resident) %s%n", (System.nanoTime() - t0) /
			1e9, Demo.peakMemory());
	}

	private static double[] curve(final ReportResult r, final ModelResult m, final String attack) {
		final List<sc.fiji.amat.report.ReportTable.Row> rows = r.table().curve(m.name, attack, m.primaryMetric);
		final double[] v = new double[rows.size()];
		for (int k = 0; k < v.length; k++) v[k] = rows.get(k).mean;
		return v;
	}

	static String trim(final double v) {
		final String s = String.format(Locale.ROOT, "%.4g", v);
		return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
	}

	/** One line per epoch of a run without validation: loss, time, the method's statistics. */
	static final class EpochPrinter implements TrainingListener {

		private final String prefix;

		EpochPrinter(final String prefix) {
			this.prefix = prefix;
		}

		@Override
		public void epochEnded(final EpochSummary s) {
			System.out.printf(Locale.ROOT, "%s epoch %d/%d  loss %.4f  %.1f s%s%n", prefix, s.epoch, s.epochs, s.loss,
				s.seconds, s.methodStatistics.isEmpty() ? "" : "  " + s.methodStatistics);
		}

		@Override
		public void message(final String text) {
			System.out.println(prefix + " " + text);
		}
	}

	/** Prints one line per model and attack: the primary metric at every level. */
	static final class CurvePrinter implements ReportListener {

		private String attack;
		private final StringBuilder line = new StringBuilder();
		private double clean;

		@Override
		public void message(final String text) {
			System.out.println(text);
		}

		@Override
		public void evaluated(final String m, final String a, final double eps, final String metric, final double mean) {
			if (a.equals("clean")) {
				flush();
				clean = mean;
				attack = null;
				System.out.printf(Locale.ROOT, "  %s: clean %s %.4f%n", m, metric, mean);
				return;
			}
			if (!a.equals(attack)) {
				flush();
				attack = a;
				line.append(String.format(Locale.ROOT, "    %-6s %.3f", a, clean));
			}
			line.append(String.format(Locale.ROOT, " %.3f", mean));
		}

		private void flush() {
			if (line.length() > 0) System.out.println(line);
			line.setLength(0);
		}

		@Override
		public void progress(final double fraction, final String status, final double secondsLeft) {
			if (fraction >= 1) flush();
		}
	}
}
