package sc.fiji.amat.updatesite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import sc.fiji.amat.AmatVersion;
import sc.fiji.amat.command.AmatTrainCommand;

/**
 * The real main update site, built once per test JVM in a temporary folder as {@code mvn package}
 * builds it: this build's classes packed as the plugin jar, its runtime class path (which Maven
 * writes to target/amat-runtime-classpath.txt before the tests), and the other platforms' natives
 * that Maven copies for the site (the folder {@code amat.site.natives.dir}, same phase). No
 * packaged build needed.
 */
final class RealSite {

	final Path site;
	final SiteLayout.Plan plan;
	/** The runtime class path, as Maven wrote it. */
	final List<Path> classPath;

	private static RealSite built;

	private RealSite(final Path site, final SiteLayout.Plan plan, final List<Path> classPath) {
		this.site = site;
		this.plan = plan;
		this.classPath = classPath;
	}

	static synchronized RealSite get() throws Exception {
		if (built != null) return built;
		final Path dir = Files.createTempDirectory("amat-real-site");
		Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
		final Path classes = Paths.get(AmatTrainCommand.class.getProtectionDomain().getCodeSource().getLocation()
			.toURI());
		final Path pluginJar = Files.isDirectory(classes) ? pack(classes, dir.resolve("AMAT_-" + AmatVersion
			.library() + ".jar")) : classes;
		final Path classPathFile = Paths.get("target", "amat-runtime-classpath.txt");
		assertTrue(Files.isRegularFile(classPathFile), classPathFile +
			" is missing: Maven writes it (generate-test-resources) before running the tests");
		final Path natives = Paths.get(System.getProperty("amat.site.natives.dir", "target/platform-natives-" +
			AmatVersion.pytorch()));
		assertTrue(Files.isDirectory(natives), natives +
			" is missing: Maven copies the other platforms' natives there (generate-test-resources) before the tests");
		final List<Path> classPath = UpdateSiteBuilder.jars(classPathFile);
		final List<Path> jars = new java.util.ArrayList<>(classPath);
		jars.addAll(UpdateSiteBuilder.jars(natives));
		final SiteLayout.Plan plan = SiteLayout.plan(pluginJar, jars);
		final Path site = dir.resolve("update-site");
		new UpdateSiteBuilder(site).build(plan.main);
		built = new RealSite(site, plan, classPath);
		return built;
	}

	/** The plugin jar as Maven would pack it: the compiled classes and resources, plugin index included. */
	private static Path pack(final Path classes, final Path jar) throws IOException {
		final List<Path> files;
		try (Stream<Path> s = Files.walk(classes)) {
			files = s.filter(p -> !p.equals(classes)).sorted().collect(Collectors.toList());
		}
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
			for (final Path f : files) {
				final String name = classes.relativize(f).toString().replace('\\', '/');
				out.putNextEntry(new JarEntry(Files.isDirectory(f) ? name + "/" : name));
				if (!Files.isDirectory(f)) Files.copy(f, out);
				out.closeEntry();
			}
		}
		return jar;
	}

	private static void delete(final Path dir) {
		try (Stream<Path> s = Files.walk(dir)) {
			s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		}
		catch (final IOException e) {
			// a temporary folder left behind
		}
	}

	/** SHA-1 of a file's bytes, in hex (what Maven Central's .sha1 files hold). */
	static String sha1(final Path file) throws IOException {
		final java.security.MessageDigest sha1 = Checksums.sha1();
		try (java.io.InputStream in = Files.newInputStream(file)) {
			final byte[] buffer = new byte[1 << 16];
			for (int n; (n = in.read(buffer)) >= 0;)
				sha1.update(buffer, 0, n);
		}
		return Checksums.hex(sha1.digest());
	}
}
