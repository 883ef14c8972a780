package sc.fiji.amat.train;

import java.nio.file.Files;
import java.nio.file.Path;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.data.volume.EmptySlices;
import sc.fiji.amat.data.volume.SliceAxis;
import sc.fiji.amat.data.volume.VolumeSlicer;
import sc.fiji.amat.nn.NetworkConfig;

/**
 * The options of AMAT Train in the units and words its users give them, with their defaults (the
 * fields' initial values): the one copy that the AMAT Train command's parameters and
 * {@code scripts/amat train} both start from, and how they become the library's
 * {@link TrainingSettings} and {@link TrainingRecipe}.
 */
public final class TrainOptions {

	public String task = "segmentation";
	public String method = "AMAT";
	public int epochs = 25;
	public int batchSize = 8;
	public double learningRate = 0.002;
	public double validationFraction = 0.2;
	public int seed = 42;
	public int networkDepth = 3;
	public int networkWidth = 16;
	public String normLayer = "batch";
	public String intensityNormalization = "zscore";
	public int pgdSteps = 20;
	public double adversarialWeight = 0.5;
	public String satNorm = "L2";
	public double satEps = 0.1;
	public String satLoss = "mixed";
	public String satAttack = "PGD";
	public double amatDelta = 0.01;
	public double amatMaxMargin = 0;
	public String thresholdStatistic = "quantile";
	public double thresholdLevel = 0.1;
	public boolean followModel = true;
	/** The standard model AMAT calibrates on; null: AMAT trains one first (saved beside the model). */
	public Path standardModel;
	public boolean warmStart;
	public String device = "auto";
	/** Side of the random square patches trained on; 0: whole images (all of one size). */
	public int patchSize;
	/** Volumes: the axis their 2D slices are cut along (x, y or z). */
	public String sliceAxis = "z";
	/** Volumes: which slices without foreground are trained on (keep, drop, every:K, fraction:F). */
	public String emptySlices = "keep";
	/** Also write a bioimage.io package beside the model file. */
	public boolean exportBioimageio;

	public NetworkConfig network() {
		return new NetworkConfig(networkDepth, networkWidth, NetworkConfig.Norm.parse(normLayer));
	}

	public Normalization normalization() {
		return Normalization.parse(intensityNormalization);
	}

	/**
	 * How volumes are cut into slices under these options ({@link #sliceAxis}, {@link #emptySlices},
	 * the fraction option seeded with 1), each slice normalised with {@code n} and padded to a
	 * multiple of {@code padMultiple} (0: not padded).
	 */
	public VolumeSlicer.Options slicing(final Normalization n, final int padMultiple) {
		final VolumeSlicer.Options o = new VolumeSlicer.Options();
		o.axis = SliceAxis.parse(sliceAxis);
		o.emptySlices = EmptySlices.parse(emptySlices);
		o.normalization = n;
		o.padMultiple = padMultiple;
		return o;
	}

	/** Checks the patch size against the network: a one-sentence error when it does not fit. */
	public void checkPatchSize() {
		if (patchSize == 0) return;
		final int m = network().sizeMultiple();
		if (patchSize < 0 || patchSize % m != 0) {
			throw new AmatException("The patch size must be a positive multiple of " + m + " (2^depth of a U-Net of depth " +
				networkDepth + "), got " + patchSize + ".");
		}
	}

	/** The training settings of these options (Adam, the options' schedule, seed and device). */
	public TrainingSettings settings() {
		final TrainingSettings s = new TrainingSettings();
		s.epochs = epochs;
		s.batchSize = batchSize;
		s.learningRate = (float) learningRate;
		s.optimizer = StatefulOptimizer.Kind.ADAM;
		s.validationFraction = validationFraction;
		s.seed = seed;
		s.device = device;
		return s;
	}

	/**
	 * The recipe of these options; a method that trains a standard model first (AMAT, to
	 * calibrate on) saves it beside {@code modelOut} (see {@link #standardModelOut}).
	 */
	public TrainingRecipe recipe(final Path modelOut) {
		final TrainingRecipe r = new TrainingRecipe();
		r.method = TrainingMethods.get(method).key();
		r.steps = pgdSteps;
		r.beta = (float) adversarialWeight;
		r.satNorm = Norm.parse(satNorm);
		r.satEps = satEps;
		r.satLoss = SatTraining.LossMode.parse(satLoss);
		r.satAttack = SatTraining.attackKey(satAttack);
		r.amatDelta = amatDelta;
		r.amatMaxMargin = amatMaxMargin;
		r.statistic = Thresholds.Statistic.parse(thresholdStatistic);
		r.boundaryLevel = thresholdLevel;
		r.followModel = followModel;
		r.standardModel = standardModel;
		r.warmStart = warmStart;
		if (r.standardModel == null && modelOut != null) r.standardModelOut = standardModelOut(modelOut);
		return r;
	}

	/** Fails before training when the model could not be written afterwards. */
	public static void checkWritable(final Path out) {
		sc.fiji.amat.AtomicFiles.checkFile(out, "The model file");
	}

	/** Where the standard model a method trains first is saved: {@code NAME-standard.amat.zip} beside the model. */
	public static Path standardModelOut(final Path model) {
		return sibling(model, "-standard");
	}

	/** A file beside {@code file}, its name without ".amat.zip" (or ".zip") plus {@code suffix} + ".amat.zip". */
	public static Path sibling(final Path file, final String suffix) {
		final String name = file.getFileName().toString();
		final String base = name.endsWith(".amat.zip") ? name.substring(0, name.length() - 9) : name.endsWith(".zip")
			? name.substring(0, name.length() - 4) : name;
		return file.resolveSibling(base + suffix + ".amat.zip");
	}
}
