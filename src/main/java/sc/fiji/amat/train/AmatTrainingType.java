package sc.fiji.amat.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ModelInfo;

/**
 * Registers {@link AmatTraining}: delta and the largest margin in rms per value, with boundary
 * thresholds given, given by the user, calibrated on a standard model file, or calibrated on a
 * standard model trained first with the same settings (saved when the recipe names a file; a
 * warm start then starts from it).
 */
@Plugin(type = TrainingMethodType.class, name = AmatTraining.KEY, priority = 100)
public final class AmatTrainingType implements TrainingMethodType {

	@Override
	public String key() {
		return AmatTraining.KEY;
	}

	@Override
	public String displayName() {
		return "AMAT";
	}

	@Override
	public void check(final TrainingRecipe recipe) {
		settings(recipe);
		if (!(recipe.amatDelta > 0)) throw new AmatException("AMAT needs delta > 0, got " + recipe.amatDelta + ".");
	}

	private static AmatTraining.Settings settings(final TrainingRecipe r) {
		final AmatTraining.Settings s = new AmatTraining.Settings(NoiseBudget.of(r.amatDelta, EpsUnit.RMS, Norm.L2));
		s.epsMax = r.amatMaxMargin > 0 ? NoiseBudget.of(r.amatMaxMargin, EpsUnit.RMS, Norm.L2) : null;
		s.steps = r.steps;
		s.alpha = r.alpha;
		s.beta = r.beta;
		s.bisection = r.bisection;
		s.rule = r.statistic == Thresholds.Statistic.USER ? null : r.boundaryRule();
		return s;
	}

	@Override
	public <L> TrainingMethod create(final TrainingRecipe r, final TrainingRun<L> run) {
		Path standardFile = r.standardModel;
		Thresholds thresholds = r.thresholds;
		if (thresholds == null) {
			if (r.statistic == Thresholds.Statistic.USER) {
				if (r.userThresholds == null) throw new AmatException("User thresholds were chosen but none were given.");
				thresholds = new Thresholds(run.task.boundarySpec(), r.userThresholds, "given by the user");
			}
			else if (standardFile != null) {
				thresholds = Calibration.calibrate(standardFile, run.task, run.data, r.boundaryRule(),
					run.settings.batchSize, run.settings.device, null);
			}
			else {
				thresholds = calibrateOnANewStandardModel(r, run);
				standardFile = r.standardModelOut;
			}
			run.listener.message("AMAT boundary: " + thresholds);
		}
		if (r.warmStart) run.settings.warmStart = standardFile;
		return new AmatTraining(settings(r), thresholds, run.data.sampleSize());
	}

	/** Step 1 of 2: a standard model with the run's settings, saved when the recipe says where. */
	private static <L> Thresholds calibrateOnANewStandardModel(final TrainingRecipe r, final TrainingRun<L> run) {
		run.listener.message("AMAT step 1 of 2: training a standard model to calibrate the boundary thresholds on");
		final TrainingSettings plain = run.settings.copy();
		plain.checkpoint = null;
		final Thresholds thresholds;
		try (AmatModel standard = new ModelTrainer<>(run.task, run.data, run.normalization, plain,
			new StandardTraining(), run.listener).train())
		{
			thresholds = Calibration.calibrate(standard, run.data, r.boundaryRule(), run.settings.batchSize,
				"a standard model trained with the same settings");
			if (r.standardModelOut != null) {
				standard.save(r.standardModelOut);
				run.listener.message("saved the standard model to " + r.standardModelOut);
			}
			else if (r.warmStart) {
				throw new AmatException("A warm start needs the standard model saved: give a file for it.");
			}
		}
		run.listener.message("AMAT step 2 of 2: adaptive-margin adversarial training");
		return thresholds;
	}

	@Override
	public NoiseBudget trainedBudget(final ModelInfo.Training record) {
		final List<AmatEpoch> h = AmatEpoch.history(record);
		final double median = h.isEmpty() ? Double.NaN : h.get(h.size() - 1).median;
		return median >= 0 && !Double.isInfinite(median) ? h.get(h.size() - 1).medianBudget() : AmatTraining.delta(
			record);
	}

	@Override
	public String label(final ModelInfo.Training record) {
		final NoiseBudget delta = AmatTraining.delta(record);
		return delta == null ? key() : String.format(Locale.ROOT, "%s, delta %.4f rms", key(), delta.value());
	}

	@Override
	public Map<String, String> summary(final ModelInfo.Training record) {
		final List<AmatEpoch> h = AmatEpoch.history(record);
		if (h.isEmpty()) return Collections.emptyMap();
		final AmatEpoch last = h.get(h.size() - 1);
		final Map<String, String> out = new LinkedHashMap<>();
		if (!last.hasDiagnostics()) {
			out.put("AMAT margins", String.format(Locale.ROOT, "after epoch %d: rms min %.4f, median %.4f, max %.4f; " +
				"%.0f%% of the samples grew in that epoch", last.epoch, last.min, last.median, last.max, 100 *
					last.fractionExpanded));
			return out;
		}
		out.put("AMAT margins", String.format(Locale.ROOT, "after epoch %d: rms 10%% %.4f, median %.4f, 90%% %.4f " +
			"(min %.4f, max %.4f); %.0f%% of the samples grew in that epoch, %.0f%% grew in 2 or more epochs", last.epoch,
			last.q10, last.median, last.q90, last.min, last.max, 100 * last.fractionExpanded, 100 *
				last.fractionExpandedTwice));
		out.put("AMAT boundary in the last epoch", last.overLine());
		if (record.parameters != null && record.parameters.has("boundary")) {
			out.put("AMAT boundary rule", record.parameters.get("boundary").toString());
		}
		return out;
	}

	@Override
	public List<Map<String, Double>> epochValues(final ModelInfo.Training record) {
		final List<Map<String, Double>> out = new ArrayList<>();
		for (final AmatEpoch m : AmatEpoch.history(record)) {
			final Map<String, Double> v = new LinkedHashMap<>();
			v.put("margin min (rms)", m.min);
			v.put("margin q10 (rms)", m.q10);
			v.put("margin median (rms)", m.median);
			v.put("margin q90 (rms)", m.q90);
			v.put("margin max (rms)", m.max);
			v.put("fraction expanded", m.fractionExpanded);
			v.put("fraction expanded >= 2 times", m.fractionExpandedTwice);
			v.put("fraction over clean", m.fractionOverClean);
			v.put("fraction over at start", m.fractionOverAtStart);
			v.put("fraction over only after steps", m.fractionOverOnlyAfterSteps);
			out.add(v);
		}
		return out;
	}
}
