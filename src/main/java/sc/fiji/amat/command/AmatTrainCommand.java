package sc.fiji.amat.command;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.ImageFolders;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.task.ij.ImageJTasks;
import sc.fiji.amat.train.PatchTraining;
import sc.fiji.amat.train.TrainOptions;
import sc.fiji.amat.train.TrainingMethods;
import sc.fiji.amat.train.TrainingRecipe;
import sc.fiji.amat.train.TrainingSettings;
import sc.fiji.amat.train.VolumeTraining;

/**
 * Plugins > AMAT > AMAT Train: trains a network for a task with standard training, SAT or AMAT,
 * from an open image stack and its labels or from folders, and saves the model file. Macro keys
 * are the field names.
 */
@Plugin(type = Command.class, menuPath = "Plugins>AMAT>AMAT Train", headless = true,
	description = "Adaptive-margin adversarial training (AMAT), SAT or standard training of a deep network")
public class AmatTrainCommand extends CommandSupport {

	public static final String LABEL = "AMAT Train";

	/** The defaults, shared with {@code scripts/amat train}. */
	private static final TrainOptions D = new TrainOptions();

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
	private String task = D.task;

	@Parameter(label = "Training method (e.g. Standard, SAT, AMAT)",
		description = "A training method: every TrainingMethodType plugin found, e.g. Standard, SAT, AMAT")
	private String method = D.method;

	@Parameter(label = "Model file to write (.amat.zip; or .pt when hardening a TorchScript model)",
		style = FileWidget.SAVE_STYLE)
	private File model_file;

	@Parameter(label = "Epochs", min = "1")
	private int epochs = D.epochs;

	@Parameter(label = "Batch size", min = "1")
	private int batch_size = D.batchSize;

	@Parameter(label = "Learning rate (Adam)", stepSize = "0.0001")
	private double learning_rate = D.learningRate;

	@Parameter(label = "Validation fraction", min = "0", max = "0.9")
	private double validation_fraction = D.validationFraction;

	@Parameter(label = "Random seed")
	private int seed = D.seed;

	@Parameter(label = "Network depth (halvings)", min = "1", max = "6")
	private int network_depth = D.networkDepth;

	@Parameter(label = "Network width (channels)", min = "1", max = "256")
	private int network_width = D.networkWidth;

	@Parameter(label = "Patch size (0 = whole images)", min = "0",
		description = "Train on random square patches of this side (a multiple of 2^depth), a new one of every image " +
			"each epoch; the images (a label folder: each file on its own) may then have any size at least the patch")
	private int patch_size = D.patchSize;

	@Parameter(label = "Volumes: slice axis", choices = { "z", "y", "x" },
		description = "NIfTI volumes and MSD folders are trained as 2D slices cut along this axis")
	private String slice_axis = D.sliceAxis;

	@Parameter(label = "Volumes: empty slices (keep, drop, every:K, fraction:F)",
		description = "Slices without foreground: all kept, all dropped, every K-th kept, or a seeded fraction F kept")
	private String empty_slices = D.emptySlices;

	@Parameter(label = "Normalisation layer", choices = { "batch", "instance" })
	private String norm_layer = D.normLayer;

	@Parameter(label = "Intensity normalisation", choices = { "zscore", "percentile 1 99.8", "range 0 255",
		"range 0 65535" })
	private String intensity_normalization = D.intensityNormalization;

	@Parameter(label = "PGD steps T (SAT, AMAT)", min = "1")
	private int pgd_steps = D.pgdSteps;

	@Parameter(label = "Adversarial loss weight beta (SAT mixed, AMAT)", min = "0.01", max = "1")
	private double adversarial_weight = D.adversarialWeight;

	@Parameter(label = "SAT norm", choices = { "L2", "Linf" })
	private String sat_norm = D.satNorm;

	@Parameter(label = "SAT eps (L2: rms per value; Linf: fraction of range)", min = "0")
	private double sat_eps = D.satEps;

	@Parameter(label = "SAT loss", choices = { "mixed", "adversarial" })
	private String sat_loss = D.satLoss;

	@Parameter(label = "SAT attack (APGD: T iterations, its own step size)", choices = { "PGD", "APGD" })
	private String sat_attack = D.satAttack;

	@Parameter(label = "AMAT delta (rms per value)", min = "0")
	private double amat_delta = D.amatDelta;

	@Parameter(label = "AMAT largest margin (rms per value, 0 = none)", min = "0")
	private double amat_max_margin = D.amatMaxMargin;

	@Parameter(label = "AMAT boundary (threshold statistic)", choices = { "mean", "median", "robust", "quantile",
		"joint", "relative" }, description = "quantile (default, chosen on validation data), joint, relative: see " +
			"docs/amat-boundaries.md; mean: the spec's, whose margins did not grow from scratch")
	private String threshold_statistic = D.thresholdStatistic;

	@Parameter(label = "AMAT boundary tail level (quantile, joint, relative)", min = "0", max = "1", stepSize = "0.01",
		description = "quantile, relative: the tail quantile; joint: the fraction of samples over at zero noise")
	private double threshold_level = D.thresholdLevel;

	@Parameter(label = "AMAT thresholds follow the model (recalibrated every epoch)",
		description = "Recalibrate the boundary after every epoch on the current model's clean training quantities")
	private boolean follow_model = D.followModel;

	@Parameter(label = "Standard model (AMAT calibrates on it; empty: AMAT trains one first)", required = false,
		style = FileWidget.OPEN_STYLE, persist = false, description = "An .amat.zip, or a model you bring: a " +
			"TorchScript .pt with its .json, or a bioimage.io package (zip or folder) with torchscript weights; with " +
			"the warm start, training fine-tunes (hardens) it")
	private File standard_model;

	@Parameter(label = "Start from the standard model's weights (any method; a TorchScript model is hardened)")
	private boolean warm_start = D.warmStart;

	@Parameter(label = "Also export a bioimage.io package (beside the model file)",
		description = "Writes NAME.bioimageio.zip beside the model: ONNX weights checked with ONNX Runtime, rdf.yaml 0.5")
	private boolean export_bioimageio = D.exportBioimageio;

	@Parameter(label = "Device (auto, cpu, gpu, gpu N, gpus 0,1, all gpus)")
	private String device = D.device;

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
		TrainOptions.checkWritable(out);
		requireEngine();
		// before training, not after it: the export needs ONNX Runtime for its check
		if (export_bioimageio) sc.fiji.amat.export.OnnxCheck.requireRuntime();
		final TrainOptions o = options();
		final ImageJTaskType type = ImageJTasks.type(task);
		final NetworkConfig network = o.network();
		final Normalization normalization = o.normalization();
		o.checkPatchSize();
		final TrainingSettings settings = o.settings();
		final Labeled<?> labeled = patch_size > 0 ? PatchTraining.prepare(readEach(o, type, normalization, network),
			names, patch_size, settings) : read(o, type, normalization, network);
		final TrainingRecipe recipe = o.recipe(out);
		final CommandProgress progress = new CommandProgress(LABEL, this::isCanceled);
		try (AmatModel model = train(recipe, labeled, normalization, settings, progress)) {
			model.save(out);
			validation_metric = model.info().training.validationValue;
			IJ.log(String.format(java.util.Locale.ROOT, "%s: saved %s (%s training, validation %s %.4f, kept epoch %d)",
				LABEL, out, model.info().training.method, model.info().training.validationMetric, validation_metric, model
					.info().training.bestEpoch));
			showHistory(model);
			if (export_bioimageio) exportPackage(model, out);
		}
		IJ.showProgress(1.0);
		IJ.showStatus(LABEL + ": done");
	}

	/** The files of the sets {@link #readEach} read, for messages. */
	private final List<String> names = new ArrayList<>();

	/**
	 * For patches: each volume on its own (NIfTI folders, an MSD folder), a label folder's pairs
	 * each on its own (any sizes), else the one set {@link #read} gives.
	 */
	private List<Labeled<?>> readEach(final TrainOptions o, final ImageJTaskType type, final Normalization n,
		final NetworkConfig network)
	{
		final Path images = path(image_folder), labels = path(label_folder);
		final List<Labeled<?>> each = new ArrayList<>();
		if (image_stack == null && label_stack == null && VolumeTraining.accepts(images)) {
			return VolumeTraining.readEach(o, images, volumeLabels(), n, network, names);
		}
		if (image_stack == null && label_stack == null && path(label_file) == null && images != null && labels != null) {
			for (final Path[] pair : ImageFolders.pairs(images, labels)) {
				names.add(pair[0].getFileName().toString());
				each.add(type.fromFiles(pair[0], pair[1], n, network));
			}
			return each;
		}
		names.add(image_stack != null ? image_stack.getTitle() : String.valueOf(images));
		each.add(read(o, type, n, network));
		return each;
	}

	/** This command's parameters as the library's options. */
	private TrainOptions options() {
		final TrainOptions o = new TrainOptions();
		o.task = task;
		o.method = method;
		o.epochs = epochs;
		o.batchSize = batch_size;
		o.learningRate = learning_rate;
		o.validationFraction = validation_fraction;
		o.seed = seed;
		o.networkDepth = network_depth;
		o.networkWidth = network_width;
		o.patchSize = patch_size;
		o.sliceAxis = slice_axis;
		o.emptySlices = empty_slices;
		o.normLayer = norm_layer;
		o.intensityNormalization = intensity_normalization;
		o.pgdSteps = pgd_steps;
		o.adversarialWeight = adversarial_weight;
		o.satNorm = sat_norm;
		o.satEps = sat_eps;
		o.satLoss = sat_loss;
		o.satAttack = sat_attack;
		o.amatDelta = amat_delta;
		o.amatMaxMargin = amat_max_margin;
		o.thresholdStatistic = threshold_statistic;
		o.thresholdLevel = threshold_level;
		o.followModel = follow_model;
		o.standardModel = path(standard_model);
		o.warmStart = warm_start;
		o.device = device;
		o.exportBioimageio = export_bioimageio;
		return o;
	}

	/** The bioimage.io package beside the model file, its test image the first training image when open. */
	private void exportPackage(final AmatModel model, final Path modelFile) {
		final sc.fiji.amat.export.ExportSettings s = new sc.fiji.amat.export.ExportSettings();
		if (image_stack != null) s.image(sc.fiji.amat.data.ImagePlusImages.wrap(image_stack));
		final Path target = sc.fiji.amat.export.BioImageExport.packageBeside(modelFile);
		// a TorchScript model brought and hardened here is packaged with its own (fine-tuned) module
		final Path written = sc.fiji.amat.export.BioImageExport.export(model, target, s);
		IJ.log(LABEL + ": bioimage.io package written to " + written);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static AmatModel train(final TrainingRecipe recipe, final Labeled labeled, final Normalization n,
		final TrainingSettings s, final CommandProgress progress)
	{
		return recipe.train(labeled.task, labeled.data, n, s, progress);
	}

	/** The label file or folder given with volumes (null for an MSD folder, which names its own). */
	private Path volumeLabels() {
		return path(label_file) != null ? path(label_file) : path(label_folder);
	}

	private Labeled<?> read(final TrainOptions o, final ImageJTaskType type, final Normalization normalization,
		final NetworkConfig network)
	{
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
		final Path images = path(image_folder), labels = volumeLabels();
		if (VolumeTraining.accepts(images)) return VolumeTraining.read(o, images, labels, normalization, network);
		if (images == null || labels == null) {
			throw new AmatException("No training data: give an open image stack and its labels, or an image folder and " +
				"a label folder or file.");
		}
		return type.fromFiles(images, labels, normalization, network);
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
			if (model.info().training.validationSize > 0) rt.addValue("validation " + model.info().training
				.validationMetric, v.isJsonNull() ? Double.NaN : v.getAsDouble()); // no column without validation
			if (e < stats.size()) stats.get(e).forEach(rt::addValue);
		}
		rt.show("AMAT training history");
	}
}
