package sc.fiji.amat.train;

import java.nio.file.Path;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.PatchSampler;

/** How to train, whatever the method: optimiser, schedule, seed, validation, device, checkpoints. */
public final class TrainingSettings {

	public int epochs = 20;
	public int batchSize = 8;
	public StatefulOptimizer.Kind optimizer = StatefulOptimizer.Kind.ADAM;
	public float learningRate = 1e-3f;
	public long seed = 42;
	/** Fraction of the data held out for validation and best-model selection (0 for none). */
	public double validationFraction = 0.2;
	/**
	 * "cpu", "gpu", "gpu N" or "auto", or several GPUs: "gpus 0,1", "all gpus" (each batch is then
	 * split over them, see {@link #splits}).
	 */
	public String device = "cpu";
	/**
	 * Parts each batch is split into, the parts dealt out over the devices in turn; 0: one part
	 * per device. With one part (one device) a step is exactly the unsplit step. Several parts
	 * on one device give the same gradient (the loss of each part is its share of the batch
	 * mean) except for batch norm, whose statistics are then per part.
	 */
	public int splits;
	/** Written after every epoch when set; {@link ModelTrainer#resume} continues from it. */
	public Path checkpoint;
	/** Continue from {@link #checkpoint} when that file exists (a run killed and started again). */
	public boolean resume;
	/**
	 * Keep the last epoch's weights instead of the epoch with the best clean validation metric.
	 * Adversarial training wants this: the clean metric favours the least robust epoch.
	 */
	public boolean keepLastEpoch;
	/**
	 * Train on random patches of these images (a new patch of every training image each epoch)
	 * instead of on the data set given, which must then be the sampler's {@link PatchSampler#fixed
	 * fixed patches}, one per image in the same order: they validate and calibrate.
	 */
	public PatchSampler<?> patches;

	/** A copy of these settings. */
	public TrainingSettings copy() {
		final TrainingSettings c = new TrainingSettings();
		c.epochs = epochs;
		c.batchSize = batchSize;
		c.optimizer = optimizer;
		c.learningRate = learningRate;
		c.seed = seed;
		c.validationFraction = validationFraction;
		c.device = device;
		c.splits = splits;
		c.checkpoint = checkpoint;
		c.resume = resume;
		c.warmStart = warmStart;
		c.keepLastEpoch = keepLastEpoch;
		c.patches = patches;
		return c;
	}

	/** Initial weights from this model file (same task and network) when set. */
	public Path warmStart;

	public TrainingSettings check() {
		if (epochs < 1) throw new AmatException("Epochs must be at least 1, got " + epochs + ".");
		if (splits < 0) throw new AmatException("The number of batch splits cannot be negative, got " + splits + ".");
		if (batchSize < 1) throw new AmatException("The batch size must be at least 1, got " + batchSize + ".");
		if (!(validationFraction >= 0 && validationFraction < 1)) {
			throw new AmatException("The validation fraction must be in [0, 1), got " + validationFraction + ".");
		}
		return this;
	}
}
