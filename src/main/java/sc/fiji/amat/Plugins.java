package sc.fiji.amat;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.scijava.annotations.Index;
import org.scijava.annotations.IndexItem;
import org.scijava.plugin.Plugin;

/**
 * Finds the SciJava plugins of one type ({@code @Plugin(type = T.class)}) on the class path
 * through SciJava's annotation index, without starting a SciJava context, so the library works
 * the same in and out of Fiji. Each plugin needs a public no-argument constructor.
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
		ClassLoader loader = Thread.currentThread().getContextClassLoader();
		if (loader == null) loader = Plugins.class.getClassLoader();
		for (final ClassLoader cl : new ClassLoader[] { loader, Plugins.class.getClassLoader() }) {
			for (final IndexItem<Plugin> item : Index.load(Plugin.class, cl)) {
				if (item.annotation().type() != type) continue;
				try {
					final T t = type.cast(Class.forName(item.className(), true, cl).getDeclaredConstructor().newInstance());
					found.putIfAbsent(key.apply(t), t);
				}
				catch (final ReflectiveOperationException | LinkageError e) {
					throw new IllegalStateException("Cannot create the " + type.getSimpleName() + " " + item.className(), e);
				}
			}
		}
		return found;
	}
}
