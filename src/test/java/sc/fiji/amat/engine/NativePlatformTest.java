package sc.fiji.amat.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.util.Platform;

import org.junit.jupiter.api.Test;

/** Platform names for the systems Fiji users have, checked against DJL's own reading of os.name and os.arch. */
class NativePlatformTest {

	/**
	 * {@code os.name}, {@code os.arch} as the JVM reports them; DJL's classifier; Fiji's folder (as
	 * imagej-updater's {@code Platforms.current()} names it); shipped; CUDA add-on shipped.
	 */
	private static final String[][] SYSTEMS = {
		{ "Windows 11", "amd64", "win-x86_64", "win64", "true", "true" },
		{ "Windows 10", "amd64", "win-x86_64", "win64", "true", "true" },
		{ "Windows 11", "aarch64", "win-aarch64", "win-arm64", "false", "false" },
		{ "Windows 7", "x86", "win-x86", "win32", "false", "false" },
		{ "Mac OS X", "aarch64", "osx-aarch64", "macos-arm64", "true", "false" },
		{ "Mac OS X", "x86_64", "osx-x86_64", "macos64", "false", "false" },
		{ "Linux", "amd64", "linux-x86_64", "linux64", "true", "true" },
		{ "Linux", "aarch64", "linux-aarch64", "linux-arm64", "false", "false" } };

	@Test
	void namesEachSystemsClassifierFolderAndJar() {
		for (final String[] s : SYSTEMS) {
			final NativePlatform p = NativePlatform.of(s[0], s[1]);
			final String what = s[0] + " " + s[1];
			assertEquals(s[2], p.classifier(), what);
			assertEquals(s[3], p.fijiFolder(), what);
			assertEquals("pytorch-native-cpu-2.5.1-" + s[2] + ".jar", p.nativeJar(), what);
			assertEquals("jars/" + s[3] + "/pytorch-native-cpu-2.5.1-" + s[2] + ".jar", p.nativeJarPath(), what);
			assertEquals("pytorch-native-cu124-2.5.1-" + s[2] + ".jar", p.cudaJar(), what);
			assertEquals(Boolean.parseBoolean(s[4]), p.shipped(), what);
			assertEquals(Boolean.parseBoolean(s[5]), p.cudaShipped(), what);
			assertEquals(p, NativePlatform.ofClassifier(p.classifier()), what);
		}
		assertEquals("Windows x86-64", NativePlatform.of("Windows 11", "amd64").displayName());
		assertEquals("macOS arm64 (Apple silicon)", NativePlatform.of("Mac OS X", "aarch64").displayName());
		assertEquals("macOS x86-64 (Intel)", NativePlatform.of("Mac OS X", "x86_64").displayName());
		assertEquals("Linux arm64", NativePlatform.of("Linux", "aarch64").displayName());
		assertThrows(IllegalArgumentException.class, () -> NativePlatform.ofClassifier("linux"));
	}

	@Test
	void agreesWithDjlsReadingOfTheSystem() {
		Platform.fromSystem("pytorch"); // DJL's GPU probe initialises now, under the real os.name
		final String osName = System.getProperty("os.name"), osArch = System.getProperty("os.arch");
		try {
			for (final String[] s : SYSTEMS) {
				System.setProperty("os.name", s[0]);
				System.setProperty("os.arch", s[1]);
				assertEquals(Platform.fromSystem("pytorch").getClassifier(), NativePlatform.of(s[0], s[1]).classifier(),
					s[0] + " " + s[1]);
				assertEquals(NativePlatform.of(s[0], s[1]), NativePlatform.current(), s[0] + " " + s[1]);
			}
		}
		finally {
			System.setProperty("os.name", osName);
			System.setProperty("os.arch", osArch);
		}
		assertEquals(Platform.fromSystem("pytorch").getClassifier(), NativePlatform.current().classifier());
		assertEquals(NativePlatform.current().classifier(), Engines.platform());
	}

	@Test
	void theMissingNativesSentenceNamesThePlatformAndTheJar() {
		final String win = NativePlatform.of("Windows 11", "amd64").missingNativesMessage();
		assertTrue(win.contains("Windows x86-64"), win);
		assertTrue(win.contains("pytorch-native-cpu-2.5.1-win-x86_64.jar into jars/win64/"), win);
		assertTrue(win.contains("AMAT update site"), win);
		assertTrue(win.contains("Visual C++ Redistributable"), win);
		final String mac = NativePlatform.of("Mac OS X", "aarch64").missingNativesMessage();
		assertTrue(mac.contains("macOS arm64 (Apple silicon)"), mac);
		assertTrue(mac.contains("pytorch-native-cpu-2.5.1-osx-aarch64.jar into jars/macos-arm64/"), mac);
		final String linux = NativePlatform.of("Linux", "amd64").missingNativesMessage();
		assertTrue(linux.contains("pytorch-native-cpu-2.5.1-linux-x86_64.jar into jars/linux64/"), linux);
		assertEquals(NativePlatform.current().missingNativesMessage(), Engines.missingNativesMessage());

		final String intel = NativePlatform.of("Mac OS X", "x86_64").missingNativesMessage();
		assertTrue(intel.contains("no native library for macOS x86-64 (Intel)"), intel);
		assertTrue(intel.contains("Windows x86-64, macOS arm64 (Apple silicon) and Linux x86-64"), intel);
		assertTrue(intel.contains("Rosetta"), intel);
		final String arm = NativePlatform.of("Linux", "aarch64").missingNativesMessage();
		assertTrue(arm.contains("Linux arm64 (DJL classifier linux-aarch64, Fiji platform linux-arm64)"), arm);
		assertFalse(arm.contains(".jar"), "no jar to install: " + arm);

		for (final String[] s : SYSTEMS) {
			final String m = NativePlatform.of(s[0], s[1]).missingNativesMessage();
			assertTrue(m.endsWith("."), m);
			assertFalse(m.substring(0, m.length() - 1).contains(". "), "one sentence: " + m);
		}
	}
}
