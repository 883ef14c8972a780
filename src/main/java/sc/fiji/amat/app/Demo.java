package sc.fiji.amat.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.report.Metrics;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.task.ij.ImageJTasks;
import sc.fiji.amat.task.segmentation.SegmentationTask;
import sc.fiji.amat.train.ConsoleProgress;
import sc.fiji.amat.train.ModelTrainer;
import sc.fiji.amat.train.StandardTraining;
import sc.fiji.amat.train.TrainingSettings;

/**
 * The main job, headless: trains a network on a task's sample data (segmentation unless
 * {@code --task} names another), saves the model, reloads it and evaluates it on the held-out
 * test images; then trains SAT at two noise sizes
 * and AMAT (thresholds calibrated on the standard model), and writes the robustness report of
 * all four models with their scores.
 */
final class Demo {

	private Demo() {}

	static void run(final Args args) {
		final long t0 = System.nanoTime();
		final int threads = args.getInt("threads", Runtime.getRuntime().availableProcessors());
		final ImageJTaskType type = ImageJTasks.type(args.get("task", SegmentationTask.TYPE));
		final Path data = Paths.get(args.get("data", "sample-data/" + type.name()));
		final Path out = Paths.get(args.get("out", "target/demo" + (type.name().equals(SegmentationTask.TYPE) ? "" : "-" +
			type.name())));
		final TrainingSettings settings = new TrainingSettings();
		settings.epochs = args.getInt("epochs", 25);
		settings.batchSize = args.getInt("batch", 8);
		settings.learningRate = (float) args.getDouble("lr", 2e-3);
		settings.seed = args.getInt("seed", 42);
		settings.device = args.get("device", "cpu");
		final NetworkConfig network = new NetworkConfig(args.getInt("depth", 3), args.getInt("width", 16),
			NetworkConfig.Norm.parse(args.get("norm", "batch")));
		final Story story = new Story(args);
		args.done();

		Engines.setThreads(threads, 1);
		if (!Files.isRegularFile(data.resolve("train-images.tif"))) {
			System.out.println("sample data not found in " + data + ": generating it");
			type.writeSamples(data, Generate.SEED);
		}
		final Normalization normalization = Normalization.zscore();
		final Labeled<?> train = type.fromFiles(data.resolve("train-images.tif"), type.sampleLabels(data, "train"),
			normalization, network);
		run(train, type, type.testFromFiles(data.resolve("test-images.tif"), type.sampleLabels(data, "test"), normalization,
			network).data, normalization, settings, story, data, out, threads, t0);
	}

	@SuppressWarnings("unchecked")
	private static <L> void run(final Labeled<L> labeled, final ImageJTaskType type, final LabeledData<?> testData,
		final Normalization normalization, final TrainingSettings settings, final Story story, final Path data,
		final Path out, final int threads, final long t0)
	{
		final Task<L> task = labeled.task;
		final LabeledData<L> train = labeled.data, test = (LabeledData<L>) testData;
		task.checkLabels(test);
		System.out.printf(Locale.ROOT, "AMAT demo (%s): %d training and %d test images of %dx%d, %s, %d CPU " +
			"thread(s), PyTorch %s%n", task.type(), train.size(), test.size(), train.width(), train.height(), task.spec(),
			threads, Engines.pytorch().getVersion());

		final Path modelFile = out.resolve(task.type() + "-standard.amat.zip");
		final double valMetric, testMetric;
		try (AmatModel model = new ModelTrainer<>(task, train, normalization, settings, new StandardTraining(),
			new ConsoleProgress(System.out, "")).train())
		{
			valMetric = model.info().training.validationValue;
			testMetric = Evaluator.evaluate(model, test, settings.batchSize).primaryValue();
			model.save(modelFile);
		}
		final MetricTable reloaded;
		try (AmatModel model = AmatModel.load(modelFile, task.type(), Engines.device(settings.device))) {
			reloaded = Evaluator.evaluate(model, test, settings.batchSize);
		}
		final double seconds = (System.nanoTime() - t0) / 1e9;
		final String metric = task.metricName();
		System.out.printf(Locale.ROOT, "best validation %s %.4f%n", metric, valMetric);
		System.out.printf(Locale.ROOT, "test %s %.4f (reloaded from %s: %.4f)%n", metric, testMetric, modelFile, reloaded
			.primaryValue());
		for (final Metrics.Summary s : Metrics.summarize(reloaded)) {
			if (!s.metric.equals(metric)) System.out.printf(Locale.ROOT, "  test %-24s %.4f%n", s.metric, s.mean);
		}
		System.out.printf(Locale.ROOT, "wall time %.1f s, peak memory (resident) %s%n", seconds, peakMemory());
		if (story.skip) return;
		story.run(task, type, train, test, normalization, settings, modelFile, data, out, t0);
	}

	/** Peak resident memory of this process (Java heap and native tensors), from /proc when available. */
	static String peakMemory() {
		try {
			for (final String line : Files.readAllLines(Paths.get("/proc/self/status"), StandardCharsets.UTF_8)) {
				if (line.startsWith("VmHWM:")) {
					final long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
					return String.format(Locale.ROOT, "%.0f MB", kb / 1024.0);
				}
			}
		}
		catch (final IOException | NumberFormatException e) {
			// not Linux
		}
		final Runtime rt = Runtime.getRuntime();
		return String.format(Locale.ROOT, "%.0f MB Java heap", (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
	}
}
