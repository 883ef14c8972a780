package sc.fiji.amat.train;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.plugin.PluginRegistry;

/**
 * Every {@link TrainingMethodType} on the class path: the one list of training methods, and the
 * typed reading of what a model file records of its training method.
 */
public final class TrainingMethods {

	private static final PluginRegistry<TrainingMethodType> REGISTRY = new PluginRegistry<>(TrainingMethodType.class,
		"training method");

	private TrainingMethods() {}

	/** Every training method, in the order users see them (Standard, SAT, AMAT, then others). */
	public static List<TrainingMethodType> all() {
		return REGISTRY.all();
	}

	/** The method a name stands for (its key, display name or an alias, in any case). */
	public static TrainingMethodType get(final String name) {
		return REGISTRY.get(name);
	}

	public static List<String> keys() {
		return REGISTRY.keys();
	}

	public static List<String> displayNames() {
		return REGISTRY.displayNames();
	}

	/**
	 * The method that wrote a model file's training record, or null for a model trained outside
	 * AMAT or by a method not installed here.
	 */
	public static TrainingMethodType of(final ModelInfo.Training record) {
		return REGISTRY.find(record.method);
	}

	/** The noise budget the model was trained for, or null. */
	public static NoiseBudget trainedBudget(final ModelInfo.Training record) {
		final TrainingMethodType t = of(record);
		return t == null ? null : t.trainedBudget(record);
	}

	/** A short label of the training method for reports. */
	public static String label(final ModelInfo.Training record) {
		final TrainingMethodType t = of(record);
		return t != null ? t.label(record) : record.method == null ? "?" : record.method;
	}

	/** Named lines about the method's state after training. */
	public static Map<String, String> summary(final ModelInfo.Training record) {
		final TrainingMethodType t = of(record);
		return t == null ? Collections.emptyMap() : t.summary(record);
	}

	/** Per epoch, the method's named values. */
	public static List<Map<String, Double>> epochValues(final ModelInfo.Training record) {
		final TrainingMethodType t = of(record);
		return t == null ? Collections.emptyList() : t.epochValues(record);
	}
}
