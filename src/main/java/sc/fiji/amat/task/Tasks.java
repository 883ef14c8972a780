package sc.fiji.amat.task;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.plugin.Plugins;
import sc.fiji.amat.nn.NetworkConfig;

/**
 * Finds the {@link TaskType}s on the class path through SciJava's annotation index
 * ({@link Plugins}), without starting a SciJava context, so the library works the same in and out
 * of Fiji.
 */
public final class Tasks {

	private Tasks() {}

	/** All task types by name. */
	public static Map<String, TaskType> types() {
		return Plugins.of(TaskType.class, TaskType::name);
	}

	public static List<String> names() {
		return new ArrayList<>(types().keySet());
	}

	public static TaskType type(final String name) {
		final TaskType t = types().get(name);
		if (t == null) throw new AmatException("Unknown task '" + name + "': known tasks are " + names() + ".");
		return t;
	}

	public static Task<?> fromSpec(final String name, final JsonObject spec, final int inputChannels,
		final NetworkConfig network)
	{
		return type(name).fromSpec(spec, inputChannels, network);
	}
}
