package sc.fiji.amat.task.segmentation;

import com.google.gson.JsonObject;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.AbstractTask;
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
		return new SegmentationTask(AbstractTask.names(spec, "classes"), inputChannels, network);
	}
}
