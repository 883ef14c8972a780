package sc.fiji.amat.report;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackTypes;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.model.ModelInfo;

/**
 * The plan stage of a report: the sweep and its choices (models, noise levels, attacks, example
 * images), computed alike by every job from the same inputs, and saved with every part so the
 * merge needs neither the models nor the test set. Nothing here runs a model.
 */
final class ReportPlan {

	final ReportSettings settings;
	final List<String> files, names;
	final List<ModelInfo> infos;
	final EpsLevels levels;
	final String taskType, testTitle;
	final int testSize;
	final Map<String, Attack> attacks = new LinkedHashMap<>();
	final Map<String, String> descriptions = new LinkedHashMap<>();
	final String exampleAttack;
	final int exampleLevel;
	final int[] exampleImages;

	ReportPlan(final ReportSettings settings, final List<String> files, final List<String> names,
		final List<ModelInfo> infos, final EpsLevels levels, final String taskType, final String testTitle,
		final int testSize)
	{
		this.settings = settings;
		this.files = files;
		this.names = names;
		this.infos = infos;
		this.levels = levels;
		this.taskType = taskType;
		this.testTitle = testTitle;
		this.testSize = testSize;
		for (final String a : settings.attacks) {
			final Attack attack = settings.attack(a);
			attacks.put(AttackTypes.canonical(a), attack);
			descriptions.put(AttackTypes.canonical(a), attack.toString());
		}
		this.exampleAttack = settings.exampleAttack == null ? attacks.keySet().iterator().next() : AttackTypes
			.canonical(settings.exampleAttack);
		this.exampleLevel = exampleLevel(levels, settings.exampleEps);
		this.exampleImages = exampleImages(testSize, settings.exampleCount);
	}

	/** What every job of one report agrees on: the models, the levels, the attacks, the examples. */
	static ReportPlan of(final List<Path> models, final TestSet<?> test, final ReportSettings settings) {
		settings.check();
		final List<String> names = ReportModels.names(models);
		final List<ModelInfo> infos = ReportModels.infos(models, names, test.taskType());
		final EpsUnit unit = settings.unit();
		final EpsLevels levels = settings.eps != null ? new EpsLevels(settings.eps, settings.norm, unit,
			"chosen by the user.") : DefaultEps.suggest(infos, names, test, settings.norm, unit);
		final List<String> files = new ArrayList<>();
		for (final Path p : models) files.add(p.toString());
		return new ReportPlan(settings, files, names, infos, levels, infos.get(0).task, test.title(), test.size());
	}

	/** Every unit of the sweep: per model its clean unit, then every attack at every level above 0. */
	List<SweepUnit> units() {
		final List<SweepUnit> out = new ArrayList<>();
		for (int m = 0; m < names.size(); m++) {
			out.add(new SweepUnit(m, names.get(m), SweepUnit.CLEAN, 0, 0));
			for (final String a : attacks.keySet()) {
				for (int k = 1; k < levels.size(); k++) out.add(new SweepUnit(m, names.get(m), a, k, levels.get(k)));
			}
		}
		return out;
	}

	List<String> attackNames() {
		return new ArrayList<>(attacks.keySet());
	}

	/** The transfer source's file name, or null without one. */
	String sourceName() {
		return settings.transferSource == null ? null : Paths.get(settings.transferSource).getFileName().toString();
	}

	/** Whether a unit fills in the adversarial half of the example images. */
	boolean isExampleUnit(final SweepUnit u) {
		return !u.isClean() && u.attack.equals(exampleAttack) && u.level == exampleLevel;
	}

	static int exampleLevel(final EpsLevels levels, final double eps) {
		if (Double.isNaN(eps)) return levels.size() - 1;
		for (int k = 0; k < levels.size(); k++) {
			if (Math.abs(levels.get(k) - eps) <= 1e-9 * Math.max(1, Math.abs(eps))) return k;
		}
		throw new AmatException("The example noise level " + eps + " is not one of the report's levels (" + levels
			.list() + ").");
	}

	/** count images spread evenly over the test set. */
	static int[] exampleImages(final int n, final int count) {
		final int c = Math.min(n, count);
		final int[] out = new int[c];
		for (int j = 0; j < c; j++) out[j] = (int) ((j + 0.5) * n / c);
		return out;
	}
}
