package sc.fiji.amat.command;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.task.ij.ImageJTasks;
import sc.fiji.amat.train.SatTraining;
import sc.fiji.amat.train.StatefulOptimizer;
import sc.fiji.amat.train.Thresholds;
import sc.fiji.amat.train.TrainingMethods;
import sc.fiji.amat.train.TrainingRecipe;
import sc.fiji.amat.train.TrainingSettings;

/**
 * Plugins > AMAT > AMAT Train: trains a network for a task with standard training, SAT or AMAT,
 * from an open image stack and its labels or from folders, and saves the model file. Macro keys
 * are the field names.
 */
@Plugin(type = Command.class, menuPath = "Plugins>AMAT>AMAT Train", headless = true,
	description = "Adaptive-margin adversarial training (AMAT), SAT or standard training of a deep network")
public class AmatTrainCommand extends CommandSupport {

	public static final String LABEL = "AMAT Train";

	@Parameter(label = "Training images (open stack)", required = false, persist = false,
		description = "The training images as an open image or stack; or leave empty and give folders")
	private ImagePlus image_stack;

	@Parameter(label = "Training labels (open stack)", required = false, persist = false,
		description = "One label image per training image (segmentation: class indices, 0 = background); " +
			"leave empty for tasks whose labels are ROIs on the training images (landmarks: points, detection: boxes)")
	private ImagePlus label_stack;

	@Parameter(label = "Image folder (instead of open images)", required = false, style = FileWidget.DIRECTORY_STYLE,
		persist = false)
	private File image_folder;

	@Parameter(label = "Label folder (same file names)", required = false, style = FileWidget.DIRECTORY_STYLE,
		persist = false)
	private File label_folder;

	@Parameter(label = "or: label file (CSV, ...)", required = false, style = FileWidget.OPEN_STYLE, persist = false,
		description = "A single label file instead of a label folder, in a form the task reads (e.g. a CSV)")
	private File label_file;

	@Parameter(label = "Task (e.g. segmentation, landmarks, detection)",
		description = "A task type: every TaskType plugin found, e.g. segmentation, landmarks, detection")
	private String task = "segmentation";

	@Parameter(label = "Training method (e.g. Standard, SAT, AMAT)",
		description = "A training method: every TrainingMethodType plugin found, e.g. Standard, SAT, AMAT")
	private String method = "AMAT";

	@Parameter(label = "Model file to write (.amat.zip; or .pt when hardening a TorchScript model)",
		style = FileWidget.SAVE_STYLE)
	private File model_file;

	@Parameter(label = "Epochs", min = "1")
	private int epochs = 25;

	@Parameter(label = "Batch size", min = "1")
	private int batch_size = 8;

	@Parameter(label = "Learning rate (Adam)", stepSize = "0.0001")
	private double learning_rate = 0.002;

	@Parameter(label = "Validation fraction", min = "0", max = "0.9")
	private double validation_fraction = 0.2;

	@Parameter(label = "Random seed")
	private int seed = 42;

	@Parameter(label = "Network depth (halvings)", min = "1", max = "6")
	private int network_depth = 3;

	@Parameter(label = "Network width (channels)", min = "1", max = "256")
	private int network_width = 16;

	@Parameter(label = "Normalisation layer", choices = { "batch", "instance" })
	private String norm_layer = "batch";

	@Parameter(label = "Intensity normalisation", choices = { "zscore", "percentile 1 99.8", "range 0 255",
		"range 0 65535" })
	private String intensity_normalization = "zscore";

	@Parameter(label = "PGD steps T (SAT, AMAT)", min = "1")
	private int pgd_steps = 20;

	@Parameter(label = "Adversarial loss weight beta (SAT mixed, AMAT)", min = "0.01", max = "1")
	private double adversarial_weight = 0.5;

	@Parameter(label = "SAT norm", choices = { "L2", "Linf" })
	private String sat_norm = "L2";

	@Parameter(label = "SAT eps (L2: rms per value; Linf: fraction of range)", min = "0")
	private double sat_eps = 0.1;

	@Parameter(label = "SAT loss", choices = { "mixed", "adversarial" })
	private String sat_loss = "mixed";

	@Parameter(label = "SAT attack (APGD: T iterations, its own step size)", choices = { "PGD", "APGD" })
	private String sat_attack = "PGD";

	@Parameter(label = "AMAT delta (rms per value)", min = "0")
	private double amat_delta = 0.01;

	@Parameter(label = "AMAT largest margin (rms per value, 0 = none)", min = "0")
	private double amat_max_margin = 0;

	@Parameter(label = "AMAT boundary (threshold statistic)", choices = { "mean", "median", "robust", "quantile",
		"joint", "relative" }, description = "quantile (default, chosen on validation data), joint, relative: see " +
			"docs/amat-boundaries.md; mean: the spec's, whose margins did not grow from scratch")
	private String threshold_statistic = "quantile";

	@Parameter(label = "AMAT boundary tail level (quantile, joint, relative)", min = "0", max = "1", stepSize = "0.01",
		description = "quantile, relative: the tail quantile; joint: the fraction of samples over at zero noise")
	private double threshold_level = 0.1;

	@Parameter(label = "AMAT thresholds follow the model (recalibrated every epoch)",
		description = "Recalibrate the boundary after every epoch on the current model's clean training quantities")
	private boolean follow_model = true;

	@Parameter(label = "Standard model (AMAT calibrates on it; empty: AMAT trains one first)", required = false,
		style = FileWidget.OPEN_STYLE, persist = false, description = "An .amat.zip, or a model you bring: a " +
			"TorchScript .pt with its .json, or a bioimage.io package (zip or folder) with torchscript weights; with " +
			"the warm start, training fine-tunes (hardens) it")
	private File standard_model;

	@Parameter(label = "Start from the standard model's weights (any method; a TorchScript model is hardened)")
	private boolean warm_start = false;

	@Parameter(label = "Device (auto, cpu, gpu, gpu N, gpus 0,1, all gpus)")
	private String device = "auto";

	@Parameter(type = ItemIO.OUTPUT, label = "Validation metric of the saved model")
	private double validation_metric;

	@Override
	protected String title() {
		return LABEL;
	}

	@Override
	protected void execute() {
		final Path out = path(model_file);
		if (out == null) throw new AmatException("Choose a model file to write.");
		checkWritable(out);
		requireEngine();
		final ImageJTaskType type = ImageJTasks.type(task);
		final NetworkConfig network = new NetworkConfig(network_depth, network_width, NetworkConfig.Norm.parse(
			norm_layer));
		final Normalization normalization = Normalization.parse(intensity_normalization);
		final Labeled<?> labeled = read(type, normalization, network);

		final TrainingSettings settings = new TrainingSettings();
		settings.epochs = epochs;
		settings.batchSize = batch_size;
		settings.learningRate = (float) learning_rate;
		settings.optimizer = StatefulOptimizer.Kind.ADAM;
		settings.validationFraction = validation_fraction;
		settings.seed = seed;
		settings.device = device;

		final TrainingRecipe recipe = new TrainingRecipe();
		recipe.method = TrainingMethods.get(method).key();
		recipe.steps = pgd_steps;
		recipe.beta = (float) adversarial_weight;
		recipe.satNorm = Norm.parse(sat_norm);
		recipe.satEps = sat_eps;
		recipe.satLoss = SatTraining.LossMode.parse(sat_loss);
		recipe.satAttack = SatTraining.attackKey(sat_attack);
		recipe.amatDelta = amat_delta;
		recipe.amatMaxMargin = amat_max_margin;
		recipe.statistic = Thresholds.Statistic.parse(threshold_statistic);
		recipe.boundaryLevel = threshold_level;
		recipe.followModel = follow_model;
		recipe.standardModel = path(standard_model);
		recipe.warmStart = warm_start;
		// where a method that trains a standard model first (AMAT, to calibrate on) saves it
		if (recipe.standardModel == null) recipe.standardModelOut = sibling(out, "-standard");
		final CommandProgress progress = new CommandProgress(LABEL, this::isCanceled);
		try (AmatModel model = train(recipe, labeled, normalization, settings, progress)) {
			model.save(out);
			validation_metric = model.info().training.validationValue;
			IJ.log(String.format(java.util.Locale.ROOT, "%s: saved %s (%s training, validation %s %.4f, kept epoch %d)",
				LABEL, out, model.info().training.method, model.info().training.validationMetric, validation_metric, model
					.info().training.bestEpoch));
			showHistory(model);
		}
		IJ.showProgress(1.0);
		IJ.showStatus(LABEL + ": done");
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static AmatModel train(final TrainingRecipe recipe, final Labeled labeled, final Normalization n,
		final TrainingSettings s, final CommandProgress progress)
	{
		return recipe.train(labeled.task, labeled.data, n, s, progress);
	}

	private Labeled<?> read(final ImageJTaskType type, final Normalization normalization, final NetworkConfig network) {
		if (image_stack != null || label_stack != null) {
			if (image_stack == null) {
				throw new AmatException("Give the training images (an open stack) with their labels, or two folders.");
			}
			if (image_stack.getNSlices() > 1 && image_stack.getNFrames() == 1 && image_stack.getNSlices() != image_stack
				.getStackSize())
			{
				log.info(LABEL + ": '" + image_stack.getTitle() + "' is a volume: its z-slices are trained as 2D images");
			}
			if (image_stack.getType() == ImagePlus.COLOR_RGB) {
				IJ.log(LABEL + ": '" + image_stack.getTitle() + "' is RGB: it is read as three channels (red, green, blue)");
			}
			return type.fromImages(image_stack, label_stack, normalization, network);
		}
		final Path images = path(image_folder), labels = path(label_file) != null ? path(label_file) : path(
			label_folder);
		if (images == null || labels == null) {
			throw new AmatException("No training data: give an open image stack and its labels, or an image folder and " +
				"a label folder or file.");
		}
		return type.fromFiles(images, labels, normalization, network);
	}

	/** Fails before training when the model could not be written afterwards. */
	static void checkWritable(final Path out) {
		final Path dir = out.toAbsolutePath().getParent();
		if (dir == null || !Files.isDirectory(dir)) {
			throw new AmatException("The folder of the model file, " + dir + ", does not exist.");
		}
		if (!Files.isWritable(dir) || Files.exists(out) && !Files.isWritable(out)) {
			throw new AmatException("The model file " + out + " cannot be written: choose a writable folder.");
		}
	}

	static Path sibling(final Path file, final String suffix) {
		final String name = file.getFileName().toString();
		final String base = name.endsWith(".amat.zip") ? name.substring(0, name.length() - 9) : name.endsWith(".zip")
			? name.substring(0, name.length() - 4) : name;
		return file.resolveSibling(base + suffix + ".amat.zip");
	}

	private static void showHistory(final AmatModel model) {
		final ResultsTable rt = new ResultsTable();
		final JsonArray loss = model.info().training.history.getAsJsonArray("loss");
		final JsonArray val = model.info().training.history.getAsJsonArray("validation");
		final List<Map<String, Double>> stats = TrainingMethods.epochValues(model.info().training);
		for (int e = 0; e < loss.size(); e++) {
			rt.incrementCounter();
			rt.addValue("epoch", e + 1);
			rt.addValue("loss", loss.get(e).getAsDouble());
			final JsonElement v = val.get(e);
			rt.addValue("validation " + model.info().training.validationMetric, v.isJsonNull() ? Double.NaN : v
				.getAsDouble());
			if (e < stats.size()) stats.get(e).forEach(rt::addValue);
		}
		rt.show("AMAT training history");
	}
}
