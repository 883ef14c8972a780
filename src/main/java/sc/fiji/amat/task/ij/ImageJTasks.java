package sc.fiji.amat.task.ij;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.plugin.Plugins;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.Tasks;

/**
 * Finds the {@link ImageJTaskType}s on the class path, as {@link Tasks} finds the task types:
 * through SciJava's annotation index, without a SciJava context.
 */
public final class ImageJTasks {

	private ImageJTasks() {}

	/** The ImageJ sides of all task types, by task type name. */
	public static Map<String, ImageJTaskType> types() {
		return Plugins.of(ImageJTaskType.class, ImageJTaskType::name);
	}

	public static List<String> names() {
		return new ArrayList<>(types().keySet());
	}

	/** The ImageJ side of the task type of this name. */
	public static ImageJTaskType type(final String name) {
		final ImageJTaskType t = types().get(name);
		if (t != null) return t;
		if (Tasks.types().containsKey(name)) {
			throw new AmatException("The task '" + name + "' has no ImageJ side: it cannot read labels from images, ROIs " +
				"or files.");
		}
		throw new AmatException("Unknown task '" + name + "': known tasks are " + Tasks.names() + ".");
	}

	/** The ImageJ side of a task, made by the ImageJ side of its type. */
	@SuppressWarnings("unchecked")
	public static <L> ImageJTask<L> of(final Task<L> task) {
		return (ImageJTask<L>) type(task.type()).adapt(task);
	}
}
