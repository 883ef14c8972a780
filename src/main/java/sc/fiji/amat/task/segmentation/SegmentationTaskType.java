package sc.fiji.amat.task.segmentation;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.TaskType;

/** Registers {@link SegmentationTask}. */
@Plugin(type = TaskType.class, name = SegmentationTask.TYPE)
public final class SegmentationTaskType implements TaskType {

	@Override
	public String name() {
		return SegmentationTask.TYPE;
	}

	@Override
	public Task<?> fromSpec(final JsonObject spec, final int inputChannels, final NetworkConfig network) {
		final List<String> names = new ArrayList<>();
		for (final JsonElement e : spec.getAsJsonArray("classes")) names.add(e.getAsString());
		return new SegmentationTask(names, inputChannels, network);
	}
}
