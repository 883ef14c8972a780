package sc.fiji.amat.train;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.plugin.NamedPlugin;

/**
 * A training method, discovered as a SciJava plugin ({@code @Plugin(type = TrainingMethodType.class)}),
 * so a new method is one class: the train command, the recipe, the report and the benchmark list
 * it through {@link TrainingMethods}. Its {@link #key()} is what model files record as
 * {@code training.method}. It makes a {@link TrainingMethod} for each run from a
 * {@link TrainingRecipe} (the settings users give, in the units they think in), and reads back
 * what that method wrote into a model file, as typed values.
 */
public interface TrainingMethodType extends NamedPlugin {

	/** A recipe for this method with its defaults. */
	default TrainingRecipe defaults() {
		final TrainingRecipe r = new TrainingRecipe();
		r.method = key();
		return r;
	}

	/**
	 * False for a method without adversarial inputs: its models keep the epoch with the best clean
	 * validation metric, while adversarial ones keep their last (as the paper trains them).
	 */
	default boolean adversarial() {
		return true;
	}

	/** Checks what this method reads of a recipe, before anything is trained; throws an {@code AmatException}. */
	default void check(final TrainingRecipe recipe) {}

	/**
	 * The method for one run. It may prepare what it needs first (AMAT: its boundary thresholds,
	 * perhaps by training a standard model) and adjust the run's settings (a warm start).
	 */
	<L> TrainingMethod create(TrainingRecipe recipe, TrainingRun<L> run);

	/**
	 * The noise budget a model file says the method trained for (SAT: its eps; AMAT: the median
	 * margin after the last epoch), or null when it has none.
	 */
	default NoiseBudget trainedBudget(final ModelInfo.Training record) {
		return null;
	}

	/** A short label for reports, e.g. "sat, L2 eps 0.1000 rms". */
	default String label(final ModelInfo.Training record) {
		return key();
	}

	/** Named lines about the method's state after training, for reports (AMAT: its margins); empty if none. */
	default Map<String, String> summary(final ModelInfo.Training record) {
		return Collections.emptyMap();
	}

	/** Per epoch, named values to show beside loss and validation metric (AMAT: its margins); empty if none. */
	default List<Map<String, Double>> epochValues(final ModelInfo.Training record) {
		return Collections.emptyList();
	}
}
