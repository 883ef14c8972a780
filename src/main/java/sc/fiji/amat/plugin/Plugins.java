package sc.fiji.amat.plugin;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Finds the SciJava plugins of one type ({@code @Plugin(type = T.class)}) on the class path
 * through {@link PluginRegistry#discover} (SciJava's annotation index, no SciJava context), keyed
 * by name. Each plugin needs a public no-argument constructor.
 */
public final class Plugins {

	private static final Map<Class<?>, Map<String, ?>> FOUND = new ConcurrentHashMap<>();

	private Plugins() {}

	/**
	 * One instance of every plugin of the type, by the key {@code key} gives it (the first found
	 * wins), sorted by key; looked up once per type.
	 */
	@SuppressWarnings("unchecked")
	public static <T> Map<String, T> of(final Class<T> type, final Function<T, String> key) {
		// not computeIfAbsent: a plugin's constructor may look up another family
		final Map<String, ?> known = FOUND.get(type);
		if (known != null) return (Map<String, T>) known;
		FOUND.putIfAbsent(type, Collections.unmodifiableMap(discover(type, key)));
		return (Map<String, T>) FOUND.get(type);
	}

	private static <T> Map<String, T> discover(final Class<T> type, final Function<T, String> key) {
		final Map<String, T> found = new TreeMap<>();
		for (final T t : PluginRegistry.discover(type)) found.putIfAbsent(key.apply(t), t);
		return found;
	}
}
