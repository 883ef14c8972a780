package sc.fiji.amat.train;

import java.nio.file.Path;
import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.Task;

/**
 * A training method and its parameters in the units users think in, and the whole pipeline to
 * get a model with it: for AMAT that is a standard model (given, or trained first with the same
 * settings), thresholds calibrated on it, then AMAT training (from scratch as in the paper, or
 * warm-started from the standard model).
 */
public final class TrainingRecipe {

	public enum Method {
		STANDARD, SAT, AMAT;

		public static Method parse(final String s) {
			try {
				return valueOf(s.trim().toUpperCase(Locale.ROOT));
			}
			catch (final IllegalArgumentException e) {
				throw new AmatException("Unknown training method '" + s + "': use Standard, SAT or AMAT.");
			}
		}
	}

	public Method method = Method.STANDARD;
	/** PGD steps T of SAT and AMAT. */
	public int steps = 20;
	/** PGD step size factor: step = alpha * eps / T. */
	public float alpha = 4;
	/** Weight of the adversarial loss (AMAT, and SAT's mixed loss). */
	public float beta = 0.5f;

	public Norm satNorm = Norm.L2;
	/** SAT eps in the norm's user unit: rms per value for L2, fraction of the intensity range for Linf. */
	public double satEps = 0.1;
	public SatTraining.LossMode satLoss = SatTraining.LossMode.MIXED;

	/** AMAT delta, rms per value. */
	public double amatDelta = 0.01;
	/** AMAT's largest margin, rms per value; 0 or less for none. */
	public double amatMaxMargin = 0;
	public boolean bisection;
	public Thresholds.Statistic statistic = Thresholds.Statistic.MEAN;
	public double robustZ = 1;
	/** Thresholds given by the user (with statistic USER). */
	public float[] userThresholds;
	/** The standard model to calibrate on; null trains one first. */
	public Path standardModel;
	/** Where to save the standard model trained for calibration (null: not saved). */
	public Path standardModelOut;
	/** Start AMAT from the standard model's weights instead of from scratch. */
	public boolean warmStart;
	/** SAT and AMAT keep their last epoch rather than the best one by clean validation metric. */
	public boolean keepLastAdversarialEpoch = true;

	/**
	 * Trains a model of this recipe; the caller closes it. With {@link #warmStart} and a
	 * {@link #standardModel}, standard training and SAT start from that model's weights too.
	 */
	public <L> AmatModel train(final Task<L> task, final LabeledData<L> data, final Normalization normalization,
		final TrainingSettings given, final TrainingListener listener)
	{
		final TrainingSettings settings = copy(given);
		if (warmStart && standardModel != null && method != Method.AMAT) settings.warmStart = standardModel;
		// adversarial models keep their last epoch (as the paper trains them), unless asked otherwise
		if (method != Method.STANDARD && keepLastAdversarialEpoch) settings.keepLastEpoch = true;
		switch (method) {
			case STANDARD:
				return new ModelTrainer<>(task, data, normalization, settings, new StandardTraining(), listener).train();
			case SAT:
				return new ModelTrainer<>(task, data, normalization, settings, sat(data, normalization), listener).train();
			default:
				return amat(task, data, normalization, settings, listener);
		}
	}

	/** SAT with the eps converted to absolute units (Linf: of the mean normalised intensity range). */
	public <L> SatTraining sat(final LabeledData<L> data, final Normalization normalization) {
		final NoiseBudget eps = NoiseBudget.of(satEps, satNorm);
		return new SatTraining(satNorm, (float) eps.meanAbsolute(data, normalization.validRange()), steps, alpha,
			satLoss, beta, data.sampleSize());
	}

	private <L> AmatModel amat(final Task<L> task, final LabeledData<L> data, final Normalization normalization,
		final TrainingSettings settings, final TrainingListener listener)
	{
		final TrainingListener out = listener == null ? new TrainingListener() {} : listener;
		Path standardFile = standardModel;
		final Thresholds thresholds;
		if (statistic == Thresholds.Statistic.USER) {
			if (userThresholds == null) throw new AmatException("User thresholds were chosen but none were given.");
			thresholds = new Thresholds(task.boundarySpec(), userThresholds, "given by the user");
		}
		else if (standardFile != null) {
			try (AmatModel standard = AmatModel.load(standardFile, task.type(), Engines.devices(settings.device)[0])) {
				if (!standard.task().spec().equals(task.spec())) {
					throw new AmatException("The standard model " + standardFile + " knows " + standard.task().spec() +
						", but the training data has " + task.spec() + ".");
				}
				thresholds = Calibration.calibrate(standard, data, statistic, robustZ, settings.batchSize, "standard model " +
					standardFile.getFileName());
			}
		}
		else {
			out.message("AMAT step 1 of 2: training a standard model to calibrate the boundary thresholds on");
			final TrainingSettings plain = copy(settings);
			plain.checkpoint = null;
			try (AmatModel standard = new ModelTrainer<>(task, data, normalization, plain, new StandardTraining(), out)
				.train())
			{
				thresholds = Calibration.calibrate(standard, data, statistic, robustZ, settings.batchSize,
					"a standard model trained with the same settings");
				if (standardModelOut != null) {
					standard.save(standardModelOut);
					standardFile = standardModelOut;
					out.message("saved the standard model to " + standardModelOut);
				}
				else if (warmStart) {
					throw new AmatException("A warm start needs the standard model saved: give a file for it.");
				}
			}
			out.message("AMAT step 2 of 2: adaptive-margin adversarial training");
		}
		out.message("AMAT boundary: " + thresholds);
		final AmatTraining.Settings as = new AmatTraining.Settings(NoiseBudget.of(amatDelta, EpsUnit.RMS, Norm.L2));
		as.epsMax = amatMaxMargin > 0 ? NoiseBudget.of(amatMaxMargin, EpsUnit.RMS, Norm.L2) : null;
		as.steps = steps;
		as.alpha = alpha;
		as.beta = beta;
		as.bisection = bisection;
		final TrainingSettings s = copy(settings);
		if (warmStart) s.warmStart = standardFile;
		return new ModelTrainer<>(task, data, normalization, s, new AmatTraining(as, thresholds, data.sampleSize()), out)
			.train();
	}

	static TrainingSettings copy(final TrainingSettings s) {
		final TrainingSettings c = new TrainingSettings();
		c.epochs = s.epochs;
		c.batchSize = s.batchSize;
		c.optimizer = s.optimizer;
		c.learningRate = s.learningRate;
		c.seed = s.seed;
		c.validationFraction = s.validationFraction;
		c.device = s.device;
		c.checkpoint = s.checkpoint;
		c.warmStart = s.warmStart;
		c.keepLastEpoch = s.keepLastEpoch;
		return c;
	}
}
