package sc.fiji.amat.model;

import com.google.gson.JsonObject;

import java.util.List;

import sc.fiji.amat.nn.NetworkConfig;

/**
 * What a model file says about its model, stored as {@code model.json}: enough to rebuild the
 * network, feed it inputs as it was trained on them, and tell a user how it was made.
 */
public final class ModelInfo {

	/** The model file format this library writes; it reads this and every older one. */
	public static final int FORMAT_VERSION = 1;

	public int formatVersion = FORMAT_VERSION;
	public String libraryVersion;
	public String task;
	public JsonObject taskSpec;
	public NetworkConfig network;
	public int inputChannels;
	public int inputHeight;
	public int inputWidth;
	/** Normalisation, as {@code Normalization.toString()} writes it. */
	public String normalization;
	public Training training = new Training();
	/**
	 * The format of the weights entry: null for DJL's parameters of AMAT's own network,
	 * "TorchScript" for a TorchScript module a user brought and AMAT fine-tuned (hardened).
	 */
	public String weightsFormat;
	/** For TorchScript weights: the model's description ({@code ModelDescription} JSON). */
	public JsonObject description;
	/**
	 * For a model a user brought: its format ("TorchScript", "ONNX"), else null. Never written to
	 * a model file.
	 */
	public transient String importedFormat;
	/** For a model a user brought: what its JSON description says, in words. Never written. */
	public transient String importedDescription;

	/** How the model was trained. */
	public static final class Training {

		/** standard, sat or amat. */
		public String method;
		/** The method's parameters (eps, T, beta, delta, thresholds, ...). */
		public JsonObject parameters = new JsonObject();
		public String optimizer;
		public double learningRate;
		public int epochs;
		public int epochsCompleted;
		public int batchSize;
		public long seed;
		public int trainingSize;
		public int validationSize;
		/**
		 * When the samples were slices of volumes split by volume: the volumes that validated
		 * (whole); null otherwise.
		 */
		public List<String> validationVolumes;
		public int bestEpoch;
		public String validationMetric;
		public double validationValue = Double.NaN;
		/** Per-epoch history: loss, validation metric, method statistics (AMAT margins). */
		public JsonObject history = new JsonObject();
		/** Method state that belongs with the model (AMAT margins and thresholds). */
		public JsonObject methodState = new JsonObject();
	}
}
