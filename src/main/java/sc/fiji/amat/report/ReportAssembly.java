package sc.fiji.amat.report;

import com.google.gson.JsonObject;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.train.StandardTraining;

/**
 * The assemble stage of a report: builds the {@link ReportResult} (per model the per-attack
 * tables, the per-image worst case, scores, sanity checks and examples, then the long table) from
 * what the compute stage found, in one run or put together from the {@link ReportPart}s of a
 * split report.
 */
final class ReportAssembly {

	private ReportAssembly() {}

	/**
	 * Builds the report from every unit's results.
	 *
	 * @param parts per model name, what its units found; together every unit of the plan
	 */
	static ReportResult assemble(final ReportPlan plan, final Map<String, ModelPart> parts) {
		final EpsLevels levels = plan.levels;
		final ReportResult result = new ReportResult(plan.settings, levels, plan.taskType, plan.testTitle, plan.testSize,
			plan.descriptions);
		result.volumes = plan.volumes;
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
				plan.settings.sanityTolerance, extra(plan, m, part, mr)));
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

	/** What the sanity checks' extra attacks found for one model. */
	private static SanityChecks.Extra extra(final ReportPlan plan, final int m, final ModelPart part,
		final ModelResult mr)
	{
		final SanityChecks.Extra x = new SanityChecks.Extra();
		x.level = plan.checkLevel;
		x.undefended = StandardTraining.KEY.equals(mr.method());
		final MetricTable[] doubled = part.tables.get(ReportPlan.DOUBLED + plan.checkedMember);
		if (doubled != null) {
			x.doubled = doubled[plan.checkLevel];
			x.doubledMember = plan.checkedMember;
		}
		final MetricTable[] transfer = part.tables.get(ReportPlan.TRANSFER + plan.checkedMember);
		if (transfer != null) {
			x.transfer = transfer[plan.checkLevel];
			x.transferSource = plan.names.get(plan.transferSource(m));
		}
		return x;
	}

	/**
	 * Builds the report from parts of one sweep: the same tables, scores, worst case, sanity
	 * checks and examples as one run of the whole sweep.
	 *
	 * @throws AmatException when the parts belong to different sweeps, or a unit is missing or
	 *           in two parts
	 */
	static ReportResult merge(final List<ReportPart> parts) {
		if (parts.isEmpty()) throw new AmatException("Give at least one part to merge.");
		final ReportPart first = parts.get(0);
		final JsonObject identity = ReportPartFormat.identity(first);
		for (final ReportPart p : parts) {
			final JsonObject other = ReportPartFormat.identity(p);
			for (final String key : identity.keySet()) {
				if (!String.valueOf(identity.get(key)).equals(String.valueOf(other.get(key)))) {
					throw new AmatException("The parts " + first.name() + " and " + p.name() + " belong to different " +
						"reports: their " + key + " differ" + (key.equals("models") ? " (names or file contents)" : "") +
						". Merge only parts made with the same models, test set and settings.");
				}
			}
		}
		final ReportPlan plan = first.plan;
		final Map<String, ReportPart> owner = owners(plan, parts);
		// every unit once: put each model's pieces together
		final Map<String, ModelPart> merged = new LinkedHashMap<>();
		for (final SweepUnit u : plan.units()) {
			final ModelPart from = owner.get(u.key()).models.get(u.modelName);
			final ModelPart to = merged.computeIfAbsent(u.modelName, n -> new ModelPart(n, from.primaryMetric));
			to.units.add(u);
			if (u.isClean()) {
				to.gradients = from.gradients;
				to.epsAbsolute = from.epsAbsolute;
			}
			to.setTable(u, from.table(u), plan.levels.size());
			if (u.isClean() || plan.isExampleUnit(u)) {
				for (final int i : plan.exampleImages) {
					final Example src = from.examples.get(i);
					final Example e = to.examples.computeIfAbsent(i, k -> new Example(k, src.attack, src.eps, src.channels,
						src.height, src.width));
					if (u.isClean()) {
						e.clean = src.clean;
						e.truth = src.truth;
						e.cleanPrediction = src.cleanPrediction;
					}
					else {
						e.adversarial = src.adversarial;
						e.adversarialPrediction = src.adversarialPrediction;
					}
				}
			}
		}
		final Set<String> devices = new LinkedHashSet<>();
		double seconds = 0;
		for (final ReportPart p : parts) {
			devices.add(p.plan.settings.device);
			seconds += p.seconds;
		}
		final ReportResult r = assemble(plan, merged);
		r.settings.device = String.join(", ", devices);
		r.seconds = seconds;
		r.parts = parts.size();
		r.created = ReportFiles.now();
		return r;
	}

	/** Per unit key, the part that holds it; fails unless every unit is in exactly one part. */
	private static Map<String, ReportPart> owners(final ReportPlan plan, final List<ReportPart> parts) {
		final Map<String, ReportPart> owner = new LinkedHashMap<>();
		for (final ReportPart p : parts) {
			for (final SweepUnit u : p.units) {
				final ReportPart before = owner.put(u.key(), p);
				if (before != null) {
					throw new AmatException("The unit " + u + " is in two parts, " + before.name() + " and " + p.name() +
						": merge each slice once.");
				}
			}
		}
		final List<SweepUnit> missing = new ArrayList<>();
		for (final SweepUnit u : plan.units()) {
			if (!owner.containsKey(u.key())) missing.add(u);
		}
		if (!missing.isEmpty()) {
			final StringBuilder b = new StringBuilder();
			for (int i = 0; i < Math.min(5, missing.size()); i++) b.append(i > 0 ? "; " : "").append(missing.get(i));
			throw new AmatException(missing.size() + " of the sweep's " + plan.units().size() + " units are in no part (" +
				b + (missing.size() > 5 ? "; ..." : "") + "): run the missing slices (did a job fail?) and merge all " +
				"parts.");
		}
		return owner;
	}
}
