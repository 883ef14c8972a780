package sc.fiji.amat.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationData;
import sc.fiji.amat.task.segmentation.SegmentationTask;
import sc.fiji.amat.train.ConsoleProgress;
import sc.fiji.amat.train.ModelTrainer;
import sc.fiji.amat.train.StandardTraining;
import sc.fiji.amat.train.TrainingSettings;

/**
 * The main job, headless: trains a U-Net on the segmentation sample data, saves the model,
 * reloads it and evaluates it on the held-out test images; then trains SAT at two noise sizes
 * and AMAT (thresholds calibrated on the standard model), and writes the robustness report of
 * all four models with their scores.
 */
final class Demo {

	private Demo() {}

	static void run(final Args args) {
		final long t0 = System.nanoTime();
		final int threads = args.getInt("threads", Runtime.getRuntime().availableProcessors());
		final Path data = Paths.get(args.get("data", "sample-data/segmentation"));
		final Path out = Paths.get(args.get("out", "target/demo"));
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
			Generate.segmentation(data, Generate.SEED);
		}
		final Normalization normalization = Normalization.zscore();
		final Path trainLabels = data.resolve("train-labels.tif");
		final LabeledData<Mask> train = SegmentationData.fromFiles(data.resolve("train-images.tif"), trainLabels,
			normalization);
		final LabeledData<Mask> test = SegmentationData.fromFiles(data.resolve("test-images.tif"), data.resolve(
			"test-labels.tif"), normalization);
		final List<String> classes = SegmentationData.classNames(trainLabels, train.labels());
		final SegmentationTask task = new SegmentationTask(classes, train.channels(), network);
		System.out.printf(Locale.ROOT, "AMAT demo: %d training and %d test images of %dx%d, classes %s, %d CPU " +
			"thread(s), PyTorch %s%n", train.size(), test.size(), train.width(), train.height(), classes, threads,
			Engines.pytorch().getVersion());

		final Path modelFile = out.resolve("segmentation-standard.amat.zip");
		final double valDice, testDice;
		try (AmatModel model = new ModelTrainer<>(task, train, normalization, settings, new StandardTraining(),
			new ConsoleProgress(System.out, "")).train())
		{
			valDice = model.info().training.validationValue;
			testDice = Evaluator.evaluate(model, test, settings.batchSize).primaryMean();
			model.save(modelFile);
		}
		final MetricTable reloaded;
		try (AmatModel model = AmatModel.load(modelFile, SegmentationTask.TYPE, Engines.device(settings.device))) {
			reloaded = Evaluator.evaluate(model, test, settings.batchSize);
		}
		final double seconds = (System.nanoTime() - t0) / 1e9;
		System.out.printf(Locale.ROOT, "best validation Dice %.4f%n", valDice);
		System.out.printf(Locale.ROOT, "test Dice %.4f (reloaded from %s: %.4f)%n", testDice, modelFile, reloaded
			.primaryMean());
		for (int c = 1; c < classes.size(); c++) {
			System.out.printf(Locale.ROOT, "  test Dice %-10s %.4f%n", classes.get(c), reloaded.mean(reloaded.column(
				"dice " + classes.get(c))));
		}
		System.out.printf(Locale.ROOT, "wall time %.1f s, peak memory (resident) %s%n", seconds, peakMemory());
		if (story.skip) return;
		story.run(task, train, test, normalization, settings, modelFile, data, out, t0);
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
