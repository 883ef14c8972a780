package sc.fiji.amat.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.report.EvaluationPreset;
import sc.fiji.amat.report.ReportResult;
import sc.fiji.amat.report.ReportSettings;
import sc.fiji.amat.report.ReportWriter;
import sc.fiji.amat.report.RobustnessReport;
import sc.fiji.amat.report.TestSet;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.train.AmatTraining;
import sc.fiji.amat.train.Calibration;
import sc.fiji.amat.train.ConsoleProgress;
import sc.fiji.amat.train.ModelTrainer;
import sc.fiji.amat.train.SatTraining;
import sc.fiji.amat.train.StandardTraining;
import sc.fiji.amat.train.Thresholds;
import sc.fiji.amat.train.TrainingRecipe;
import sc.fiji.amat.train.TrainingSettings;

/**
 * A fair comparison of the training methods, seed by seed: for every seed a standard model, SAT
 * at each eps with AMAT's loss mix ((1 - beta) clean + beta adversarial) and with the adversarial
 * loss alone (the paper's segmentation baseline), and AMAT; all from scratch unless asked
 * otherwise, with the same PGD steps, epochs, batch and learning rate; then one robustness
 * report per seed on the evaluation images, every seed at the same noise levels. The demo runs
 * it for one seed; {@code compare} for several, and {@link ComparisonSummary} puts the seeds
 * together.
 */
final class Comparison {

	final int epochs, steps;
	final double[] satEps;
	final boolean satAdversarialOnly, warm, extraChecks;
	final double amatDelta, advLrFactor, z, level;
	final boolean follow;
	final Thresholds.Statistic statistic;
	final EvaluationPreset evaluation;
	final List<String> customAttacks;
	/**
	 * AMAT's boundaries to train, one model each ("mean", "quantile+follow", "relative:0.2"): the
	 * statistic, optionally its level after a colon, and "+follow" for thresholds that follow the
	 * model; one entry trains one model named "amat".
	 */
	final List<String> amatVariants = new ArrayList<>();
	final int reportSteps;
	/** The report's noise levels; null: derived from the first seed's models, then kept for every seed. */
	double[] eps;

	/** Reads the options the demo and {@code compare} share. */
	Comparison(final Args args, final int defaultEpochs, final int defaultSteps, final String defaultSatEps,
		final boolean adversarialOnlyByDefault, final String defaultEps, final boolean extraChecksByDefault)
	{
		epochs = args.getInt("adv-epochs", defaultEpochs);
		steps = args.getInt("adv-steps", defaultSteps);
		satEps = ReportSettings.parseEps(args.get("sat-eps", defaultSatEps));
		satAdversarialOnly = adversarialOnlyByDefault ? !args.flag("no-sat-adversarial") : args.flag("sat-adversarial");
		extraChecks = extraChecksByDefault ? !args.flag("no-extra-checks") : args.flag("extra-checks");
		warm = args.flag("warm");
		advLrFactor = args.getDouble("adv-lr-factor", warm ? 0.5 : 1);
		double largest = 0;
		for (final double e : satEps) largest = Math.max(largest, e);
		// margins grow by at most delta per epoch: delta x epochs spans twice the largest SAT eps
		amatDelta = args.getDouble("amat-delta", roundDown(2 * largest / Math.max(1, epochs)));
		final TrainingRecipe defaults = TrainingRecipe.defaults(AmatTraining.KEY);
		statistic = Thresholds.Statistic.parse(args.get("amat-threshold", defaults.statistic.name()));
		final String variants = args.get("amat-variants", null);
		if (variants != null) {
			for (final String v : variants.split("[;,\\s]+")) {
				if (!v.isEmpty()) amatVariants.add(v.trim());
			}
		}
		z = args.getDouble("amat-z", 2);
		level = args.getDouble("amat-level", defaults.boundaryLevel);
		follow = defaults.followModel ? !args.flag("amat-fixed") : args.flag("amat-follow");
		evaluation = EvaluationPreset.parse(args.get("evaluation", EvaluationPreset.STRONG.key()));
		final String custom = args.get("attacks", null);
		customAttacks = custom == null ? null : ReportSettings.parseAttacks(custom);
		reportSteps = args.getInt("report-steps", 10);
		final String e = args.get("eps", defaultEps);
		eps = e == null ? null : ReportSettings.parseEps(e);
	}

	/** The names of the models of one seed, the standard one first. */
	List<String> names() {
		final List<String> names = new ArrayList<>();
		names.add(StandardTraining.KEY);
		for (final double e : satEps) names.add(SatTraining.KEY + "-" + Story.trim(e));
		if (satAdversarialOnly) for (final double e : satEps) names.add(SatTraining.KEY + "-adv-" + Story.trim(e));
		if (amatVariants.size() < 2) names.add(AmatTraining.KEY);
		else for (final String v : amatVariants) names.add(AmatTraining.KEY + "-" + v.replace('+', '-').replace(":", ""));
		return names;
	}

	/** What one seed gave: its report, and per model name the training seconds. */
	static final class SeedResult {

		final long seed;
		final ReportResult report;
		final Map<String, Double> trainSeconds;

		SeedResult(final long seed, final ReportResult report, final Map<String, Double> trainSeconds) {
			this.seed = seed;
			this.report = report;
			this.trainSeconds = trainSeconds;
		}
	}

	/**
	 * Trains every model of one seed (the standard model too, unless {@code standardFile} exists
	 * already) and reports them on {@code evaluation}.
	 *
	 * @param train the standard model's own training images (the adversarial models train on
	 *          exactly these and keep their last epoch)
	 */
	<L> SeedResult runSeed(final Task<L> task, final LabeledData<L> train, final TestSet<?> evaluationSet,
		final Normalization normalization, final TrainingSettings standardSettings, final Path standardFile,
		final Path out, final boolean trainStandard)
	{
		final Map<String, Double> seconds = new LinkedHashMap<>();
		if (trainStandard) {
			final long s0 = System.nanoTime();
			final TrainingSettings s = standardSettings.copy();
			s.validationFraction = 0;
			try (AmatModel m = new ModelTrainer<>(task, train, normalization, s, new StandardTraining(),
				new ConsoleProgress(System.out, "  standard ")).train())
			{
				m.save(standardFile);
			}
			seconds.put(StandardTraining.KEY, (System.nanoTime() - s0) / 1e9);
		}
		final TrainingSettings adv = standardSettings.copy();
		adv.epochs = epochs;
		adv.learningRate = (float) (standardSettings.learningRate * advLrFactor);
		adv.validationFraction = 0;
		final TrainingRecipe recipe = TrainingRecipe.defaults(AmatTraining.KEY);
		recipe.steps = steps;
		recipe.amatDelta = amatDelta;
		recipe.statistic = statistic;
		recipe.robustZ = z;
		recipe.boundaryLevel = level;
		recipe.followModel = follow;
		recipe.standardModel = standardFile;
		recipe.warmStart = warm;
		recipe.thresholds = Calibration.calibrate(standardFile, task, train, recipe.boundaryRule(), adv.batchSize,
			adv.device, "the standard model");
		System.out.println("  AMAT boundary: " + recipe.thresholds);

		final List<Path> files = new ArrayList<>();
		files.add(standardFile);
		final List<String> names = names();
		int amatModels = 0; // AMAT's models come last, one per variant, in the variants' order
		for (int n = 1; n < names.size(); n++) {
			final String name = names.get(n);
			final boolean amat = name.startsWith(AmatTraining.KEY);
			recipe.method = amat ? AmatTraining.KEY : SatTraining.KEY;
			if (amat && !amatVariants.isEmpty()) {
				variant(recipe, amatVariants.get(amatModels++));
				recipe.thresholds = Calibration.calibrate(standardFile, task, train, recipe.boundaryRule(), adv.batchSize,
					adv.device, "the standard model");
				System.out.println("  " + name + " boundary: " + recipe.thresholds);
			}
			if (!amat) {
				recipe.satLoss = name.startsWith(SatTraining.KEY + "-adv-") ? SatTraining.LossMode.ADVERSARIAL
					: SatTraining.LossMode.MIXED;
				recipe.satEps = Double.parseDouble(name.substring(name.lastIndexOf('-') + 1));
			}
			System.out.println("  training " + name + (amat ? " (delta " + Story.trim(amatDelta) + " rms)" : " rms" +
				(recipe.satLoss == SatTraining.LossMode.MIXED ? ", AMAT's loss mix" : ", adversarial loss only")));
			final long s0 = System.nanoTime();
			final Path file = standardFile.resolveSibling(standardFile.getFileName().toString().replace(
				StandardTraining.KEY, name));
			try (AmatModel model = recipe.train(task, train, normalization, adv, new Story.EpochPrinter("    " + name))) {
				model.save(file);
			}
			seconds.put(name, (System.nanoTime() - s0) / 1e9);
			files.add(file);
		}
		final ReportSettings rs = reportSettings(adv);
		final ReportResult r = RobustnessReport.evaluate(files, evaluationSet, rs, new Story.CurvePrinter());
		ReportWriter.write(r, out, null);
		System.out.printf(Locale.ROOT, "  report written to %s in %.0f s%n", out.resolve(ReportWriter.HTML), r.seconds());
		return new SeedResult(standardSettings.seed, r, seconds);
	}

	/** The report's settings: the preset (or custom attacks), L2, at the comparison's fixed levels when given. */
	ReportSettings reportSettings(final TrainingSettings adv) {
		final ReportSettings rs = new ReportSettings().preset(evaluation);
		rs.norm = Norm.L2;
		if (customAttacks != null) {
			rs.attacks = customAttacks;
			rs.pgdSteps = reportSteps;
		}
		rs.eps = eps;
		rs.extraChecks = extraChecks;
		rs.batchSize = adv.batchSize;
		rs.device = adv.device;
		return rs;
	}

	/** Sets a recipe's boundary from a variant: "quantile", "quantile:0.2", "relative+follow". */
	static void variant(final TrainingRecipe recipe, final String v) {
		String t = v;
		recipe.followModel = t.endsWith("+follow");
		if (recipe.followModel) t = t.substring(0, t.length() - "+follow".length());
		final int colon = t.indexOf(':');
		if (colon >= 0) {
			recipe.boundaryLevel = Double.parseDouble(t.substring(colon + 1));
			t = t.substring(0, colon);
		}
		recipe.statistic = Thresholds.Statistic.parse(t);
	}

	static double roundDown(final double v) {
		final double p = Math.pow(10, Math.floor(Math.log10(v)) - 1);
		return Math.floor(v / p + 1e-9) * p;
	}
}
