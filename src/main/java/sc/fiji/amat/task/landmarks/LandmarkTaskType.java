package sc.fiji.amat.task.landmarks;

import com.google.gson.JsonObject;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.AbstractTask;
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

	/**
	 * The keys of the task's spec: "landmarks" (the names, in the order of the model's output
	 * maps) and optionally "pixel_size_mm", "sigma", "coordinate_weight", "radii", "boundary"; the
	 * model outputs one heatmap of logits per landmark, as the task's own network.
	 */
	@Override
	public Task<?> fromDescription(final JsonObject description, final int inputChannels, final String where) {
		AbstractTask.describedNames(description, "landmarks", where, "the landmark names, in the order of the " +
			"model's output maps, e.g. [\"sella\", \"nasion\"]");
		return LandmarkTask.fromSpec(description, inputChannels, null);
	}
}
