package sc.fiji.amat.task.segmentation;

import com.google.gson.JsonObject;

import java.util.List;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.AmatException;
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

	/** "classes": the class names, background first; the model outputs one map per class (logits or probabilities). */
	@Override
	public Task<?> fromDescription(final JsonObject description, final int inputChannels, final String where) {
		final List<String> classes = AbstractTask.describedNames(description, "classes", where,
			"the class names, background first, e.g. [\"background\", \"nucleus\"]");
		if (classes.size() < 2) {
			throw new AmatException(where + " names " + classes.size() + " class(es): segmentation needs the background " +
				"and at least one more.");
		}
		return new SegmentationTask(classes, inputChannels, null);
	}
}
