package sc.fiji.amat.task.landmarks;

import com.google.gson.JsonObject;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.TaskType;

/**
 * Registers {@link LandmarkTask}. Its labels are read from point ROIs and files by its ImageJ
 * side ({@code sc.fiji.amat.task.landmarks.ij.LandmarkImageJType}).
 */
@Plugin(type = TaskType.class, name = LandmarkTask.TYPE)
public final class LandmarkTaskType implements TaskType {

	@Override
	public String name() {
		return LandmarkTask.TYPE;
	}

	@Override
	public Task<?> fromSpec(final JsonObject spec, final int inputChannels, final NetworkConfig network) {
		return LandmarkTask.fromSpec(spec, inputChannels, network);
	}
}
