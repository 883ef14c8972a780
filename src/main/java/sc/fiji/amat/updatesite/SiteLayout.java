package sc.fiji.amat.updatesite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import sc.fiji.amat.engine.NativePlatform;

/**
 * Which jar goes where: the plugin to {@code plugins/}, a dependency to {@code jars/}, one with a
 * native classifier to Fiji's folder for that platform ({@code jars/linux64/}, {@code jars/win64/},
 * {@code jars/macos-arm64/}), the CUDA natives and ONNX Runtime to separate add-on sites, and
 * nothing that a stock Fiji already ships.
 */
public final class SiteLayout {

	/**
	 * Artifacts a stock Fiji ships in its {@code jars/} (core update sites ImageJ and Fiji), by the
	 * name without version and {@code .jar}. Versions are those pom-scijava manages (the BOM Fiji's
	 * own components are built with), which is what this project builds and tests against.
	 */
	public static final Set<String> SHIPPED_BY_FIJI = Collections.unmodifiableSet(new TreeSet<>(Arrays.asList(
		"ij", "imglib2", "scijava-common", "parsington", "gson", "jna", "jna-platform", "commons-codec",
		"commons-compress", "commons-io", "commons-lang", "commons-lang3", "commons-math3", "commons-collections",
		"commons-logging", "commons-text", "slf4j-api", "guava", "failureaccess", "jackson-core",
		"jackson-databind", "jackson-annotations", "protobuf-java", "ij1-patcher", "javassist",
		"imagej-common", "imagej-legacy", "imglib2-algorithm", "imglib2-ij", "imglib2-realtransform",
		"scifio", "imagej-ops", "imagej-updater")));

	/**
	 * Families of Fiji's own components: anything whose name starts like this is core
	 * ({@code imglib2-roi}, {@code scijava-table}, {@code imagej-mesh}, ...).
	 */
	static final List<String> FIJI_FAMILIES = Collections.unmodifiableList(Arrays.asList("imglib2-",
		"scijava-", "imagej-", "scifio-"));

	/**
	 * Never put on a site: logging bindings. Fiji brings its own; the build copies
	 * {@code slf4j-simple} beside the jar for the command line only.
	 */
	public static final Set<String> NEVER_SHIPPED = Collections.unmodifiableSet(new TreeSet<>(Arrays.asList(
		"slf4j-simple", "slf4j-nop", "slf4j-reload4j", "logback-classic", "logback-core")));

	/** The CUDA natives: a 2.3 GiB optional add-on, served by a second site. */
	private static final Pattern CUDA = Pattern.compile("pytorch-native-cu\\d+(-.*)?");

	/**
	 * ONNX Runtime (DJL's engine and Microsoft's jar, whose 137 MB hold the natives of every
	 * platform): needed only for ONNX models users bring, so an optional add-on site of its own.
	 */
	private static final Pattern ONNX = Pattern.compile("onnxruntime(-engine)?");

	/** A native classifier (DJL's {@code os-arch}) at the end of a jar's name; {@link NativePlatform} names its Fiji folder. */
	private static final Pattern CLASSIFIER = Pattern.compile(".*-((?:linux|osx|win)-(?:x86_64|aarch64))\\.jar");

	private SiteLayout() {}

	/** The jar's name without version and {@code .jar}: {@code pytorch-native-cpu-2.5.1-linux-x86_64.jar} is {@code pytorch-native-cpu-linux-x86_64}. */
	public static String baseName(final Path jar) {
		final String unversioned = SiteIndex.unversioned(jar.getFileName().toString());
		return unversioned.endsWith(".jar") ? unversioned.substring(0, unversioned.length() - 4) : unversioned;
	}

	/** True when a stock Fiji already ships this jar (any version of it). */
	public static boolean shippedByFiji(final Path jar) {
		final String base = baseName(jar);
		if (SHIPPED_BY_FIJI.contains(base)) return true;
		for (final String family : FIJI_FAMILIES)
			if (base.startsWith(family)) return true;
		return false;
	}

	public static boolean isCuda(final Path jar) {
		return CUDA.matcher(baseName(jar)).matches();
	}

	public static boolean isOnnx(final Path jar) {
		return ONNX.matcher(baseName(jar)).matches();
	}

	/**
	 * Fiji's platform folder for a native-classifier jar ({@code linux64}, {@code win64}, {@code macos-arm64}), or
	 * null. Read off the full name: the updater's unversioned name may lose the classifier with the version
	 * ({@code pytorch-native-cpu-2.5.1-osx-aarch64.jar} is {@code pytorch-native-cpu.jar} to it).
	 */
	public static String platform(final Path jar) {
		final Matcher m = CLASSIFIER.matcher(jar.getFileName().toString());
		return m.matches() ? NativePlatform.ofClassifier(m.group(1)).fijiFolder() : null;
	}

	/** Where a dependency jar lies in a Fiji installation: {@code jars/NAME} or {@code jars/PLATFORM/NAME}. */
	public static String dependencyPath(final Path jar) {
		final String platform = platform(jar);
		return "jars/" + (platform != null ? platform + "/" : "") + jar.getFileName();
	}

	/** Where the plugin jar lies in a Fiji installation. */
	public static String pluginPath(final Path jar) {
		return "plugins/" + jar.getFileName();
	}

	/** The plugin and its runtime dependencies, sorted into the two sites and what stays out. */
	public static final class Plan {

		/** Path in Fiji -> source file, for the main site (the plugin first). */
		public final Map<String, Path> main = new LinkedHashMap<>();
		/** Path in Fiji -> source file, for the CUDA add-on site. */
		public final Map<String, Path> cuda = new LinkedHashMap<>();
		/** Path in Fiji -> source file, for the ONNX Runtime add-on site. */
		public final Map<String, Path> onnx = new LinkedHashMap<>();
		/** Jars Fiji already ships, left out. */
		public final List<Path> shippedByFiji = new ArrayList<>();
		/** Jars that never go on a site (logging bindings). */
		public final List<Path> neverShipped = new ArrayList<>();
	}

	public static Plan plan(final Path pluginJar, final List<Path> dependencies) {
		final Plan plan = new Plan();
		if (pluginJar != null) plan.main.put(pluginPath(pluginJar), pluginJar);
		for (final Path jar : dependencies) {
			if (!jar.getFileName().toString().endsWith(".jar")) continue; // e.g. target/classes
			if (pluginJar != null && jar.getFileName().equals(pluginJar.getFileName())) continue;
			if (NEVER_SHIPPED.contains(baseName(jar))) plan.neverShipped.add(jar);
			else if (shippedByFiji(jar)) plan.shippedByFiji.add(jar);
			else put(isCuda(jar) ? plan.cuda : isOnnx(jar) ? plan.onnx : plan.main, dependencyPath(jar), jar);
		}
		return plan;
	}

	private static void put(final Map<String, Path> site, final String path, final Path jar) {
		for (final String other : site.keySet())
			if (SiteIndex.unversioned(other).equals(SiteIndex.unversioned(path))) throw new IllegalArgumentException(
				"two versions of one file for the site: " + site.get(other) + " and " + jar);
		site.put(path, jar);
	}
}
