package sc.fiji.amat.train;

import ai.djl.ndarray.NDArray;

import com.google.gson.JsonObject;

/**
 * What distinguishes standard training, SAT and AMAT: which adversarial inputs a batch gets and
 * how clean and adversarial losses are weighted. Everything else (optimiser, batches,
 * validation, checkpoints) is the one training loop of {@link ModelTrainer}.
 */
public interface TrainingMethod {

	/** standard, sat or amat. */
	String name();

	/** The method's parameters, recorded in the model file. */
	JsonObject parameters();

	/** Weight of the mean clean loss in the training loss. */
	float cleanWeight();

	/** Weight of the mean adversarial loss in the training loss. */
	float adversarialWeight();

	/** Before the first epoch of a new run, with the ids of the training samples. */
	default void begin(final int[] trainingIds) {}

	/** At the start of each epoch (epochs count from 1). */
	default void startEpoch(final int epoch) {}

	/**
	 * The adversarial inputs for a batch (belonging to the batch's manager), or null when the
	 * method uses none. Runs outside the training step's gradient collector.
	 */
	<L> NDArray adversarial(Batch<L> batch);

	/**
	 * The network's output (training mode) on the clean inputs of a batch this method returned
	 * adversarial inputs for, computed by the training step's forward pass (not called when the
	 * clean loss has weight 0); a method may inspect it.
	 */
	default <L> void cleanOutput(final Batch<L> batch, final ai.djl.ndarray.NDList output) {}

	/**
	 * The network's output (training mode) on the adversarial inputs this method returned for
	 * the batch, computed by the training step's forward pass; a method may inspect it.
	 */
	default <L> void adversarialOutput(final Batch<L> batch, final ai.djl.ndarray.NDList output) {}

	/** After the last batch of an epoch. */
	default void endEpoch(final int epoch) {}

	/** One line of the method's statistics after the last epoch that ended, or "". */
	default String statistics() {
		return "";
	}

	/** Everything needed to continue the method exactly (saved with checkpoints and models). */
	default JsonObject state() {
		return new JsonObject();
	}

	/**
	 * Why a checkpoint whose recorded {@link #parameters()} are {@code saved} cannot be resumed
	 * by this method as configured now (words after "was trained with"), or null when it can.
	 */
	default String resumeConflict(final JsonObject saved) {
		return null;
	}

	/** Restores what {@link #state()} returned. */
	default void restore(final JsonObject state) {}
}
