package sc.fiji.amat.report;

import ai.djl.Device;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.Tiling;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.Task;

/**
 * The compute stage of a report: runs the units of a {@link ReportPlan} (clean evaluation, input
 * gradients, every attack at every level) model by model and returns, per model, what its units
 * found as a {@link ModelPart}. The random generator is seeded per attack and level
 * ({@link SweepUnit#attackSeed}), so a unit gives the same numbers in any job.
 */
final class ReportCompute {

	private ReportCompute() {}

	/** Evaluates the units (in the sweep's order), one model at a time; returns what each model's units found. */
	static Map<String, ModelPart> compute(final ReportPlan plan, final List<SweepUnit> units, final TestSet<?> test,
		final ReportListener listener)
	{
		final Device device = Engines.device(plan.settings.device);
		final ReportProgress progress = new ReportProgress(listener, plan, units, test.batches(plan.settings.batchSize));
		listener.started(String.format(Locale.ROOT, "%d model(s) x %d attack(s) x %d noise levels (%s) on %d test " +
			"images; %s%s", plan.names.size(), plan.attacks.size(), plan.levels.size(), plan.levels, test.size(),
			plan.settings.describe(), units.size() == plan.units().size() ? "" : "; this job: " + units.size() + " of " +
				plan.units().size() + " units"));
		if (test.groups() > 1) listener.message(String.format(Locale.ROOT, "the test images have %d sizes (largest " +
			"%dx%d): evaluated size by size, results in test-set order", test.groups(), test.width(), test.height()));
		listener.message(ReportProgress.costLine(plan, units, test.size()));
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
				final int src = plan.transferSource(m);
				final boolean checkTransfer = mine.stream().anyMatch(u -> u.attack.startsWith(ReportPlan.TRANSFER));
				try (AmatModel model = AmatModel.load(Paths.get(plan.files.get(m)), device);
					AmatModel other = checkTransfer ? AmatModel.load(Paths.get(plan.files.get(src)), device) : null)
				{
					// each model gets the test images normalised and padded as in its training, to its own multiple
					final int multiple = Transfers.multiple(model, source, other);
					final List<Evaluator.Transfer> check = other == null ? null : Transfers.check(model, other, test,
						multiple);
					parts.put(plan.names.get(m), computeModel(model, plan, m, test, mine, progress, listener, source, check,
						multiple));
				}
			}
		}
		return parts;
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static ModelPart computeModel(final AmatModel model, final ReportPlan plan, final int m, final TestSet test,
		final List<SweepUnit> units, final ReportProgress progress, final ReportListener listener, final AmatModel source,
		final List<Evaluator.Transfer> checkTransfer, final int multiple)
	{
		final String name = plan.names.get(m);
		final ReportSettings settings = plan.settings;
		final EpsLevels levels = plan.levels;
		final Task task = model.task();
		final List<LabeledData> groups = test.groupsFor(model.normalization(), multiple);
		final LabeledData first = groups.get(0);
		if (first.channels() != task.inputChannels()) {
			throw new AmatException("The test images have " + first.channels() + " channel(s) but the model " + name +
				" takes " + task.inputChannels() + ".");
		}
		for (final LabeledData data : groups) task.checkLabels(data);
		final Tiling tiling = plan.tiling(model.sizeMultiple());
		for (final LabeledData data : groups) {
			if (tiling == null) model.checkImageSize(data.width(), data.height(), "The test images");
			else {
				model.checkImageSize(tiling.length(data.width()), tiling.length(data.height()), "The test images' tiles");
				tiling.check(data.height(), data.width(), model.sizeMultiple());
			}
		}
		final List<Evaluator.Transfer> transfer = Transfers.of(model, name, source, plan.sourceName(), test, multiple);
		final ModelPart part = new ModelPart(name, task.metricName());

		for (int j = 0; j < units.size(); j++) {
			final SweepUnit u = units.get(j);
			final Map<Integer, Example> examples = new LinkedHashMap<>();
			if (u.isClean() || plan.isExampleUnit(u)) {
				for (final int i : plan.exampleImages) examples.put(i, part.example(plan, i, groups.get(test.groupOf(i)), test
					.indexInGroup(i), task));
			}
			if (u.isClean()) {
				part.epsAbsolute = new double[levels.size()];
				for (int k = 0; k < levels.size(); k++) {
					part.epsAbsolute[k] = SizeGroups.meanAbsolute(levels.budget(k), (List) groups, model.normalization().validRange());
				}
				if (model.hasInputGradients()) {
					progress.status(name + ": input gradients");
					part.gradients = InputGradients.of(model, (List) groups, settings.batchSize, tiling);
				}
				progress.done(ReportProgress.GRADIENT_COST * test.batches(settings.batchSize));
				progress.status(name + ": clean");
				part.clean = SizeGroups.evaluate(model, test, (List) groups, settings.batchSize, null, null, examples, e -> progress
					.batchListener(task, e, false, ReportProgress.CLEAN_COST), null, tiling, null);
				listener.evaluated(name, "clean", 0, part.clean.primaryValueName(), part.clean.primaryValue());
			}
			else {
				progress.status(String.format(Locale.ROOT, "%s: %s eps %s", name, u.attack, EpsLevels.format(u.eps)));
				final boolean check = ReportPlan.isCheck(u.attack);
				// a check's extra attack meets the same random starts as the member it checks, in every size group
				final String seedName = check ? plan.checkedMember : u.attack;
				final int seed = SweepUnit.attackSeed(settings.seed, seedName, u.eps);
				final List<Evaluator.Transfer> t0 = u.attack.startsWith(ReportPlan.TRANSFER) ? checkTransfer : transfer;
				final MetricTable t = SizeGroups.evaluate(model, test, (List) groups, settings.batchSize, plan.attack(u.attack),
					levels.budget(u.level), examples, e -> progress.batchListener(task, e, true, plan.cost(u.attack)), t0,
					tiling, seed);
				part.setTable(u, t, levels.size());
				listener.evaluated(name, u.attack, u.eps, t.primaryValueName(), t.primaryValue());
			}
			part.units.add(u);
			if (j + 1 == units.size() || !units.get(j + 1).attack.equals(u.attack)) progress.attackDone(u);
		}
		return part;
	}

	static void checkCancelled(final ReportListener listener) {
		if (listener.isCancelled()) throw new CancellationException("The robustness report was cancelled.");
	}
}
