package sc.fiji.amat.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

import sc.fiji.amat.AmatException;

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
 * (to a folder, atomically), or {@link #run} for both; for a report split into jobs,
 * {@link #evaluatePart} per job and {@link #merge} of the parts.
 * </p>
 * <p>
 * This class only strings the stages together, each of which uses only the stages before it:
 * plan ({@code ReportPlan}), compute ({@code ReportCompute}), the part a job saves
 * ({@link ReportPart}, {@link ReportPartFormat}), assemble ({@code ReportAssembly}) and write
 * ({@link ReportWriter}).
 * </p>
 */
public final class RobustnessReport {

	private RobustnessReport() {}

	/** Evaluates and writes the report into {@code outDir}; returns the result. */
	public static ReportResult run(final List<Path> models, final TestSet<?> test, final ReportSettings settings,
		final Path outDir, final ReportListener listener)
	{
		ReportWriter.checkTarget(outDir);
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
		final ReportPlan plan = ReportPlan.of(models, test, settings);
		final Map<String, ModelPart> parts = ReportCompute.compute(plan, plan.units(), test, listener);
		ReportCompute.checkCancelled(listener);
		final ReportResult result = ReportAssembly.assemble(plan, parts);
		result.seconds = (System.nanoTime() - t0) / 1e9;
		result.created = ReportFiles.now();
		return result;
	}

	/**
	 * Evaluates only the selected units of the sweep, for a report split into independent jobs:
	 * {@link ReportPartFormat#write} saves the result, {@link #merge} builds the report from all
	 * parts, equal to what {@link #evaluate} computes in one run.
	 */
	public static ReportPart evaluatePart(final List<Path> models, final TestSet<?> test,
		final ReportSettings settings, final SweepSelection selection, final ReportListener listenerOrNull)
	{
		final long t0 = System.nanoTime();
		final ReportListener listener = listenerOrNull == null ? new ReportListener() {} : listenerOrNull;
		final ReportPlan plan = ReportPlan.of(models, test, settings);
		final List<SweepUnit> units = selection.select(plan.units());
		final Map<String, ModelPart> parts = ReportCompute.compute(plan, units, test, listener);
		ReportCompute.checkCancelled(listener);
		return new ReportPart(plan, ReportPart.fingerprint(models, test), selection.toString(), units, parts,
			(System.nanoTime() - t0) / 1e9);
	}

	/**
	 * Builds the report from the parts of one sweep (read with {@link ReportPartFormat#read}): the
	 * same tables, scores, worst case, sanity checks and examples as one run of the whole sweep.
	 *
	 * @throws AmatException when the parts belong to different sweeps, or a unit is missing or
	 *           in two parts
	 */
	public static ReportResult merge(final List<ReportPart> parts) {
		return ReportAssembly.merge(parts);
	}
}
