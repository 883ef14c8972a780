package sc.fiji.amat.train;

import java.nio.file.Path;

import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.Task;

/**
 * A training method and its parameters in the units users think in, and the whole pipeline to
 * get a model with it: the {@link TrainingMethodType} the method names makes its
 * {@link TrainingMethod} from this recipe (for AMAT that means a standard model, given or trained
 * first with the same settings, thresholds calibrated on it, then AMAT training from scratch as in
 * the paper or warm-started from the standard model). The fields' initial values are the
 * defaults; each method reads the fields it needs.
 */
public final class TrainingRecipe {

	/** The training method: any key, display name or alias {@link TrainingMethods} knows. */
	public String method = StandardTraining.KEY;
	/** PGD steps T of SAT and AMAT. */
	public int steps = 20;
	/** PGD step size factor of SAT and AMAT: step = alpha * eps / T (the paper trains with 4). */
	public float alpha = 4;
	/** Weight of the adversarial loss (AMAT, and SAT's mixed loss). */
	public float beta = 0.5f;

	/** SAT's attack: "pgd" (T steps of alpha * eps / T) or "apgd" (T iterations of APGD, no alpha). */
	public String satAttack = "pgd";
	public Norm satNorm = Norm.L2;
	/** SAT eps in the norm's user unit: rms per value for L2, fraction of the intensity range for Linf. */
	public double satEps = 0.1;
	public SatTraining.LossMode satLoss = SatTraining.LossMode.MIXED;

	/** AMAT delta, rms per value. */
	public double amatDelta = 0.01;
	/** AMAT's largest margin, rms per value; 0 or less for none. */
	public double amatMaxMargin = 0;
	public boolean bisection;
	/**
	 * AMAT's boundary (docs/amat-boundaries.md): the statistic of the clean per-sample quantities
	 * its thresholds are (mean: the spec's; median; robust; quantile; joint; relative, a named
	 * deviation: amounts of worsening from the sample's own clean value) or USER values. The
	 * default, the 0.1 tail quantile following the model, was chosen on validation data
	 * (docs/amat-boundaries.md); the spec's mean let no margin grow from scratch.
	 */
	public Thresholds.Statistic statistic = Thresholds.Statistic.QUANTILE;
	/** ROBUST: the number of robust spreads. */
	public double robustZ = 1;
	/** QUANTILE and RELATIVE: the tail quantile; JOINT: the fraction of samples over at zero noise. */
	public double boundaryLevel = 0.1;
	/** AMAT's thresholds follow the model: recalibrated after every epoch on its clean training quantities. */
	public boolean followModel = true;
	/** Thresholds given by the user (with statistic USER). */
	public float[] userThresholds;
	/**
	 * AMAT's boundary thresholds, calibrated already (null: calibrate as {@link #statistic} says);
	 * they follow the model from there when {@link #followModel} is set and the statistic is not USER.
	 */
	public Thresholds thresholds;
	/** The standard model to calibrate on; null trains one first. */
	public Path standardModel;
	/** Where to save the standard model trained for calibration (null: not saved). */
	public Path standardModelOut;
	/**
	 * Start from the standard model's weights instead of from scratch: the given one, or for AMAT
	 * the one it trains first (which must then be saved).
	 */
	public boolean warmStart;
	/** Adversarial methods keep their last epoch rather than the best one by clean validation metric. */
	public boolean keepLastAdversarialEpoch = true;

	/** The recipe of a method with that method's defaults. */
	public static TrainingRecipe defaults(final String method) {
		return TrainingMethods.get(method).defaults();
	}

	/** AMAT's boundary rule of this recipe. */
	public BoundaryRule boundaryRule() {
		return new BoundaryRule(statistic, robustZ, boundaryLevel, followModel && statistic != Thresholds.Statistic.USER);
	}

	/** The type of the method this recipe names. */
	public TrainingMethodType type() {
		return TrainingMethods.get(method);
	}

	/**
	 * Trains a model of this recipe; the caller closes it. With {@link #warmStart} and a
	 * {@link #standardModel}, every method starts from that model's weights.
	 */
	public <L> AmatModel train(final Task<L> task, final LabeledData<L> data, final Normalization normalization,
		final TrainingSettings given, final TrainingListener listener)
	{
		final TrainingMethodType type = type();
		type.check(this);
		final TrainingSettings settings = given.copy();
		if (warmStart && standardModel != null) settings.warmStart = standardModel;
		// adversarial models keep their last epoch (as the paper trains them), unless asked otherwise
		if (type.adversarial() && keepLastAdversarialEpoch) settings.keepLastEpoch = true;
		final TrainingRun<L> run = new TrainingRun<>(task, data, normalization, settings, listener);
		final TrainingMethod m = type.create(this, run);
		return new ModelTrainer<>(task, data, normalization, run.settings, m, run.listener).train();
	}
}
