package sc.fiji.amat.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.report.EvaluationPreset;
import sc.fiji.amat.report.TestSet;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.task.ij.ImageJTasks;
import sc.fiji.amat.task.segmentation.SegmentationTask;
import sc.fiji.amat.train.ModelTrainer;
import sc.fiji.amat.train.Splits;
import sc.fiji.amat.train.StandardTraining;
import sc.fiji.amat.train.TrainingListener;
import sc.fiji.amat.train.TrainingSettings;

/**
 * {@code compare}: the multi-seed comparison of standard training, SAT and AMAT on a task's
 * sample data (or any folder laid out like it), all from scratch with the same loss mix, steps
 * and epochs ({@link Comparison}), reported with the strong evaluation at the same noise levels
 * for every seed, summarised as mean and spread with paired differences
 * ({@link ComparisonSummary}). With {@code --on validation} the models are evaluated on a
 * validation split of the training images instead of the test images: that is how defaults are
 * chosen, never on the test images. Prints its expected time before it starts.
 */
final class Compare {

	private Compare() {}

	static void run(final Args args) {
		final long t0 = System.nanoTime();
		final int threads = args.getInt("threads", Runtime.getRuntime().availableProcessors());
		final ImageJTaskType type = ImageJTasks.type(args.get("task", SegmentationTask.TYPE));
		final Path data = Paths.get(args.get("data", "sample-data/" + type.name()));
		final Path out = Paths.get(args.get("out", "target/compare-" + type.name()));
		final int seeds = args.getInt("seeds", 3);
		final long firstSeed = args.getInt("seed", 42);
		final boolean onValidation = "validation".equals(args.get("on", "test"));
		final TrainingSettings settings = new TrainingSettings();
		settings.epochs = args.getInt("epochs", 25);
		settings.batchSize = args.getInt("batch", 8);
		settings.learningRate = (float) args.getDouble("lr", 2e-3);
		settings.device = args.get("device", "cpu");
		final NetworkConfig network = new NetworkConfig(args.getInt("depth", 3), args.getInt("width", 16),
			NetworkConfig.Norm.parse(args.get("norm", "batch")));
		final Comparison comparison = new Comparison(args, 8, 3, "0.1", true, "0,0.1,0.2,0.3", true);
		args.done();
		if (seeds < 1) throw new sc.fiji.amat.AmatException("--seeds must be at least 1.");
		Engines.setThreads(threads, 1);
		if (!Files.isRegularFile(data.resolve("train-images.tif"))) type.writeSamples(data, Generate.SEED);
		final Normalization normalization = Normalization.zscore();
		final Labeled<?> train = type.fromFiles(data.resolve("train-images.tif"), type.sampleLabels(data, "train"),
			normalization, network);
		run(train, type, data, normalization, settings, comparison, seeds, firstSeed, onValidation, out, threads, t0);
	}

	private static <L> void run(final Labeled<L> labeled, final ImageJTaskType type, final Path data,
		final Normalization normalization, final TrainingSettings settings, final Comparison comparison, final int seeds,
		final long firstSeed, final boolean onValidation, final Path out, final int threads, final long t0)
	{
		final Task<L> task = labeled.task;
		// the validation split is fixed (seed 1), so every seed's models see the same training images
		final int[][] split = Splits.trainingAndValidation(labeled.data, 0.2, 1);
		final LabeledData<L> train = onValidation ? labeled.data.subset(split[0]) : labeled.data;
		final TestSet<?> evaluation = onValidation ? TestSet.of(task.type(), "validation split of " + data.resolve(
			"train-images.tif"), labeled.data.subset(split[1])) : TestSet.fromFiles(task.type(), data.resolve(
				"test-images.tif"), type.sampleLabels(data, "test"));
		System.out.printf(Locale.ROOT, "AMAT compare (%s): %d seed(s) x %s, from %s; %d training images, evaluated " +
			"on %d %s images; %d CPU thread(s)%n", task.type(), seeds, comparison.names(), comparison.warm
				? "a warm start" : "scratch", train.size(), evaluation.size(), onValidation ? "validation" : "test",
			threads);
		System.out.printf(Locale.ROOT, "adversarial training: %d epochs, PGD-L2 T = %d, SAT eps %s rms, AMAT delta %s " +
			"rms, boundary %s; evaluation: %s preset%n", comparison.epochs, comparison.steps, java.util.Arrays.toString(
				comparison.satEps), Story.trim(comparison.amatDelta), comparison.statistic, comparison.evaluation.key());
		System.out.println(estimate(task, train, normalization, settings, comparison, seeds, evaluation.size()));

		final List<Comparison.SeedResult> results = new ArrayList<>();
		for (int s = 0; s < seeds; s++) {
			final TrainingSettings seeded = settings.copy();
			seeded.seed = firstSeed + s;
			System.out.printf(Locale.ROOT, "%nseed %d (%d of %d), %.0f s so far%n", seeded.seed, s + 1, seeds, (System
				.nanoTime() - t0) / 1e9);
			final Path dir = out.resolve("seed-" + seeded.seed);
			final Comparison.SeedResult r = comparison.runSeed(task, train, evaluation, normalization, seeded, dir.resolve(task
				.type() + "-standard.amat.zip"), dir.resolve("report"), true);
			// every seed at the first seed's levels, so that scores compare
			if (comparison.eps == null) comparison.eps = r.report.eps.values();
			results.add(r);
		}
		System.out.println();
		final ComparisonSummary summary = new ComparisonSummary(comparison.names(), results);
		summary.print(System.out);
		summary.writeCsv(out.resolve("compare.csv"), results);
		System.out.printf(Locale.ROOT, "wrote %s; total wall time %.0f s, peak memory (resident) %s%n", out.resolve(
			"compare.csv"), (System.nanoTime() - t0) / 1e9, Demo.peakMemory());
	}

	/**
	 * The expected time, from a timed standard epoch (the faster of the second and third, after
	 * warm-up: a cold first epoch made the estimate 1.8 times the 1599 s the segmentation default
	 * took): an
	 * adversarial step costs about (T + 2) / 2 standard steps, an attack step about two thirds of
	 * a standard step per batch; the report as the preset's cost per level says.
	 */
	static <L> String estimate(final Task<L> task, final LabeledData<L> train, final Normalization normalization,
		final TrainingSettings settings, final Comparison c, final int seeds, final int evaluationImages)
	{
		final TrainingSettings two = settings.copy();
		two.epochs = 3;
		two.validationFraction = 0;
		final double[] epoch = { Double.POSITIVE_INFINITY };
		try (AmatModel m = new ModelTrainer<>(task, train, normalization, two, new StandardTraining(),
			new TrainingListener() {

				@Override
				public void epochEnded(final EpochSummary s) {
					if (s.epoch > 1) epoch[0] = Math.min(epoch[0], s.seconds); // after warm-up
				}
			}).train())
		{
			// timed only
		}
		final int models = c.names().size();
		final double training = settings.epochs * epoch[0] + (models - 1) * c.epochs * epoch[0] * (c.steps + 2) / 2.0;
		final int stepsPerEpoch = (train.size() + settings.batchSize - 1) / settings.batchSize;
		final double pass = epoch[0] / stepsPerEpoch / 1.5;
		final double perLevel = c.evaluation == EvaluationPreset.STRONG ? 60 : c.evaluation == EvaluationPreset.STANDARD
			? 40 : 17;
		final int levels = c.eps == null ? 5 : c.eps.length - 1;
		final double report = models * levels * perLevel * Math.ceil(evaluationImages / (double) settings.batchSize) *
			pass;
		return String.format(Locale.ROOT, "expected time: about %.0f min (%d seed(s) x (training %.0f s + report %.0f " +
			"s), from a timed standard epoch of %.1f s; within a factor of 1.5 or so)", seeds * (training + report) / 60,
			seeds, training, report, epoch[0]);
	}
}
