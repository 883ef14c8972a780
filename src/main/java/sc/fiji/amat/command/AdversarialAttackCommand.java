package sc.fiji.amat.command;

import ij.IJ;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.ImagePlus;
import ij.measure.ResultsTable;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.Durations;
import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackSettings;
import sc.fiji.amat.attack.AttackTypes;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.data.ImageLayout;
import sc.fiji.amat.data.volume.Nifti;
import sc.fiji.amat.data.volume.SliceAxis;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.eval.ImageAttack;
import sc.fiji.amat.eval.VolumeAttack;
import sc.fiji.amat.eval.VolumeAttackFiles;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.ij.ImageJTask;
import sc.fiji.amat.task.ij.ImageJTasks;
import sc.fiji.amat.task.ij.StackSamples;

/**
 * Plugins > AMAT > Adversarial Attack: attacks an open image or an image file (every slice) with a
 * model file and shows the adversarial image, the noise, and the model's predictions on the clean
 * and the adversarial image; with labels, a results row per slice with the metric before and
 * after. A NIfTI volume file is attacked slice by slice along an axis ({@link VolumeAttack}) and,
 * with an output folder, written back as NIfTI files with its header ({@link VolumeAttackFiles}).
 */
@Plugin(type = Command.class, menuPath = "Plugins>AMAT>Adversarial Attack", headless = true,
	description = "White-box adversarial attack (PGD, IFGSM, FGSM) or white noise against an AMAT or TorchScript " +
		"model (white noise only against an ONNX model)")
public class AdversarialAttackCommand extends CommandSupport {

	public static final String LABEL = "Adversarial Attack";

	@Parameter(label = "Image (open image)", required = false, persist = false)
	private ImagePlus input_image;

	@Parameter(label = "Labels (optional, for metrics)", required = false, persist = false)
	private ImagePlus label_image;

	@Parameter(label = "or: image file (a NIfTI volume .nii/.nii.gz, or an image ImageJ opens)", required = false,
		persist = false, style = FileWidget.OPEN_STYLE)
	private File input_file;

	@Parameter(label = "Label file (optional: the volume's NIfTI label volume, or a label image)", required = false,
		persist = false, style = FileWidget.OPEN_STYLE)
	private File label_file;

	@Parameter(label = "Volumes: slice axis", choices = { "z", "y", "x" },
		description = "A NIfTI volume is attacked as 2D slices cut along this axis")
	private String slice_axis = "z";

	@Parameter(label = "Output folder (NIfTI volumes: adversarial, noise, predictions as .nii.gz)", required = false,
		persist = false, style = FileWidget.DIRECTORY_STYLE)
	private File output_folder;

	@Parameter(label = "Model file (.amat.zip, bioimage.io package .zip, or TorchScript .pt / ONNX .onnx with a .json beside)",
		style = FileWidget.OPEN_STYLE)
	private File model_file;

	@Parameter(label = "Attack (e.g. PGD, IFGSM, FGSM, White noise)",
		description = "An attack: every AttackType plugin found, e.g. PGD, IFGSM, FGSM, White noise")
	private String attack = "PGD";

	@Parameter(label = "Norm", choices = { "L2", "Linf" })
	private String norm = "L2";

	@Parameter(label = "Noise level (eps)", min = "0")
	private double noise_level = 0.1;

	@Parameter(label = "Noise unit", choices = { "rms", "range", "absolute" },
		description = "rms: root-mean-square per value (L2); range: fraction of the intensity range (Linf); " +
			"absolute: normalised-input units")
	private String noise_unit = "rms";

	@Parameter(label = "Iterations (PGD/APGD/IFGSM steps, white-noise draws)", min = "1")
	private int iterations = 20;

	@Parameter(label = "Random seed")
	private int seed = 42;

	@Parameter(label = "Device (auto, cpu, gpu, gpu N)")
	private String device = "auto";

	@Parameter(type = ItemIO.OUTPUT)
	private ImagePlus adversarial;

	@Parameter(type = ItemIO.OUTPUT)
	private ImagePlus noise;

	@Parameter(type = ItemIO.OUTPUT)
	private ImagePlus prediction_clean;

	@Parameter(type = ItemIO.OUTPUT)
	private ImagePlus prediction_adversarial;

	@Override
	protected String title() {
		return LABEL;
	}

	@Override
	protected void execute() {
		final Path file = path(input_file), labelFile = path(label_file), out = path(output_folder);
		if (input_image != null && file != null) throw new AmatException("Give the image to attack either as an open " +
			"image (input_image) or as a file (input_file), not both.");
		if (input_image == null && file == null) throw new AmatException("No image: open the image to attack " +
			"(input_image) or give an image file (input_file).");
		if (label_image != null && labelFile != null) throw new AmatException("Give the labels either as an open " +
			"image (label_image) or as a file (label_file), not both.");
		final boolean volume = file != null && Nifti.isNifti(file);
		if (volume && label_image != null) throw new AmatException("A NIfTI volume takes its labels as a NIfTI " +
			"label_file, not an open image.");
		if (out != null && !volume) throw new AmatException("The output folder is written for NIfTI volumes " +
			"(input_file .nii/.nii.gz) only: save the images the command shows with File > Save As.");
		if (labelFile != null && volume != Nifti.isNifti(labelFile)) throw new AmatException("The label file " +
			labelFile.getFileName() + (volume ? " must be a NIfTI label volume (.nii/.nii.gz) for a NIfTI image."
				: " is a NIfTI volume but the image is not: give both as NIfTI files, or neither."));
		final Path model = path(model_file);
		if (model == null) throw new AmatException("Choose a model file.");
		requireEngine();
		final Norm n = Norm.parse(norm);
		final NoiseBudget budget = NoiseBudget.of(noise_level, EpsUnit.parse(noise_unit), n);
		final Attack a = AttackTypes.create(attack, n, AttackSettings.DEFAULTS.iterations(iterations));
		if (volume) {
			attackVolume(model, file, labelFile, out, a, budget);
			return;
		}
		final ImagePlus image = file != null ? open(file) : input_image;
		final ImagePlus labels = labelFile != null ? open(labelFile) : label_image;
		Engines.pytorch().setRandomSeed(seed);
		IJ.showStatus(LABEL + ": " + a + " on '" + image.getTitle() + "' ...");
		final ImageAttack.Result r;
		final ImageJTask<Object> task;
		try (AmatModel m = AmatModel.load(model, Engines.device(device))) {
			task = ImageJTasks.of(taskOf(m));
			r = ImageAttack.run(m, image, labels, a, budget, m.info().training.batchSize > 0 ? m
				.info().training.batchSize : 8);
		}
		final String base = stripExtension(image.getTitle());
		adversarial = image(base + " adversarial", r.adversarial, ImageLayout.XYCN, image);
		noise = image(base + " noise", r.noise, ImageLayout.XYCN, image);
		scaleForDisplay(noise, r.noise);
		prediction_clean = image(base + " prediction", r.cleanPrediction, ImageLayout.XYN, image);
		prediction_adversarial = image(base + " adversarial prediction", r.adversarialPrediction, ImageLayout.XYN,
			image);
		for (final ImagePlus p : new ImagePlus[] { prediction_clean, prediction_adversarial }) {
			p.setDisplayRange(0, Math.max(1, p.getStatistics().max));
		}
		overlay(task, r.cleanPredicted, prediction_clean);
		overlay(task, r.adversarialPredicted, prediction_adversarial);
		overlay(task, r.adversarialPredicted, adversarial);
		final ResultsTable predictions = predictions(task, r);
		if (predictions.size() > 0) predictions.show("Predictions");
		adversarial.setProperty("Info", r.epsDescription);
		noise.setProperty("Info", r.epsDescription);
		results(r).show("Results");
		IJ.log(LABEL + ": " + r.epsDescription);
		IJ.showStatus(LABEL + ": done");
	}

	/**
	 * A NIfTI volume: attacked slice by slice along the slice axis, written into the output folder
	 * (when given) with its header, shown as images when not too large.
	 */
	private void attackVolume(final Path model, final Path file, final Path labels, final Path out, final Attack a,
		final NoiseBudget budget)
	{
		final VolumeAttack.Settings s = new VolumeAttack.Settings();
		s.axis = SliceAxis.parse(slice_axis);
		s.seed = seed;
		if (out != null) VolumeAttackFiles.checkFolder(out);
		else {
			long values = 1;
			for (final long d : Nifti.readHeader(file).dims()) values *= d;
			if (values > VolumeAttackImages.MAX_SHOWN) throw new AmatException("The volume " + file.getFileName() +
				" has " + values + " values, too many to show as images: choose an output folder (output_folder).");
		}
		IJ.showStatus(LABEL + ": " + a + " on " + file.getFileName() + " ...");
		IJ.resetEscape();
		final VolumeAttack.Result r;
		try (AmatModel m = AmatModel.load(model, Engines.device(device))) {
			r = VolumeAttack.run(m, file, labels, a, budget, s, new VolumeAttack.Listener() {

				@Override
				public void progress(final int done, final int total, final double secondsLeft) {
					IJ.showStatus(String.format(Locale.ROOT, "%s: slice %d/%d, ~%s left (Esc cancels)", LABEL, done, total,
						Durations.text(secondsLeft)));
					IJ.showProgress(done, total);
				}

				@Override
				public boolean isCancelled() {
					return IJ.escapePressed() || Thread.currentThread().isInterrupted() || isCanceled();
				}
			});
		}
		catch (final CancellationException e) {
			throw new AmatException("The attack on " + file.getFileName() + " was cancelled: nothing was written.");
		}
		if (out != null) {
			for (final Path p : VolumeAttackFiles.write(r, out)) IJ.log(LABEL + ": wrote " + p);
		}
		IJ.log(LABEL + ": " + VolumeAttack.describe(r) + ", " + r.description);
		if (r.adversarial.length <= VolumeAttackImages.MAX_SHOWN) {
			adversarial = VolumeAttackImages.image(r.name + " adversarial", r.adversarial, r, r.channels);
			noise = VolumeAttackImages.image(r.name + " noise", r.noise, r, r.channels);
			scaleForDisplay(noise, net.imglib2.img.array.ArrayImgs.floats(r.noise, r.noise.length));
			prediction_clean = VolumeAttackImages.image(r.name + " prediction", r.prediction, r, 1);
			prediction_adversarial = VolumeAttackImages.image(r.name + " adversarial prediction", r.adversarialPrediction,
				r, 1);
			for (final ImagePlus p : new ImagePlus[] { prediction_clean, prediction_adversarial }) {
				p.setDisplayRange(0, Math.max(1, p.getStatistics().max));
			}
			adversarial.setProperty("Info", r.description);
			noise.setProperty("Info", r.description);
		}
		VolumeAttackImages.results(r, attack, norm, noise_level, noise_unit).show("Results");
		IJ.showStatus(LABEL + ": done");
	}

	private static ImagePlus open(final Path file) {
		if (!java.nio.file.Files.isRegularFile(file)) throw new AmatException("The image file " + file +
			" does not exist.");
		final ImagePlus imp = IJ.openImage(file.toString());
		if (imp == null) throw new AmatException("ImageJ cannot open " + file + " as an image.");
		return imp;
	}

	@SuppressWarnings("unchecked")
	private static Task<Object> taskOf(final AmatModel m) {
		return (Task<Object>) m.task();
	}

	/** The predictions as ROIs on an image's overlay, each on its slice (tasks whose labels are points or boxes). */
	private static void overlay(final ImageJTask<Object> task, final List<Object> predicted, final ImagePlus imp) {
		Overlay overlay = null;
		for (int s = 0; s < predicted.size(); s++) {
			for (final Roi roi : task.toRois(predicted.get(s))) {
				if (overlay == null) overlay = new Overlay();
				StackSamples.place(imp, roi, s + 1);
				overlay.add(roi);
			}
		}
		if (overlay != null) imp.setOverlay(overlay);
	}

	/** One row per predicted landmark or object, clean and adversarial (empty for segmentation). */
	private static ResultsTable predictions(final ImageJTask<Object> task, final ImageAttack.Result r) {
		final ResultsTable rt = new ResultsTable();
		for (int s = 0; s < r.cleanPredicted.size(); s++) {
			for (final String input : new String[] { "clean", "adversarial" }) {
				final Object label = (input.equals("clean") ? r.cleanPredicted : r.adversarialPredicted).get(s);
				for (final Map<String, Object> row : task.toRows(label)) {
					rt.incrementCounter();
					rt.addValue("slice", s + 1);
					rt.addValue("input", input);
					for (final Map.Entry<String, Object> c : row.entrySet()) {
						if (c.getValue() instanceof Number) rt.addValue(c.getKey(), ((Number) c.getValue()).doubleValue());
						else rt.addValue(c.getKey(), String.valueOf(c.getValue()));
					}
				}
			}
		}
		return rt;
	}

	/** One row per slice in ImageJ's Results table (cleared first, as ImageJ's measurements do). */
	private ResultsTable results(final ImageAttack.Result r) {
		ResultsTable rt = ResultsTable.getResultsTable();
		if (rt == null) rt = new ResultsTable();
		rt.reset();
		for (int s = 0; s < r.noiseAndLoss.size(); s++) {
			final double[] v = r.noiseAndLoss.get(s);
			rt.incrementCounter();
			rt.addValue("slice", s + 1);
			rt.addValue("attack", attack);
			rt.addValue("norm", norm);
			rt.addValue("noise level", noise_level);
			rt.addValue("noise unit", noise_unit);
			rt.addValue("noise L2 (normalised)", v[0]);
			rt.addValue("noise Linf (normalised)", v[1]);
			if (r.clean != null) {
				rt.addValue("loss clean", v[2]);
				rt.addValue("loss adversarial", v[3]);
				addMetrics(rt, r.clean, s, "clean");
				addMetrics(rt, r.attacked, s, "adversarial");
			}
		}
		return rt;
	}

	private static void addMetrics(final ResultsTable rt, final MetricTable t, final int row, final String when) {
		for (int c = 0; c < t.names().length; c++) {
			final String name = t.names()[c];
			if (t.isPoolingColumn(c)) continue;
			rt.addValue(name + " " + when, t.value(row, c));
		}
	}

	/** A symmetric display range around 0, so that zero noise is mid-grey. */
	private static void scaleForDisplay(final ImagePlus imp, final RandomAccessibleInterval<FloatType> values) {
		double max = 0;
		for (final FloatType t : net.imglib2.view.Views.iterable(values)) max = Math.max(max, Math.abs(t.get()));
		imp.setDisplayRange(-Math.max(max, 1e-12), Math.max(max, 1e-12));
	}

	static String stripExtension(final String title) {
		final int dot = title.lastIndexOf('.');
		return dot > 0 && title.length() - dot <= 5 ? title.substring(0, dot) : title;
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%s %s %s %s", LABEL, attack, norm, noise_level);
	}
}
