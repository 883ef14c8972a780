package sc.fiji.amat.train;

import ai.djl.ndarray.NDArray;

import com.google.gson.JsonObject;

/** Training on clean inputs only. */
public final class StandardTraining implements TrainingMethod {

	/** The name model files record. */
	public static final String KEY = "standard";

	@Override
	public String name() {
		return KEY;
	}

	@Override
	public JsonObject parameters() {
		return new JsonObject();
	}

	@Override
	public float cleanWeight() {
		return 1;
	}

	@Override
	public float adversarialWeight() {
		return 0;
	}

	@Override
	public <L> NDArray adversarial(final Batch<L> batch) {
		return null;
	}
}
