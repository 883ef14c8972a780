package sc.fiji.amat.task;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.plugin.PluginRegistry;

/**
 * Finds the {@link TaskType}s on the class path through SciJava's annotation index, without
 * starting a SciJava context, so the library works the same in and out of Fiji.
 */
public final class Tasks {

	private static volatile Map<String, TaskType> types;

	private Tasks() {}

	/** All task types by name. */
	public static Map<String, TaskType> types() {
		Map<String, TaskType> t = types;
		if (t == null) {
			t = discover();
			types = t;
		}
		return t;
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

	private static Map<String, TaskType> discover() {
		final Map<String, TaskType> found = new TreeMap<>();
		for (final TaskType t : PluginRegistry.discover(TaskType.class)) found.putIfAbsent(t.name(), t);
		return found;
	}
}
