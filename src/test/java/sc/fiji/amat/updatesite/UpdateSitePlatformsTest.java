package sc.fiji.amat.updatesite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.util.Platform;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.zip.GZIPInputStream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import sc.fiji.amat.engine.NativePlatform;

/**
 * Every platform's PyTorch natives on the real site ({@link RealSite}), where Fiji's updater
 * installs them, and read by DJL as made for the platform of their folder. Windows and macOS
 * natives cannot run here: these checks are what this project does for them short of a real
 * machine (see docs/platforms.md).
 */
class UpdateSitePlatformsTest {

	private static final String PYTORCH = "2.5.1";

	/**
	 * imagej-updater's platform names ({@code Platforms.known()}: the launchers' platforms plus
	 * {@code linux|macos|win} x {@code 64|-arm64|x}); a file's folder under {@code jars/} is its
	 * platform only when it is one of these ({@code Checksummer.guessPlatform}).
	 */
	private static final List<String> FIJI_PLATFORMS = Arrays.asList("linux-arm64", "linux32", "linux64", "linuxx",
		"macos-arm64", "macos64", "macosx", "win-arm64", "win32", "win64", "winx");

	/**
	 * Each served platform: {@code os.name} and {@code os.arch} as its JVM reports them, the folder
	 * imagej-updater's {@code Platforms.current()} names for them, and DJL's classifier.
	 */
	private static final String[][] SERVED = { { "Linux", "amd64", "linux64", "linux-x86_64" }, { "Windows 11",
		"amd64", "win64", "win-x86_64" }, { "Mac OS X", "aarch64", "macos-arm64", "osx-aarch64" } };

	/** Systems with no PyTorch 2.5.1 natives on Maven Central. */
	private static final String[][] NOT_SERVED = { { "Mac OS X", "x86_64" }, { "Linux", "aarch64" }, { "Windows 11",
		"aarch64" } };

	private static RealSite real;
	/** db.xml.gz read with a plain XML parser: file name -> platforms, checksum, filesize, timestamp. */
	private static final Map<String, String[]> RAW = new TreeMap<>();

	@BeforeAll
	static void readSite() throws Exception {
		real = RealSite.get();
		try (InputStream in = new GZIPInputStream(Files.newInputStream(real.site.resolve("db.xml.gz")))) {
			final NodeList plugins = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in)
				.getElementsByTagName("plugin");
			for (int i = 0; i < plugins.getLength(); i++) {
				final Element p = (Element) plugins.item(i);
				final StringBuilder platforms = new StringBuilder();
				final NodeList ps = p.getElementsByTagName("platform");
				for (int j = 0; j < ps.getLength(); j++)
					platforms.append(j > 0 ? "," : "").append(ps.item(j).getTextContent().trim());
				final Element v = (Element) p.getElementsByTagName("version").item(0);
				RAW.put(p.getAttribute("filename"), new String[] { platforms.toString(), v.getAttribute("checksum"), v
					.getAttribute("filesize"), v.getAttribute("timestamp") });
			}
		}
	}

	@Test
	void everyPlatformsJarIsListedInItsFolderWithItsChecksum() throws Exception {
		final Map<String, String> natives = new TreeMap<>();
		for (final String name : RAW.keySet())
			if (name.contains("pytorch-native-")) natives.put(name, RAW.get(name)[0]);
		final Map<String, String> expected = new TreeMap<>();
		for (final String[] s : SERVED)
			expected.put("jars/" + s[2] + "/pytorch-native-cpu-" + PYTORCH + "-" + s[3] + ".jar", s[2]);
		assertEquals(expected, natives, "each platform's natives, in its folder, marked as its platform");

		// the very jar Maven Central serves for that classifier (its .sha1 beside the Linux one in the local repository)
		final Path mavenDir = real.plan.main.get(expected.keySet().stream().filter(n -> n.contains("linux64"))
			.findFirst().get()).getParent();
		for (final String[] s : SERVED) {
			final String filename = "jars/" + s[2] + "/pytorch-native-cpu-" + PYTORCH + "-" + s[3] + ".jar";
			final String[] raw = RAW.get(filename);
			final Path blob = real.site.resolve(filename + "-" + raw[3]);
			assertTrue(Files.isRegularFile(blob), blob.toString());
			assertEquals(Long.parseLong(raw[2]), Files.size(blob), filename);
			assertEquals(Checksums.jarChecksum(blob), raw[1], filename);
			final Path centralSha1 = mavenDir.resolve("pytorch-native-cpu-" + PYTORCH + "-" + s[3] + ".jar.sha1");
			if (Files.isRegularFile(centralSha1)) assertEquals(new String(Files.readAllBytes(centralSha1),
				StandardCharsets.US_ASCII).trim().substring(0, 40), RealSite.sha1(blob), filename + " as Maven Central serves it");
			final NativePlatform p = NativePlatform.of(s[0], s[1]);
			assertEquals(filename, p.nativeJarPath(), "NativePlatform names the jar the site serves");
			assertTrue(p.shipped(), s[3]);
		}
		for (final Map.Entry<String, String[]> e : RAW.entrySet()) {
			final String platforms = e.getValue()[0];
			if (platforms.isEmpty()) continue;
			assertTrue(FIJI_PLATFORMS.contains(platforms), e.getKey() + ": " + platforms + " is no platform of Fiji's");
			assertTrue(e.getKey().startsWith("jars/" + platforms + "/"), e.getKey() + " is in its platform's folder");
		}
	}

	@Test
	void djlReadsEachJarsDescriptorAsMadeForItsFolder() throws Exception {
		final Method fromUrl = Platform.class.getDeclaredMethod("fromUrl", URL.class);
		fromUrl.setAccessible(true);
		final Path jni = blob("jars/pytorch-jni-");
		int natives = 0;
		for (final String filename : RAW.keySet()) {
			if (!filename.contains("pytorch-native-")) continue;
			natives++;
			final String folder = filename.split("/")[1];
			final Path blob = real.site.resolve(filename + "-" + RAW.get(filename)[3]);
			final Platform p = (Platform) fromUrl.invoke(null, new URL("jar:" + blob.toUri() +
				"!/native/lib/pytorch.properties"));
			final String classifier = p.getClassifier();
			assertTrue(filename.endsWith("-" + classifier + ".jar"), filename + " declares " + classifier);
			assertEquals(folder, NativePlatform.ofClassifier(classifier).fijiFolder(), filename + " declares " +
				classifier);
			assertFalse(p.isPlaceholder(), filename);
			assertEquals("cpu", p.getFlavor(), filename);
			assertTrue(p.getVersion().startsWith(PYTORCH + "-"), p.getVersion());
			assertTrue(p.getLibraries().length >= 3, filename);
			try (JarFile jar = new JarFile(blob.toFile()); JarFile jniJar = new JarFile(jni.toFile())) {
				// where DJL's LibUtils extracts them from (pytorch/<flavor>/<classifier>/<file>)
				for (final String lib : p.getLibraries())
					assertNotNull(jar.getEntry("pytorch/cpu/" + classifier + "/" + lib), filename + " lacks " + lib);
				// and the JNI glue for that platform in the site's pytorch-jni jar (jnilib/<classifier>/<flavor>/)
				assertNotNull(jniJar.getEntry("jnilib/" + classifier + "/cpu/" + jniName(p.getOsPrefix())), classifier);
			}
		}
		assertEquals(SERVED.length, natives);
	}

	@Test
	void djlPicksTheJarOfEachSystemFromAllOfThem() throws Exception {
		Platform.fromSystem("pytorch"); // DJL's GPU probe initialises now, under the real os.name
		final List<URL> urls = new ArrayList<>();
		for (final String filename : RAW.keySet())
			if (filename.contains("pytorch-native-")) urls.add(real.site.resolve(filename + "-" + RAW.get(filename)[3])
				.toUri().toURL());
		urls.add(blob("jars/pytorch-engine-").toUri().toURL()); // pytorch-engine.properties: the version DJL wants
		final Map<String, Platform> picked = new LinkedHashMap<>();
		final Thread thread = Thread.currentThread();
		final ClassLoader before = thread.getContextClassLoader();
		final String osName = System.getProperty("os.name"), osArch = System.getProperty("os.arch");
		// as in a Fiji that holds every platform's folder: its launcher puts jars/*/*.jar on the class path
		try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
			thread.setContextClassLoader(loader);
			for (final String[] s : SERVED)
				picked.put(s[3], pretend(s[0], s[1]));
			for (final String[] s : NOT_SERVED)
				picked.put(NativePlatform.of(s[0], s[1]).classifier(), pretend(s[0], s[1]));
		}
		finally {
			thread.setContextClassLoader(before);
			System.setProperty("os.name", osName);
			System.setProperty("os.arch", osArch);
		}
		for (final String[] s : SERVED) {
			final Platform p = picked.get(s[3]);
			assertFalse(p.isPlaceholder(), s[0] + " " + s[1] + ": DJL finds no bundled natives");
			assertEquals(s[3], p.getClassifier(), s[0] + " " + s[1]);
			assertEquals("cpu", p.getFlavor());
			assertTrue(p.getVersion().startsWith(PYTORCH + "-"), p.getVersion());
		}
		for (final String[] s : NOT_SERVED) {
			final NativePlatform n = NativePlatform.of(s[0], s[1]);
			assertTrue(picked.get(n.classifier()).isPlaceholder(), n + ": DJL would download, which it may not offline");
			assertFalse(n.shipped(), n.toString());
		}
	}

	/** DJL's choice among the class path's natives on a system with these {@code os.name} and {@code os.arch}. */
	private static Platform pretend(final String osName, final String osArch) {
		System.setProperty("os.name", osName);
		System.setProperty("os.arch", osArch);
		return Platform.detectPlatform("pytorch");
	}

	/** System.mapLibraryName("djl_torch") on that system. */
	private static String jniName(final String os) {
		return os.equals("win") ? "djl_torch.dll" : os.equals("osx") ? "libdjl_torch.dylib" : "libdjl_torch.so";
	}

	/** The current blob of the one site file whose name starts so. */
	private static Path blob(final String prefix) {
		final List<String> names = new ArrayList<>();
		for (final String filename : RAW.keySet())
			if (filename.startsWith(prefix)) names.add(filename);
		assertEquals(1, names.size(), prefix + ": " + names);
		return real.site.resolve(names.get(0) + "-" + RAW.get(names.get(0))[3]);
	}
}
