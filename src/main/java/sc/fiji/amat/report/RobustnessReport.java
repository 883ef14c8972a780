package sc.fiji.amat.report;

import ai.djl.Device;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackTypes;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.ij.ImageJTasks;

/**
 * The robustness report: every model under every chosen attack at every noise level, on one
 * labelled test set, each model seeing the images through its own normalisation.
 * <p>
 * Evaluation attacks run with the model in evaluation mode and its parameters frozen. The
 * random generator is seeded per attack and level ({@link SweepUnit#attackSeed}: from the seed, the attack's
 * name and the level's value, never their positions in the sweep), so every model meets the same random
 * starts and noise, and a report can be repeated exactly. Clean metrics (level 0) are computed
 * once per model and shared by all attacks. With two or more attacks the per-image worst case
 * over them is added as the attack {@value WorstCase#NAME}.
 * </p>
 * <p>
 * For a command: {@link #evaluate} (in memory, cancellable) then {@link ReportWriter#write}
 * (to a folder, atomically), or {@link #run} for both.
 * </p>
 */
public final class RobustnessReport {

	private RobustnessReport() {}

	/** Evaluates and writes the report into {@code outDir}; returns the result. */
	public static ReportResult run(final List<Path> models, final TestSet<?> test, final ReportSettings settings,
		final Path outDir, final ReportListener listener)
	{
		final ReportResult r = evaluate(models, test, settings, listener);
		ReportWriter.write(r, outDir, listener);
		return r;
	}

	/**
	 * Evaluates the models; nothing is written.
	 *
	 * @throws CancellationException when the listener cancels
	 * @throws AmatException when the models, the data or the settings do not fit together
	 */
	public static ReportResult evaluate(final List<Path> models, final TestSet<?> test, final ReportSettings settings,
		final ReportListener listenerOrNull)
	{
		final long t0 = System.nanoTime();
		final ReportListener listener = listenerOrNull == null ? new ReportListener() {} : listenerOrNull;
		final Plan plan = plan(models, test, settings);
		final Map<String, ModelPart> parts = compute(plan, plan.units(), test, listener);
		checkCancelled(listener);
		final ReportResult result = assemble(plan, parts);
		result.seconds = (System.nanoTime() - t0) / 1e9;
		result.created = now();
		return result;
	}

	/**
	 * Evaluates only the selected units of the sweep, for a report split into independent jobs:
	 * {@link ReportPart#write} saves the result, {@link ReportPart#merge} builds the report from
	 * all parts, equal to what {@link #evaluate} computes in one run.
	 */
	public static ReportPart evaluatePart(final List<Path> models, final TestSet<?> test,
		final ReportSettings settings, final SweepSelection selection, final ReportListener listenerOrNull)
	{
		final long t0 = System.nanoTime();
		final ReportListener listener = listenerOrNull == null ? new ReportListener() {} : listenerOrNull;
		final Plan plan = plan(models, test, settings);
		final List<SweepUnit> units = selection.select(plan.units());
		final Map<String, ModelPart> parts = compute(plan, units, test, listener);
		checkCancelled(listener);
		return new ReportPart(plan, ReportPart.fingerprint(models, test), selection.toString(), units, parts,
			(System.nanoTime() - t0) / 1e9);
	}

	static String now() {
		return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
	}

	/** What every job of one report agrees on: the models, the levels, the attacks, the examples. */
	static Plan plan(final List<Path> models, final TestSet<?> test, final ReportSettings settings) {
		settings.check();
		final List<String> names = ReportModels.names(models);
		final List<ModelInfo> infos = ReportModels.infos(models, names, test.taskType());
		final EpsUnit unit = settings.unit();
		final EpsLevels levels = settings.eps != null ? new EpsLevels(settings.eps, settings.norm, unit,
			"chosen by the user.") : DefaultEps.suggest(infos, names, test, settings.norm, unit);
		final List<String> files = new ArrayList<>();
		for (final Path p : models) files.add(p.toString());
		return new Plan(settings, files, names, infos, levels, infos.get(0).task, test.title(), test.size());
	}

	/**
	 * The report's sweep and its choices, computed alike by every job from the same inputs, and
	 * saved with every part so the merge needs neither the models nor the test set.
	 */
	static final class Plan {

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

		Plan(final ReportSettings settings, final List<String> files, final List<String> names,
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
	}

	/** Evaluates the units (in the sweep's order), one model at a time; returns what each model's units found. */
	static Map<String, ModelPart> compute(final Plan plan, final List<SweepUnit> units, final TestSet<?> test,
		final ReportListener listener)
	{
		final Device device = Engines.device(plan.settings.device);
		final ReportProgress progress = new ReportProgress(listener, units, test.size(), plan.settings);
		listener.started(String.format(Locale.ROOT, "%d model(s) x %d attack(s) x %d noise levels (%s) on %d test " +
			"images; %s%s", plan.names.size(), plan.attacks.size(), plan.levels.size(), plan.levels, test.size(),
			plan.settings.describe(), units.size() == plan.units().size() ? "" : "; this job: " + units.size() + " of " +
				plan.units().size() + " units"));
		listener.message("noise levels: " + plan.levels.list() + " " + plan.levels.unitName() + " (" + plan.levels
			.describeUnit() + "); " + plan.levels.explanation);
		// models without gradients (ONNX) meet gradient attacks as transfer attacks crafted on a source model
		final boolean needSource = Transfers.sourceNeeded(units, plan.infos, plan.settings.transferSource, listener);
		final Map<String, ModelPart> parts = new LinkedHashMap<>();
		try (AmatModel source = needSource ? AmatModel.load(Paths.get(plan.settings.transferSource), plan.taskType,
			device) : null)
		{
			for (int m = 0; m < plan.names.size(); m++) {
				final List<SweepUnit> mine = new ArrayList<>();
				for (final SweepUnit u : units) {
					if (u.model == m) mine.add(u);
				}
				if (mine.isEmpty()) continue;
				checkCancelled(listener);
				try (AmatModel model = AmatModel.load(Paths.get(plan.files.get(m)), device)) {
					parts.put(plan.names.get(m), computeModel(model, plan, m, test, mine, progress, listener, source));
				}
			}
		}
		return parts;
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static ModelPart computeModel(final AmatModel model, final Plan plan, final int m, final TestSet test,
		final List<SweepUnit> units, final ReportProgress progress, final ReportListener listener, final AmatModel source)
	{
		final String name = plan.names.get(m);
		final ReportSettings settings = plan.settings;
		final EpsLevels levels = plan.levels;
		final Task task = model.task();
		final LabeledData data = test.normalizedFor(model.normalization());
		if (data.channels() != task.inputChannels()) {
			throw new AmatException("The test images have " + data.channels() + " channel(s) but the model " + name +
				" takes " + task.inputChannels() + ".");
		}
		task.checkLabels(data);
		model.checkImageSize(data.width(), data.height(), "The test images");
		final Evaluator.Transfer transfer = Transfers.of(model, name, source, plan.sourceName(), test, data);
		final ModelPart part = new ModelPart(name, task.metricName());
		final int n = data.size();

		for (final SweepUnit u : units) {
			final boolean exampleUnit = u.isClean() || u.attack.equals(plan.exampleAttack) && u.level == plan.exampleLevel;
			final Map<Integer, Example> examples = new LinkedHashMap<>();
			if (exampleUnit) {
				for (final int i : plan.exampleImages) examples.put(i, part.example(plan, i, data, task));
			}
			if (u.isClean()) {
				part.epsAbsolute = new double[levels.size()];
				for (int k = 0; k < levels.size(); k++) {
					part.epsAbsolute[k] = levels.budget(k).meanAbsolute(data, model.normalization().validRange());
				}
				if (model.hasInputGradients()) {
					progress.status(name + ": input gradients");
					part.gradients = InputGradients.of(model, data, settings.batchSize);
				}
				progress.done(ReportProgress.GRADIENT_COST * ReportProgress.batches(n, settings.batchSize));
				progress.status(name + ": clean");
				part.clean = Evaluator.evaluate(model, data, settings.batchSize, null, null, progress.batchListener(task,
					examples, false, ReportProgress.CLEAN_COST), null);
				listener.evaluated(name, "clean", 0, part.clean.primaryValueName(), part.clean.primaryValue());
			}
			else {
				progress.status(String.format(Locale.ROOT, "%s: %s eps %s", name, u.attack, EpsLevels.format(u.eps)));
				Engines.pytorch().setRandomSeed(SweepUnit.attackSeed(settings.seed, u.attack, u.eps));
				final MetricTable t = Evaluator.evaluate(model, data, settings.batchSize, plan.attacks.get(u.attack), levels
					.budget(u.level), progress.batchListener(task, examples, true, settings.cost(u.attack)), transfer);
				part.tables.computeIfAbsent(u.attack, a -> new MetricTable[levels.size()])[u.level] = t;
				listener.evaluated(name, u.attack, u.eps, t.primaryValueName(), t.primaryValue());
			}
			part.units.add(u);
		}
		return part;
	}

	/**
	 * Builds the report from every unit's results: per model the per-attack tables, the
	 * per-image worst case, scores, sanity checks and examples, then the long table.
	 *
	 * @param parts per model name, what its units found; together every unit of the plan
	 */
	static ReportResult assemble(final Plan plan, final Map<String, ModelPart> parts) {
		final EpsLevels levels = plan.levels;
		final ReportResult result = new ReportResult(plan.settings, levels, plan.taskType, plan.testTitle, plan.testSize,
			plan.descriptions);
		final List<String> attackNames = plan.attackNames();
		for (int m = 0; m < plan.names.size(); m++) {
			final String name = plan.names.get(m);
			final ModelPart part = parts.get(name);
			final ModelResult mr = new ModelResult(name, Paths.get(plan.files.get(m)), plan.infos.get(m),
				part.primaryMetric);
			mr.epsAbsolute = part.epsAbsolute.clone();
			mr.gradients = part.gradients;
			final boolean gradients = Transfers.hasGradients(plan.infos.get(m));
			final String sourceName = plan.sourceName();
			for (final String a : attackNames) {
				final MetricTable[] tables = part.tables.get(a).clone();
				tables[0] = part.clean;
				mr.tables.put(a, tables);
				mr.craftedOn.put(a, !Transfers.followsGradient(a) ? ReportTable.RANDOM : gradients ? ReportTable.WHITE_BOX
					: ReportTable.transferFrom(sourceName));
			}
			if (attackNames.size() >= 2) {
				mr.addWorstCase(attackNames, part.clean, levels.size());
				mr.craftedOn.put(WorstCase.NAME, "worst per image of the above" + (gradients ? "" :
					" (includes transfer from " + sourceName + ", not white-box)"));
			}
			final double[] eps = levels.values();
			mr.score(eps);
			final boolean transferred = !gradients && sourceName != null && attackNames.stream().anyMatch(
				Transfers::followsGradient);
			if (!transferred) mr.flags.addAll(SanityChecks.check(name, eps, mr.tables, mr.gradients,
				plan.settings.sanityTolerance));
			else {
				mr.flags.add(new SanityChecks.Flag(name, SanityChecks.Kind.NOT_WHITE_BOX, "an " + plan.infos.get(
					m).importedFormat + " model gives no gradients, so its gradient attacks were transfer attacks crafted on " +
					sourceName + ", not white-box: its curves show robustness to transferred noise only, and the " +
					"gradient-masking checks do not apply"));
			}
			final MetricTable adversarial = mr.tables.get(plan.exampleAttack)[plan.exampleLevel];
			for (final int i : plan.exampleImages) {
				final Example e = part.examples.get(i);
				e.cleanMetric = part.clean.value(i, 0);
				e.adversarialMetric = adversarial.value(i, 0);
				if (plan.exampleLevel == 0) {
					e.adversarial = e.clean;
					e.adversarialPrediction = e.cleanPrediction;
				}
				mr.examples.add(e);
			}
			result.models.add(mr);
		}
		for (final ModelResult mr : result.models) mr.addRows(result.table, levels);
		return result;
	}

	/** What the units of one model found: a part of its {@link ModelResult}. */
	static final class ModelPart {

		final String name;
		final String primaryMetric;
		final List<SweepUnit> units = new ArrayList<>();
		/** From the clean unit: the clean table, input gradients and mean absolute eps per level. */
		MetricTable clean;
		InputGradients gradients;
		double[] epsAbsolute;
		/** Per attack, per level (index 0 unused). */
		final Map<String, MetricTable[]> tables = new LinkedHashMap<>();
		/** The example images, as far as this part's units filled them in. */
		final Map<Integer, Example> examples = new LinkedHashMap<>();

		ModelPart(final String name, final String primaryMetric) {
			this.name = name;
			this.primaryMetric = primaryMetric;
		}

		@SuppressWarnings({ "unchecked", "rawtypes" })
		Example example(final Plan plan, final int image, final LabeledData<?> data, final Task task) {
			return examples.computeIfAbsent(image, i -> {
				final Example e = new Example(i, plan.exampleAttack, plan.levels.get(plan.exampleLevel), data.channels(),
					data.height(), data.width());
				e.truth = ImageJTasks.of(task).render(data.label(i), data.height(), data.width());
				return e;
			});
		}
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

	static void checkCancelled(final ReportListener listener) {
		if (listener.isCancelled()) throw new CancellationException("The robustness report was cancelled.");
	}

}
