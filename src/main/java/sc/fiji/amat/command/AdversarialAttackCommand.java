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

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackSettings;
import sc.fiji.amat.attack.AttackTypes;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.data.ImageLayout;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.eval.ImageAttack;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.ij.ImageJTask;
import sc.fiji.amat.task.ij.ImageJTasks;
import sc.fiji.amat.task.ij.StackSamples;

/**
 * Plugins > AMAT > Adversarial Attack: attacks an open image (every slice) with a model file and
 * shows the adversarial image, the noise, and the model's predictions on the clean and the
 * adversarial image; with labels, a results row per slice with the metric before and after.
 */
@Plugin(type = Command.class, menuPath = "Plugins>AMAT>Adversarial Attack", headless = true,
	description = "White-box adversarial attack (PGD, IFGSM, FGSM) or white noise against an AMAT or TorchScript " +
		"model (white noise only against an ONNX model)")
public class AdversarialAttackCommand extends CommandSupport {

	public static final String LABEL = "Adversarial Attack";

	@Parameter(label = "Image", persist = false)
	private ImagePlus input_image;

	@Parameter(label = "Labels (optional, for metrics)", required = false, persist = false)
	private ImagePlus label_image;

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
		if (input_image == null) throw new AmatException("No image: open the image to attack first.");
		final Path model = path(model_file);
		if (model == null) throw new AmatException("Choose a model file.");
		requireEngine();
		final Norm n = Norm.parse(norm);
		final NoiseBudget budget = NoiseBudget.of(noise_level, EpsUnit.parse(noise_unit), n);
		final Attack a = AttackTypes.create(attack, n, AttackSettings.DEFAULTS.iterations(iterations));
		Engines.pytorch().setRandomSeed(seed);
		IJ.showStatus(LABEL + ": " + a + " on '" + input_image.getTitle() + "' ...");
		final ImageAttack.Result r;
		final ImageJTask<Object> task;
		try (AmatModel m = AmatModel.load(model, Engines.device(device))) {
			task = ImageJTasks.of(taskOf(m));
			r = ImageAttack.run(m, input_image, label_image, a, budget, m.info().training.batchSize > 0 ? m
				.info().training.batchSize : 8);
		}
		final String base = stripExtension(input_image.getTitle());
		adversarial = image(base + " adversarial", r.adversarial, ImageLayout.XYCN, input_image);
		noise = image(base + " noise", r.noise, ImageLayout.XYCN, input_image);
		scaleForDisplay(noise, r.noise);
		prediction_clean = image(base + " prediction", r.cleanPrediction, ImageLayout.XYN, input_image);
		prediction_adversarial = image(base + " adversarial prediction", r.adversarialPrediction, ImageLayout.XYN,
			input_image);
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
