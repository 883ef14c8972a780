package sc.fiji.amat.task;

import com.google.gson.JsonObject;

import org.scijava.plugin.SciJavaPlugin;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.nn.NetworkConfig;

/**
 * A kind of task, discovered as a SciJava plugin ({@code @Plugin(type = TaskType.class)}), so a
 * new task is one new package: nothing else needs an edit. It rebuilds the model side of its
 * tasks ({@link Task}); reading its labels from ImageJ images, ROIs and files, and its sample
 * data, are the ImageJ adapter's of the same name ({@code sc.fiji.amat.task.ij.ImageJTaskType}).
 */
public interface TaskType extends SciJavaPlugin {

	/** The name users type and model files record, e.g. "segmentation". */
	String name();

	/** Rebuilds a task from what {@link Task#spec()} recorded. */
	Task<?> fromSpec(JsonObject spec, int inputChannels, NetworkConfig network);

	/**
	 * The task of a model brought from outside AMAT (TorchScript, ONNX) from its JSON description:
	 * the task's own keys (class names, landmark names, ... as {@link Task#spec()} writes them),
	 * without a network of its own (null {@link Task#network()}). The model must output what the
	 * task's own network outputs ({@link Task#outputChannels()} maps). Throws an
	 * {@code AmatException} that names {@code where} and says what the description lacks.
	 */
	default Task<?> fromDescription(final JsonObject description, final int inputChannels, final String where) {
		throw new AmatException(where + " says the model is for '" + name() + "', but models brought from outside " +
			"AMAT cannot be of this task: it reads no description.");
	}
}
