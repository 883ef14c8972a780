package sc.fiji.amat.task.detection;

import com.google.gson.JsonObject;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.AbstractTask;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.TaskType;

/**
 * Registers {@link DetectionTask}. Its boxes are read from rectangle ROIs and files by its ImageJ
 * side ({@code sc.fiji.amat.task.detection.ij.DetectionImageJType}).
 */
@Plugin(type = TaskType.class, name = DetectionTask.TYPE)
public final class DetectionTaskType implements TaskType {

	@Override
	public String name() {
		return DetectionTask.TYPE;
	}

	@Override
	public Task<?> fromSpec(final JsonObject spec, final int inputChannels, final NetworkConfig network) {
		return new DetectionTask(AbstractTask.names(spec, "classes"), inputChannels, network);
	}

	/**
	 * "classes": the object class names (no background); the model outputs what the task's own
	 * network outputs, 5 + K maps ({@link DetectionTask#outputChannels()}): the raw centre logit
	 * (the task adds its fixed centre prior itself), the class logits, the centre offset and the
	 * log box size.
	 */
	@Override
	public Task<?> fromDescription(final JsonObject description, final int inputChannels, final String where) {
		return new DetectionTask(AbstractTask.describedNames(description, "classes", where,
			"the object class names, e.g. [\"red cell\", \"platelet\"]"), inputChannels, null);
	}
}
