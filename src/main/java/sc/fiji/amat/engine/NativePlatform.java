package sc.fiji.amat.engine;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.AmatVersion;

/**
 * A system as the three tools that place PyTorch's natives see it: DJL's classifier of the native
 * jar it selects ({@code win-x86_64}, read as {@code ai.djl.util.Platform} does from
 * {@code os.name} and {@code os.arch}), Fiji's platform folder the updater installs that jar into
 * ({@code jars/win64/}, named as imagej-updater's {@code Platforms.current()} names it), and whether
 * this project ships natives for it. Plain Java: nothing is loaded.
 */
public final class NativePlatform {

	/** The CUDA build of the CUDA add-on site ({@code pytorch-native-cu124}). */
	public static final String CUDA_FLAVOR = "cu124";

	/**
	 * DJL classifiers whose CPU natives ({@code pytorch-native-cpu}) the update site serves: the
	 * PyTorch 2.5.1 builds on Maven Central (none for {@code osx-x86_64} nor {@code linux-aarch64}).
	 */
	public static final List<String> SHIPPED = Collections.unmodifiableList(Arrays.asList("win-x86_64",
		"osx-aarch64", "linux-x86_64"));

	/** DJL classifiers whose CUDA natives the CUDA add-on site serves. */
	public static final List<String> SHIPPED_CUDA = Collections.unmodifiableList(Arrays.asList("win-x86_64",
		"linux-x86_64"));

	private final String os;
	private final String arch;

	private NativePlatform(final String os, final String arch) {
		this.os = os;
		this.arch = arch;
	}

	/** The platform of the running JVM. */
	public static NativePlatform current() {
		return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
	}

	/** The platform of a JVM whose {@code os.name} and {@code os.arch} are these ({@code "Windows 11", "amd64"}). */
	public static NativePlatform of(final String osName, final String osArch) {
		final String name = osName.toLowerCase(Locale.ROOT);
		final String os = name.startsWith("win") ? "win" : name.startsWith("mac") ? "osx" : name.startsWith("linux")
			? "linux" : name.replaceAll("[^a-z0-9_]", "");
		return new NativePlatform(os, normalArch(osArch.toLowerCase(Locale.ROOT)));
	}

	/** The platform a DJL classifier names ({@code osx-aarch64}). */
	public static NativePlatform ofClassifier(final String classifier) {
		final int dash = classifier.indexOf('-');
		if (dash <= 0 || dash == classifier.length() - 1) throw new IllegalArgumentException(
			"A DJL native classifier is os-arch, such as win-x86_64, not '" + classifier + "'.");
		return new NativePlatform(classifier.substring(0, dash), normalArch(classifier.substring(dash + 1)));
	}

	/** Java's {@code amd64} is DJL's {@code x86_64}; {@code arm64} is {@code aarch64}. */
	private static String normalArch(final String arch) {
		switch (arch) {
			case "amd64": case "x86_64": case "x86-64": case "x64": return "x86_64";
			case "arm64": case "aarch64": return "aarch64";
			case "i386": case "i486": case "i586": case "i686": case "x86_32": case "x86-32": return "x86";
			default: return arch;
		}
	}

	/** DJL's operating system: {@code win}, {@code osx} or {@code linux}. */
	public String os() {
		return os;
	}

	/** DJL's architecture: {@code x86_64} or {@code aarch64}. */
	public String arch() {
		return arch;
	}

	/** DJL's classifier of the native jars for this platform ({@code win-x86_64}). */
	public String classifier() {
		return os + "-" + arch;
	}

	/**
	 * Fiji's platform folder ({@code win64}, {@code macos-arm64}, {@code linux64}, ...): where the
	 * updater installs this platform's files, {@code jars/<folder>/}.
	 */
	public String fijiFolder() {
		final String o = os.equals("osx") ? "macos" : os;
		switch (arch) {
			case "x86_64": return o + "64";
			case "x86": return o + "32";
			case "aarch64": return o + "-arm64";
			default: return o + "-" + arch;
		}
	}

	/** Words for users: {@code Windows x86-64}, {@code macOS arm64 (Apple silicon)}. */
	public String displayName() {
		final String o = os.equals("win") ? "Windows" : os.equals("osx") ? "macOS" : os.equals("linux") ? "Linux" : os;
		final String a = arch.equals("x86_64") ? "x86-64" : arch.equals("aarch64") ? "arm64" : arch;
		return o + " " + a + (os.equals("osx") && arch.equals("aarch64") ? " (Apple silicon)" : os.equals("osx") &&
			arch.equals("x86_64") ? " (Intel)" : "");
	}

	/** File name of the CPU native jar for this platform ({@code pytorch-native-cpu-2.5.1-win-x86_64.jar}). */
	public String nativeJar() {
		return "pytorch-native-cpu-" + AmatVersion.pytorch() + "-" + classifier() + ".jar";
	}

	/** File name of the CUDA native jar for this platform ({@code pytorch-native-cu124-2.5.1-win-x86_64.jar}). */
	public String cudaJar() {
		return "pytorch-native-" + CUDA_FLAVOR + "-" + AmatVersion.pytorch() + "-" + classifier() + ".jar";
	}

	/** Where the update site installs the CPU native jar in Fiji ({@code jars/win64/pytorch-native-cpu-2.5.1-win-x86_64.jar}). */
	public String nativeJarPath() {
		return "jars/" + fijiFolder() + "/" + nativeJar();
	}

	/** True when the update site serves CPU natives for this platform. */
	public boolean shipped() {
		return SHIPPED.contains(classifier());
	}

	/** True when the CUDA add-on site serves CUDA natives for this platform. */
	public boolean cudaShipped() {
		return SHIPPED_CUDA.contains(classifier());
	}

	/** Every platform the update site serves CPU natives for. */
	public static List<NativePlatform> shippedPlatforms() {
		final NativePlatform[] all = new NativePlatform[SHIPPED.size()];
		for (int i = 0; i < all.length; i++)
			all[i] = ofClassifier(SHIPPED.get(i));
		return Collections.unmodifiableList(Arrays.asList(all));
	}

	/**
	 * The one sentence shown when PyTorch's natives cannot be loaded on this platform: the platform
	 * and the jar it lacks (and where the update site puts it), or that none exists for it.
	 */
	public String missingNativesMessage() {
		final String pytorch = AmatVersion.pytorch();
		if (!shipped()) {
			final List<NativePlatform> shipped = shippedPlatforms();
			final StringBuilder where = new StringBuilder();
			for (int i = 0; i < shipped.size(); i++)
				where.append(i == 0 ? "" : i == shipped.size() - 1 ? " and " : ", ").append(shipped.get(i).displayName());
			return "PyTorch " + pytorch + " has no native library for " + displayName() + " (DJL classifier " +
				classifier() + ", Fiji platform " + fijiFolder() + "), so AMAT's PyTorch commands run only on " + where +
				(os.equals("osx") && arch.equals("x86_64")
					? "; on an Apple silicon Mac, run Fiji with its arm64 Java, not an Intel Java under Rosetta." : ".");
		}
		return "The PyTorch " + pytorch + " native library for " + displayName() + " (Fiji platform " + fijiFolder() +
			") could not be loaded: install the AMAT update site in Fiji, which puts " + nativeJar() + " into jars/" +
			fijiFolder() + "/, or put pytorch-engine-" + AmatVersion.djl() + ".jar, pytorch-jni-" + pytorch + "-" +
			AmatVersion.djl() + ".jar and " + nativeJar() + " (Maven Central, group ai.djl.pytorch) on the class path" +
			(os.equals("win") ? ", and install Microsoft's Visual C++ Redistributable, which PyTorch needs on Windows." : ".");
	}

	@Override
	public boolean equals(final Object o) {
		return o instanceof NativePlatform && ((NativePlatform) o).classifier().equals(classifier());
	}

	@Override
	public int hashCode() {
		return classifier().hashCode();
	}

	@Override
	public String toString() {
		return classifier();
	}
}
