package sc.fiji.amat.train;

import ai.djl.ndarray.NDManager;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ModelFile;
import sc.fiji.amat.model.ModelInfo;

/**
 * A training checkpoint: a model file (written atomically by {@link AmatModel#save}) whose
 * extra entries hold the optimizer's state, the best weights so far and the loop's counters,
 * so that a resumed run continues exactly where the interrupted one stopped.
 */
final class Checkpoint {

	static final String OPTIMIZER = "checkpoint/optimizer.bin";
	static final String BEST = "checkpoint/best-weights.params";
	static final String STATE = "checkpoint/state.json";

	/** The loop's counters and the best model so far. */
	static final class Progress {

		int epochsCompleted;
		double bestValue = Double.NaN;
		int bestEpoch;
		byte[] best;
		JsonObject history = new JsonObject();
	}

	private Checkpoint() {}

	private static String volumes(final java.util.List<String> names) {
		return names == null ? "a split of independent images" : "the volumes " + String.join(", ", names);
	}

	/** Writes the checkpoint after an epoch. */
	static void write(final Path file, final AmatModel model, final StatefulOptimizer optimizer,
		final Progress progress)
	{
		final JsonObject state = new JsonObject();
		state.addProperty("epochsCompleted", progress.epochsCompleted);
		state.addProperty("bestValue", progress.bestValue);
		state.addProperty("bestEpoch", progress.bestEpoch);
		final Map<String, byte[]> extra = new LinkedHashMap<>();
		extra.put(OPTIMIZER, optimizer.saveState());
		extra.put(STATE, state.toString().getBytes(StandardCharsets.UTF_8));
		if (progress.best != null) extra.put(BEST, progress.best);
		model.save(file, extra);
	}

	/**
	 * Reads the checkpoint into the model, the optimizer and the training method, after checking
	 * that it belongs to this run; returns the loop's counters.
	 */
	static Progress read(final Path file, final ModelInfo now, final AmatModel model, final StatefulOptimizer optimizer,
		final NDManager manager, final TrainingMethod method)
	{
		final ModelFile ck = ModelFile.read(file);
		final ModelInfo saved = ck.info();
		if (!saved.task.equals(now.task) || !saved.training.method.equals(now.training.method) ||
			saved.training.trainingSize != now.training.trainingSize || saved.training.seed != now.training.seed)
		{
			throw new AmatException("The checkpoint " + file + " belongs to another run (" + saved.task + ", " +
				saved.training.method + ", " + saved.training.trainingSize + " training images, seed " + saved.training.seed +
				"): resume with the same data, method and seed, or start afresh.");
		}
		if (!java.util.Objects.equals(saved.training.validationVolumes, now.training.validationVolumes)) {
			throw new AmatException("The checkpoint " + file + " validated on " + volumes(saved.training.validationVolumes) +
				" but this run validates on " + volumes(now.training.validationVolumes) + ": resume with the same data and " +
				"seed, or start afresh.");
		}
		final String conflict = method.resumeConflict(saved.training.parameters);
		if (conflict != null) {
			throw new AmatException("The checkpoint " + file + " was trained with " + conflict + ": resume with the same " +
				"settings, or start afresh.");
		}
		model.loadWeights(ck.entry(ModelFile.WEIGHTS));
		optimizer.loadState(ck.entry(OPTIMIZER), manager);
		final JsonObject state = JsonParser.parseString(new String(ck.entry(STATE), StandardCharsets.UTF_8))
			.getAsJsonObject();
		final Progress p = new Progress();
		p.epochsCompleted = state.get("epochsCompleted").getAsInt();
		p.bestValue = state.get("bestValue").getAsDouble();
		p.bestEpoch = state.get("bestEpoch").getAsInt();
		p.best = ck.has(BEST) ? ck.entry(BEST) : null;
		method.restore(saved.training.methodState);
		for (final Map.Entry<String, JsonElement> e : saved.training.history.entrySet()) {
			p.history.add(e.getKey(), e.getValue());
		}
		return p;
	}
}
