package sc.fiji.amat.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.report.Metrics;
import sc.fiji.amat.report.ModelResult;
import sc.fiji.amat.report.ReportListener;
import sc.fiji.amat.report.ReportResult;
import sc.fiji.amat.report.ReportSettings;
import sc.fiji.amat.report.ReportWriter;
import sc.fiji.amat.report.RobustnessReport;
import sc.fiji.amat.report.SanityChecks;
import sc.fiji.amat.report.TestSet;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.train.AmatTraining;
import sc.fiji.amat.train.Calibration;
import sc.fiji.amat.train.SatTraining;
import sc.fiji.amat.train.Splits;
import sc.fiji.amat.train.StandardTraining;
import sc.fiji.amat.train.Thresholds;
import sc.fiji.amat.train.TrainingListener;
import sc.fiji.amat.train.TrainingRecipe;
import sc.fiji.amat.train.TrainingSettings;

/**
 * The demo's second part: SAT at two noise sizes and AMAT (thresholds calibrated on the
 * standard model), trained on the standard model's own training images and kept at their last
 * epoch, then the robustness report of all four and whether it shows what the paper claims.
 * Shortened to fit a few minutes on two CPU cores: warm start from the standard model, few
 * epochs and few PGD steps in training (the paper trains from scratch with T = 20); the report
 * attacks with more steps than training used.
 */
final class Story {

	final boolean skip;
	private final int epochs, steps, reportSteps, ifgsmSteps, noiseDraws;
	private final double[] satEps;
	private final double amatDelta, z, level, advLrFactor;
	private final Thresholds.Statistic statistic;
	private final boolean warm, follow;
	private final List<String> attacks;

	Story(final Args args) {
		skip = args.flag("no-report");
		epochs = args.getInt("adv-epochs", 8);
		steps = args.getInt("adv-steps", 5);
		satEps = ReportSettings.parseEps(args.get("sat-eps", "0.05,0.15"));
		amatDelta = args.getDouble("amat-delta", 0.04);
		// fine-tuning a warm-started model at the full rate diverged in both landmark demo runs
		// tried (AMAT: a NaN loss in one, a loss jump 0.15 -> 1.35 in the last epoch of the other)
		warm = !args.flag("cold");
		advLrFactor = args.getDouble("adv-lr-factor", warm ? 0.5 : 1);
		statistic = Thresholds.Statistic.parse(args.get("amat-threshold", "mean"));
		z = args.getDouble("amat-z", 2);
		level = args.getDouble("amat-level", 0.1);
		follow = args.flag("amat-follow");
		reportSteps = args.getInt("report-steps", 10);
		ifgsmSteps = args.getInt("report-ifgsm-steps", 5);
		noiseDraws = args.getInt("report-noise-draws", 5);
		attacks = ReportSettings.parseAttacks(args.get("attacks", "pgd,ifgsm,fgsm,noise"));
	}

	<L> void run(final Task<L> task, final ImageJTaskType type, final LabeledData<L> train, final LabeledData<L> testData,
		final Normalization normalization, final TrainingSettings standardSettings, final Path standardFile,
		final Path data, final Path out, final long t0)
	{
		// the standard model's own training images; the adversarial models train on exactly these
		// and keep their last epoch: picking the epoch by clean validation metric would favour the
		// least robust one, and differently for each method
		final LabeledData<L> own = train.subset(Splits.trainingAndValidation(train.size(),
			standardSettings.validationFraction, standardSettings.seed)[0]);
		final TrainingSettings adv = new TrainingSettings();
		adv.epochs = epochs;
		adv.batchSize = standardSettings.batchSize;
		adv.learningRate = (float) (standardSettings.learningRate * advLrFactor);
		adv.seed = standardSettings.seed;
		adv.device = standardSettings.device;
		adv.validationFraction = 0;
		System.out.printf(Locale.ROOT, "%nadversarial training, shortened for the demo: %s, %d epochs, PGD-L2 with T = %d " +
			"steps (the paper: from scratch, T = 20), on the standard model's %d training images; each keeps its last " +
			"epoch; Adam at %s%n", warm ? "warm start from the standard model" : "from scratch", epochs, steps, own.size(),
			trim(adv.learningRate));

		// SAT (adversarial loss only, as the research code trains segmentation) and AMAT, each
		// from the recipe with the demo's shortened settings, warm-started from the standard model
		final TrainingRecipe recipe = TrainingRecipe.defaults(AmatTraining.KEY);
		recipe.steps = steps;
		recipe.satLoss = SatTraining.LossMode.ADVERSARIAL;
		recipe.amatDelta = amatDelta;
		recipe.statistic = statistic;
		recipe.robustZ = z;
		recipe.boundaryLevel = level;
		recipe.followModel = follow;
		recipe.standardModel = standardFile;
		recipe.warmStart = warm;
		recipe.thresholds = Calibration.calibrate(standardFile, task, own, recipe.boundaryRule(), adv.batchSize,
			adv.device, "the standard model");
		System.out.println("AMAT boundary: " + recipe.thresholds);

		final List<String> names = new ArrayList<>();
		for (final double e : satEps) names.add(SatTraining.KEY + "-" + trim(e));
		names.add(AmatTraining.KEY);
		final List<Path> files = new ArrayList<>();
		files.add(standardFile);
		final Map<String, Double> trainSeconds = new LinkedHashMap<>();
		for (int m = 0; m < names.size(); m++) {
			final String name = names.get(m);
			final boolean sat = m < satEps.length;
			recipe.method = sat ? SatTraining.KEY : AmatTraining.KEY;
			if (sat) recipe.satEps = satEps[m];
			System.out.println("training " + (sat ? name + " rms" : "amat delta " + trim(amatDelta) + " rms"));
			final long s0 = System.nanoTime();
			final Path file = out.resolve(task.type() + "-" + name + ".amat.zip");
			try (AmatModel model = recipe.train(task, own, normalization, adv, new EpochPrinter("  " + name))) {
				model.save(file);
				System.out.printf(Locale.ROOT, "  %s: %.0f s, saved %s%n", name, (System.nanoTime() - s0) / 1e9, file);
			}
			trainSeconds.put(name, (System.nanoTime() - s0) / 1e9);
			files.add(file);
		}

		final ReportSettings rs = new ReportSettings();
		rs.attacks = attacks;
		rs.norm = Norm.L2;
		rs.pgdSteps = reportSteps;
		rs.ifgsmSteps = ifgsmSteps;
		rs.noiseDraws = noiseDraws;
		rs.batchSize = adv.batchSize;
		rs.device = adv.device;
		System.out.printf(Locale.ROOT, "%nrobustness report on the %d test images (%s)%n", testData.size(), rs
			.describe());
		final TestSet<?> test = TestSet.fromFiles(task.type(), data.resolve("test-images.tif"), type.sampleLabels(data,
			"test"));
		final ReportResult r = RobustnessReport.evaluate(files, test, rs, new CurvePrinter());
		final Path html = ReportWriter.write(r, out.resolve("report"), null);
		System.out.printf(Locale.ROOT, "report written to %s (and report.csv, scores.csv, checks.csv, plots/, " +
			"examples/) in %.0f s%n", html, r.seconds());

		System.out.println();
		Report.printScores(r, System.out);
		System.out.println();
		final List<String> scored = r.scoredAttacks();
		final String worst = scored.get(scored.size() - 1);
		// the task's first dataset-level metric besides the primary one (pooled Dice, mAP@0.5:0.95), if any
		final List<String> secondary = Metrics.secondaryDatasetMetrics(r.models().get(0).tables(scored.get(0))[0]);
		final String second = secondary.isEmpty() ? null : secondary.get(0);
		final boolean pooled = second != null;
		System.out.printf(Locale.ROOT, "%-22s %14s %12s %10s %12s %12s%n", "model", "clean " + task.metricName(),
			pooled ? second : "", "PGD score", "worst score", "train time");
		for (final ModelResult m : r.models()) {
			final String key = m.name.replace(task.type() + "-", "");
			final Double secs = trainSeconds.get(key);
			System.out.printf(Locale.ROOT, "%-22s %14.4f %12s %10s %12.4f %12s%n", m.name, m.cleanMetric(), pooled ? String
				.format(Locale.ROOT, "%.4f", r.table().mean(m.name, scored.get(0), 0, second)) : "", m
					.scores().containsKey("pgd") ? String.format(Locale.ROOT, "%.4f", m.score("pgd").score) : "-", m.score(
						worst).score, secs == null ? "(part 1)" : String.format(Locale.ROOT, "%.0f s", secs));
		}
		claims(r);
		final long warnings = r.flags().stream().filter(SanityChecks.Flag::isWarning).count();
		System.out.printf(Locale.ROOT, "sanity checks: %d warning(s), %d note(s)%n", warnings, r.flags().size() -
			warnings);
		System.out.printf(Locale.ROOT, "total wall time %.1f s, peak memory (resident) %s%n", (System.nanoTime() - t0) /
			1e9, Demo.peakMemory());
	}

	/** Says, with the numbers, whether the report shows what the paper claims. */
	static void claims(final ReportResult r) {
		ModelResult standard = null, amatModel = null;
		final List<ModelResult> sat = new ArrayList<>();
		for (final ModelResult m : r.models()) {
			if (m.method().equals(StandardTraining.KEY)) standard = m;
			else if (m.method().equals(AmatTraining.KEY)) amatModel = m;
			else if (m.method().equals(SatTraining.KEY)) sat.add(m);
		}
		if (standard == null || amatModel == null || sat.isEmpty()) return;
		final List<String> scored = r.scoredAttacks();
		final String strongest = scored.contains("pgd") ? "pgd" : scored.get(0);
		final String worst = scored.get(scored.size() - 1);
		System.out.println("what the paper claims, on this data:");
		final double[] pgd = curve(r, standard, strongest);
		final String metric = standard.primaryMetric;
		System.out.printf(Locale.ROOT, "  the standard model collapses as eps grows: %s (%s %s %.3f clean, %.3f at eps " +
			"%s)%n", pgd[pgd.length - 1] < 0.5 * pgd[0] ? "yes" : "no", strongest, metric, pgd[0], pgd[pgd.length - 1],
			trim(r.eps.max()));
		final double gap = standard.cleanMetric() - amatModel.cleanMetric();
		System.out.printf(Locale.ROOT, "  AMAT keeps clean %s close to standard (within 0.02): %s (%.4f vs %.4f)%n",
			metric, gap <= 0.02 ? "yes" : "no", amatModel.cleanMetric(), standard.cleanMetric());
		for (final String attack : new LinkedHashSet<>(List.of(strongest, worst))) {
			double bestSat = Double.NEGATIVE_INFINITY;
			String bestSatName = "";
			for (final ModelResult m : sat) {
				if (m.score(attack).score > bestSat) {
					bestSat = m.score(attack).score;
					bestSatName = m.name;
				}
			}
			final double a = amatModel.score(attack).score;
			System.out.printf(Locale.ROOT, "  AMAT beats every SAT model's robustness score (%s): %s (%.4f vs best SAT " +
				"%.4f, %s)%n", attack, a > bestSat ? "yes" : "no", a, bestSat, bestSatName);
		}
		final NoiseBudget delta = AmatTraining.delta(amatModel.info.training);
		if (delta != null) {
			System.out.println("  AMAT's margins after the last epoch: " + AmatTraining.statistics(amatModel.info.training) +
				" (delta " + trim(delta.value()) + " rms)");
		}
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
