package sc.fiji.amat.report;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ModelFile;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.Task;

/**
 * The robustness report: every model under every chosen attack at every noise level, on one
 * labelled test set, each model seeing the images through its own normalisation.
 * <p>
 * Evaluation attacks run with the model in evaluation mode and its parameters frozen. The
 * random generator is seeded per attack and level, so every model meets the same random
 * starts and noise, and a report can be repeated exactly. Clean metrics (level 0) are computed
 * once per model and shared by all attacks. With two or more attacks the per-image worst case
 * over them is added as the attack {@value AttackSpec#WORST_CASE}.
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

	/** Display names for model files: the file name without .amat.zip (made unique). */
	public static List<String> names(final List<Path> models) {
		final List<String> out = new ArrayList<>();
		for (final Path p : models) {
			String n = p.getFileName().toString();
			for (final String ext : new String[] { ".amat.zip", ".zip" }) {
				if (n.toLowerCase(Locale.ROOT).endsWith(ext)) {
					n = n.substring(0, n.length() - ext.length());
					break;
				}
			}
			String unique = n;
			for (int k = 2; out.contains(unique); k++) unique = n + " (" + k + ")";
			out.add(unique);
		}
		return out;
	}

	/** Reads the models' files and checks they are for one task, the test set's. */
	static List<ModelInfo> infos(final List<Path> models, final List<String> names, final String testTask) {
		if (models == null || models.isEmpty()) throw new AmatException("Give at least one model file.");
		final List<ModelInfo> infos = new ArrayList<>();
		for (final Path p : models) {
			if (!Files.isRegularFile(p)) throw new AmatException("The model file " + p + " does not exist.");
			infos.add(ModelFile.read(p).info());
		}
		final StringBuilder tasks = new StringBuilder();
		boolean mixed = false;
		for (int m = 0; m < infos.size(); m++) {
			if (m > 0) tasks.append(", ");
			tasks.append(names.get(m)).append(": ").append(infos.get(m).task);
			mixed |= !infos.get(m).task.equals(infos.get(0).task);
		}
		if (mixed) {
			throw new AmatException("The models are for different tasks (" + tasks +
				"): a report compares models of one task on one test set; make one report per task.");
		}
		if (testTask != null && !testTask.equals(infos.get(0).task)) {
			throw new AmatException("The models are for " + infos.get(0).task + " but the test set is for " + testTask +
				": give a " + infos.get(0).task + " test set.");
		}
		return infos;
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
		settings.check();
		final List<String> names = names(models);
		final List<ModelInfo> infos = infos(models, names, test.taskType());
		final EpsUnit unit = settings.unit();
		final EpsLevels levels = settings.eps != null ? new EpsLevels(settings.eps, settings.norm, unit,
			"chosen by the user.") : DefaultEps.suggest(infos, names, test, settings.norm, unit);
		final Map<String, Attack> attacks = new LinkedHashMap<>();
		final Map<String, String> descriptions = new LinkedHashMap<>();
		for (final String a : settings.attacks) {
			final Attack attack = AttackSpec.create(a, settings);
			attacks.put(AttackSpec.canonical(a), attack);
			descriptions.put(AttackSpec.canonical(a), attack.toString());
		}
		final List<String> attackNames = new ArrayList<>(attacks.keySet());
		final String exampleAttack = settings.exampleAttack == null ? attackNames.get(0) : AttackSpec.canonical(
			settings.exampleAttack);
		final int exampleLevel = exampleLevel(levels, settings.exampleEps);
		final int[] exampleImages = exampleImages(test.size(), settings.exampleCount);
		final Device device = Engines.device(settings.device);

		final ReportResult result = new ReportResult(settings, levels, infos.get(0).task, test.title(), test.size(),
			descriptions);
		final Progress progress = new Progress(listener, models.size(), test.size(), settings, attackNames, levels
			.size());
		listener.started(String.format(Locale.ROOT, "%d model(s) x %d attack(s) x %d noise levels (%s) on %d test " +
			"images; %s", models.size(), attackNames.size(), levels.size(), levels, test.size(), settings.describe()));
		listener.message("noise levels: " + levels.list() + " " + levels.unitName() + " (" + levels.describeUnit() +
			"); " + levels.explanation);
		for (int m = 0; m < models.size(); m++) {
			checkCancelled(listener);
			try (AmatModel model = AmatModel.load(models.get(m), device)) {
				result.models.add(evaluateModel(model, names.get(m), models.get(m), test, settings, levels, attacks,
					exampleAttack, exampleLevel, exampleImages, progress, listener));
			}
		}
		checkCancelled(listener);
		for (final ModelResult mr : result.models) addRows(result.table, mr, levels, settings);
		result.seconds = (System.nanoTime() - t0) / 1e9;
		result.created = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
		return result;
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static ModelResult evaluateModel(final AmatModel model, final String name, final Path file,
		final TestSet test, final ReportSettings settings, final EpsLevels levels, final Map<String, Attack> attacks,
		final String exampleAttack, final int exampleLevel, final int[] exampleImages, final Progress progress,
		final ReportListener listener)
	{
		final Task task = model.task();
		final LabeledData data = test.normalizedFor(model.normalization());
		if (data.channels() != task.inputChannels()) {
			throw new AmatException("The test images have " + data.channels() + " channel(s) but the model " + name +
				" takes " + task.inputChannels() + ".");
		}
		task.checkLabels(data);
		final ModelResult mr = new ModelResult(name, file, model.info(), task.metricName());
		final int n = data.size();
		mr.epsAbsolute = new double[levels.size()];
		final float[] all = new float[n * data.sampleSize()];
		for (int i = 0; i < n; i++) System.arraycopy(data.image(i), 0, all, i * data.sampleSize(), data.sampleSize());
		for (int k = 0; k < levels.size(); k++) {
			final float[] abs = levels.unit.toAbsolute(levels.get(k), levels.norm, all, data.sampleSize(), model
				.normalization().validRange());
			double s = 0;
			for (final float a : abs) s += a;
			mr.epsAbsolute[k] = s / abs.length;
		}

		// examples: which images, and their clean state
		final Map<Integer, Example> examples = new LinkedHashMap<>();
		for (final int i : exampleImages) {
			final Example e = new Example(i, exampleAttack, levels.get(exampleLevel), data.channels(), data.height(), data
				.width());
			e.truth = task.render(data.label(i), data.height(), data.width());
			examples.put(i, e);
		}

		progress.status(name + ": input gradients");
		mr.gradients = InputGradients.of(model, data, settings.batchSize);
		progress.done(Progress.GRADIENT_COST * batches(n, settings.batchSize));

		progress.status(name + ": clean");
		final MetricTable clean = Evaluator.evaluate(model, data, settings.batchSize, null, 0, levels.unit,
			batchListener(task, examples, false, progress, listener, Progress.CLEAN_COST));
		for (final Example e : examples.values()) {
			e.cleanMetric = clean.value(e.image, 0);
			if (exampleLevel == 0) e.adversarialMetric = e.cleanMetric;
		}
		listener.evaluated(name, "clean", 0, clean.primaryValueName(), clean.primaryValue());

		int attackIndex = 0;
		for (final Map.Entry<String, Attack> a : attacks.entrySet()) {
			final MetricTable[] tables = new MetricTable[levels.size()];
			tables[0] = clean;
			for (int k = 1; k < levels.size(); k++) {
				progress.status(String.format(Locale.ROOT, "%s: %s eps %s", name, a.getKey(), EpsLevels.format(levels.get(
					k))));
				Engines.pytorch().setRandomSeed((int) (settings.seed * 1_000_003L + 1000L * attackIndex + k));
				final boolean keep = a.getKey().equals(exampleAttack) && k == exampleLevel;
				tables[k] = Evaluator.evaluate(model, data, settings.batchSize, a.getValue(), levels.get(k), levels.unit,
					batchListener(task, keep ? examples : new HashMap<>(), true, progress, listener, AttackSpec.cost(a
						.getKey(), settings)));
				if (keep) {
					for (final Example e : examples.values()) e.adversarialMetric = tables[k].value(e.image, 0);
				}
				listener.evaluated(name, a.getKey(), levels.get(k), tables[k].primaryValueName(), tables[k]
					.primaryValue());
			}
			mr.tables.put(a.getKey(), tables);
			attackIndex++;
		}
		if (attacks.size() >= 2) {
			final MetricTable[] worst = new MetricTable[levels.size()];
			mr.worstCounts = new int[levels.size()][];
			worst[0] = clean;
			mr.worstCounts[0] = new int[attacks.size()];
			for (int k = 1; k < levels.size(); k++) {
				final List<MetricTable> at = new ArrayList<>();
				for (final String a : attacks.keySet()) at.add(mr.tables.get(a)[k]);
				final WorstCase w = WorstCase.of(at);
				worst[k] = w.table();
				mr.worstCounts[k] = w.counts(attacks.size());
			}
			mr.tables.put(AttackSpec.WORST_CASE, worst);
		}
		final double[] eps = levels.values();
		for (final Map.Entry<String, MetricTable[]> e : mr.tables.entrySet()) {
			final double[] curve = new double[eps.length];
			for (int k = 0; k < eps.length; k++) curve[k] = e.getValue()[k].primaryValue();
			mr.scores.put(e.getKey(), RobustnessScore.of(eps, curve));
		}
		mr.flags.addAll(SanityChecks.check(name, eps, mr.tables, mr.gradients, settings.sanityTolerance));
		mr.examples.addAll(examples.values());
		return mr;
	}

	/** A batch listener that reports progress, cancels, and keeps the example images' inputs and predictions. */
	private static <L> Evaluator.BatchListener batchListener(final Task<L> task, final Map<Integer, Example> examples,
		final boolean adversarial, final Progress progress, final ReportListener listener, final double costPerBatch)
	{
		return new Evaluator.BatchListener() {

			@Override
			public void batch(final int[] positions, final NDArray clean, final NDArray input, final NDList output) {
				List<L> predicted = null;
				for (int b = 0; b < positions.length; b++) {
					final Example e = examples.get(positions[b]);
					if (e == null) continue;
					if (predicted == null) predicted = task.predict(output);
					final int[] prediction = task.render(predicted.get(b), e.height, e.width);
					if (adversarial) {
						e.adversarial = input.get(b).toFloatArray();
						e.adversarialPrediction = prediction;
					}
					else {
						e.clean = clean.get(b).toFloatArray();
						e.adversarial = e.clean;
						e.cleanPrediction = prediction;
						e.adversarialPrediction = prediction;
					}
				}
				progress.done(costPerBatch);
			}

			@Override
			public boolean isCancelled() {
				return listener.isCancelled();
			}
		};
	}

	private static void addRows(final ReportTable table, final ModelResult mr, final EpsLevels levels,
		final ReportSettings settings)
	{
		final String norm = levels.norm == sc.fiji.amat.attack.Norm.L2 ? "L2" : "Linf";
		for (final Map.Entry<String, MetricTable[]> e : mr.tables.entrySet()) {
			for (int k = 0; k < levels.size(); k++) {
				for (final Metrics.Summary s : Metrics.summarize(e.getValue()[k])) {
					table.add(new ReportTable.Row(mr.name, mr.info.task, mr.method(), e.getKey(), norm, levels.get(k), levels
						.unitName(), mr.epsAbsolute[k], s.metric, s.mean, s.spread, s.n));
				}
			}
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

	static int batches(final int n, final int batch) {
		return (n + batch - 1) / batch;
	}

	static void checkCancelled(final ReportListener listener) {
		if (listener.isCancelled()) throw new CancellationException("The robustness report was cancelled.");
	}

	/** Progress by estimated cost, with a time estimate. */
	static final class Progress {

		static final double GRADIENT_COST = 1, CLEAN_COST = 0.5;

		private final ReportListener listener;
		private final double total;
		private final long start = System.nanoTime();
		private double done;
		private String status = "";

		Progress(final ReportListener listener, final int models, final int images, final ReportSettings s,
			final List<String> attacks, final int levels)
		{
			this.listener = listener;
			double perModel = GRADIENT_COST + CLEAN_COST;
			for (final String a : attacks) perModel += AttackSpec.cost(a, s) * (levels - 1);
			this.total = perModel * models * batches(images, s.batchSize);
		}

		void status(final String text) {
			status = text;
		}

		void done(final double cost) {
			done += cost;
			final double fraction = Math.min(1, done / total);
			final double elapsed = (System.nanoTime() - start) / 1e9;
			final double left = fraction > 0.02 ? elapsed * (1 - fraction) / fraction : Double.NaN;
			listener.progress(fraction, status, left);
		}
	}
}
