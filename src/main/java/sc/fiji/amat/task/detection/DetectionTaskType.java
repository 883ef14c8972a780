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
}
