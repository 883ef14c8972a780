package sc.fiji.amat.command;

import ij.IJ;
import ij.ImagePlus;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.BioimageIoPackage;
import sc.fiji.amat.model.ImportedModels;
import sc.fiji.amat.model.ModelDescription;
import sc.fiji.amat.report.ModelResult;
import sc.fiji.amat.report.ReportListener;
import sc.fiji.amat.report.ReportPlots;
import sc.fiji.amat.report.ReportResult;
import sc.fiji.amat.report.EvaluationPreset;
import sc.fiji.amat.report.ReportSettings;
import sc.fiji.amat.report.ReportWriter;
import sc.fiji.amat.report.RobustnessReport;
import sc.fiji.amat.report.TestSet;
import sc.fiji.amat.Durations;

/**
 * Plugins > AMAT > Robustness Report: evaluates one or more model files of one task under the
 * chosen attacks at every noise level on a labelled test set, and writes the report (HTML with
 * everything embedded, CSV, PNG plots and examples) into a folder; shows the table and plots.
 */
@Plugin(type = Command.class, menuPath = "Plugins>AMAT>Robustness Report", headless = true,
	description = "Metric-vs-noise curves, robustness scores and sanity checks of models under attack")
public class RobustnessReportCommand extends CommandSupport {

	public static final String LABEL = "Robustness Report";

	@Parameter(label = "Model files (separated by ;): .amat.zip, bioimage.io package (zip or folder), or .pt / .onnx with a .json beside", required = false,
		persist = false)
	private String model_files = "";

	@Parameter(label = "or: every model in this folder (.amat.zip; bioimage.io packages; .pt, .onnx with a .json)", required = false,
		style = FileWidget.DIRECTORY_STYLE, persist = false)
	private File model_folder;

	@Parameter(label = "Test images (open image)", required = false, persist = false,
		description = "The test images as an open image or stack; or leave empty and give the test set as files below")
	private ImagePlus test_images;

	@Parameter(label = "Test labels (empty: ROIs on the test images)", required = false, persist = false,
		description = "Label images (segmentation); leave empty for tasks whose labels are ROIs on the test images")
	private ImagePlus test_labels;

	@Parameter(label = "or: test images from a file or folder (NIfTI, MSD folder, stack, image folder)",
		required = false, persist = false, style = FileWidget.OPEN_STYLE, description = "Instead of open images: a " +
			".nii/.nii.gz image, a folder of them, an MSD folder (its labelled test cases, imagesTs/ and labelsTs/), a TIFF stack or an " +
			"image folder; volumes are evaluated as z slices, with a per-volume table")
	private File test_image_path;

	@Parameter(label = "Test labels from a file or folder (empty for an MSD folder)", required = false,
		persist = false, style = FileWidget.OPEN_STYLE, description = "The label volume, label folder (same file " +
			"names), label stack or label file (CSV, ...) of the test images given as a file or folder")
	private File test_label_path;

	@Parameter(label = "Evaluation", choices = { "strong", "standard", "quick", "custom" }, description =
		"Cost in forward + backward passes per image and noise level. strong (about 60 with its sanity checks): APGD-20 " +
			"on two of the task's attack losses, FGSM and white noise, worst case per image; standard (38): PGD-20, " +
			"IFGSM-10, FGSM, noise; quick (15): PGD-10, FGSM, noise; custom: the attacks below")
	private String evaluation = "strong";

	@Parameter(label = "Attacks (custom evaluation): pgd, apgd:masked-ce, ifgsm, fgsm, noise, ...", required = false)
	private String attacks = "pgd,ifgsm,fgsm,noise";

	@Parameter(label = "Norm", choices = { "L2", "Linf" })
	private String norm = "L2";

	@Parameter(label = "Noise levels (empty: derived from data and models)", required = false)
	private String noise_levels = "";

	@Parameter(label = "Noise unit", choices = { "rms", "range", "absolute" })
	private String noise_unit = "rms";

	@Parameter(label = "PGD steps (custom evaluation)", min = "1")
	private int pgd_steps = 20;

	@Parameter(label = "Runs of each random-start attack (the worst per image counts)", min = "1")
	private int restarts = 1;

	@Parameter(label = "Transfer source (for ONNX models: the model gradient attacks are crafted on)",
		required = false, style = FileWidget.OPEN_STYLE, persist = false,
		description = "ONNX models give no gradients: PGD, IFGSM and FGSM on them are crafted on this model " +
			"(.amat.zip or TorchScript) and reported as transfer attacks, not white-box")
	private File transfer_source;

	@Parameter(label = "Output folder", style = FileWidget.DIRECTORY_STYLE)
	private File output_folder;

	@Parameter(label = "Random seed")
	private int seed = 1;

	@Parameter(label = "Device (auto, cpu, gpu, gpu N)")
	private String device = "auto";

	@Parameter(type = ItemIO.OUTPUT, label = "Report (HTML)")
	private String report_html;

	@Override
	protected String title() {
		return LABEL;
	}

	@Override
	protected void execute() {
		final List<Path> models = models();
		final Path testFile = path(test_image_path);
		if (test_images != null && testFile != null) throw new AmatException("Give the test set either as an open " +
			"image (test_images) or as a file or folder (test_image_path), not both.");
		if (test_images == null && testFile == null) throw new AmatException("Give the test set: an open image " +
			"(test_images) with its labels, or a file or folder (test_image_path) with its labels (test_label_path).");
		final Path out = path(output_folder);
		if (out == null) throw new AmatException("Choose an output folder for the report.");
		ReportWriter.checkTarget(out);
		requireEngine();
		final ReportSettings s = new ReportSettings();
		final boolean custom = "custom".equals(evaluation);
		s.preset(EvaluationPreset.parse(custom ? EvaluationPreset.STANDARD.key() : evaluation));
		if (custom) {
			s.attacks = ReportSettings.parseAttacks(attacks == null ? "" : attacks);
			if (s.attacks == null) throw new AmatException("A custom evaluation needs attacks, e.g. pgd,fgsm,noise.");
			s.pgdSteps = pgd_steps;
		}
		s.norm = Norm.parse(norm);
		s.unit = EpsUnit.parse(noise_unit);
		if (noise_levels != null && !noise_levels.trim().isEmpty()) s.eps = ReportSettings.parseEps(noise_levels);
		s.restarts = restarts;
		s.seed = seed;
		s.device = device;
		s.transferSource = path(transfer_source) == null ? null : path(transfer_source).toString();
		final String task = AmatModel.readInfo(models.get(0)).task;
		final TestSet<?> test = testFile != null ? TestSet.fromFiles(task, testFile, path(test_label_path)) : TestSet
			.fromImages(task, test_images, test_labels);
		final ReportResult r;
		try {
			r = RobustnessReport.evaluate(models, test, s, progress());
		}
		catch (final CancellationException e) {
			throw new AmatException("The report was cancelled: nothing was written.");
		}
		report_html = ReportWriter.write(r, out, null).toString();
		r.table().toResultsTable().show("Robustness report");
		if (hasGui()) ReportPlots.create(r).forEach(p -> p.plot.show());
		for (final ModelResult m : r.models()) {
			final StringBuilder b = new StringBuilder(LABEL + ": " + m.name);
			for (final String a : r.scoredAttacks()) {
				b.append(String.format(Locale.ROOT, ", %s score %.4f", a, m.score(a).score));
			}
			IJ.log(b.toString());
		}
		r.flags().forEach(f -> IJ.log(LABEL + ": " + f));
		IJ.log(LABEL + ": wrote " + report_html);
		IJ.showStatus(LABEL + ": done");
	}

	private List<Path> models() {
		final List<Path> models = new ArrayList<>();
		if (model_files != null) {
			for (final String m : model_files.split("[;\n]")) {
				if (!m.trim().isEmpty()) models.add(Paths.get(m.trim()));
			}
		}
		final Path folder = path(model_folder);
		if (folder != null) {
			if (!Files.isDirectory(folder)) throw new AmatException("The model folder " + folder + " does not exist.");
			try (Stream<Path> s = Files.list(folder)) {
				// AMAT's models, and models brought from outside that have their description beside them
				models.addAll(s.filter(p -> p.getFileName().toString().endsWith(".amat.zip") || ImportedModels.isImported(
					p) && (BioimageIoPackage.isPackage(p) || Files.isRegularFile(ModelDescription.fileFor(p)))).sorted().collect(Collectors.toList()));
			}
			catch (final IOException e) {
				throw new AmatException("Cannot list " + folder + ": " + e.getMessage(), e);
			}
		}
		if (models.isEmpty()) throw new AmatException("Give at least one model file (model_files) or a model folder.");
		return models;
	}

	private ReportListener progress() {
		IJ.resetEscape();
		return new ReportListener() {

			@Override
			public void progress(final double fraction, final String status, final double secondsLeft) {
				IJ.showStatus(LABEL + ": " + status + ", ~" + Durations.text(secondsLeft) + " left (Esc cancels)");
				IJ.showProgress(fraction);
			}

			@Override
			public void message(final String text) {
				IJ.log(LABEL + ": " + text);
			}

			@Override
			public boolean isCancelled() {
				return IJ.escapePressed() || Thread.currentThread().isInterrupted() || isCanceled();
			}
		};
	}
}
