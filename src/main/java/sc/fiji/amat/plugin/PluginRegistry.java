package sc.fiji.amat.plugin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.scijava.annotations.Index;
import org.scijava.annotations.IndexItem;
import org.scijava.plugin.Plugin;

import sc.fiji.amat.AmatException;

/**
 * One family of {@link NamedPlugin}s, found on the class path through SciJava's annotation index
 * without starting a SciJava context, so the library finds the same plugins in and out of Fiji.
 * Every list of the family (commands' choices, the report, the command line, the benchmark)
 * comes from here.
 */
public final class PluginRegistry<T extends NamedPlugin> {

	private final Class<T> type;
	private final String what;
	private volatile List<T> plugins;

	/** @param what the family in words, for messages: "attack", "training method" */
	public PluginRegistry(final Class<T> type, final String what) {
		this.type = type;
		this.what = what;
	}

	/** Every plugin of the family, highest priority first (one per key). */
	public List<T> all() {
		List<T> p = plugins;
		if (p == null) {
			final Map<String, T> byKey = new LinkedHashMap<>();
			for (final T t : discover(type)) byKey.putIfAbsent(t.key(), t);
			p = Collections.unmodifiableList(new ArrayList<>(byKey.values()));
			plugins = p;
		}
		return p;
	}

	/** The plugin a user's name stands for: its key, display name or an alias; null if none. */
	public T find(final String name) {
		if (name == null) return null;
		final String n = normalize(name);
		for (final T t : all()) {
			if (normalize(t.key()).equals(n) || normalize(t.displayName()).equals(n)) return t;
			for (final String a : t.aliases()) {
				if (normalize(a).equals(n)) return t;
			}
		}
		return null;
	}

	/** As {@link #find}, failing with the names to choose from. */
	public T get(final String name) {
		final T t = find(name);
		if (t == null) throw new AmatException("Unknown " + what + " '" + name + "': use " + choices() + ".");
		return t;
	}

	public List<String> keys() {
		final List<String> out = new ArrayList<>();
		for (final T t : all()) out.add(t.key());
		return out;
	}

	public List<String> displayNames() {
		final List<String> out = new ArrayList<>();
		for (final T t : all()) out.add(t.displayName());
		return out;
	}

	/** "PGD, IFGSM, FGSM or White noise". */
	private String choices() {
		final List<String> names = displayNames();
		if (names.size() < 2) return String.join("", names);
		return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
	}

	static String normalize(final String s) {
		return s.trim().toLowerCase(Locale.ROOT).replace(" ", "").replace("-", "").replace("_", "");
	}

	/**
	 * A new instance of every class annotated {@code @Plugin(type = type)} on the class path (the
	 * context class loader's and this library's), highest priority first, then by class name.
	 */
	public static <T> List<T> discover(final Class<T> type) {
		final Map<String, IndexItem<Plugin>> items = new LinkedHashMap<>();
		ClassLoader loader = Thread.currentThread().getContextClassLoader();
		if (loader == null) loader = PluginRegistry.class.getClassLoader();
		final Map<String, ClassLoader> loaders = new LinkedHashMap<>();
		for (final ClassLoader cl : new ClassLoader[] { loader, PluginRegistry.class.getClassLoader() }) {
			for (final IndexItem<Plugin> item : Index.load(Plugin.class, cl)) {
				if (item.annotation().type() != type || items.containsKey(item.className())) continue;
				items.put(item.className(), item);
				loaders.put(item.className(), cl);
			}
		}
		final List<IndexItem<Plugin>> sorted = new ArrayList<>(items.values());
		sorted.sort(Comparator.<IndexItem<Plugin>> comparingDouble(i -> -i.annotation().priority()).thenComparing(
			IndexItem::className));
		final List<T> out = new ArrayList<>();
		for (final IndexItem<Plugin> item : sorted) {
			try {
				out.add(type.cast(Class.forName(item.className(), true, loaders.get(item.className()))
					.getDeclaredConstructor().newInstance()));
			}
			catch (final ReflectiveOperationException | LinkageError e) {
				throw new IllegalStateException("Cannot create the " + type.getSimpleName() + " " + item.className(), e);
			}
		}
		return out;
	}
}
