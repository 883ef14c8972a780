package sc.fiji.amat.updatesite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sc.fiji.amat.updatesite.SiteIndex.FileRecord;

/**
 * The real site ({@link RealSite}: this build's classes, its runtime class path and the other
 * platforms' natives, as {@code mvn package} builds it): every listed file is there with its
 * checksum and size, nothing Fiji ships is on it, and SciJava finds the commands on the site's jars
 * plus Fiji's core jars alone, in a class loader that does not see the test's class path.
 */
class UpdateSiteDiscoveryTest {

	private static Path site;
	private static SiteLayout.Plan plan;

	@BeforeAll
	static void buildSite() throws Exception {
		final RealSite real = RealSite.get();
		plan = real.plan;
		site = real.site;
	}

	@Test
	void everyListedFileIsThereWithItsChecksumAndSize() throws Exception {
		final SiteIndex index = DbXmlReader.read(site.resolve("db.xml.gz"), true);
		final TreeSet<String> listed = new TreeSet<>(Arrays.asList("db.xml.gz"));
		for (final FileRecord r : index.records()) {
			assertNotNull(r.current, r.filename);
			final Path blob = site.resolve(r.blobPath());
			assertTrue(r.blobPath().matches(".*\\.jar-\\d{14}"), r.blobPath());
			assertTrue(Files.isRegularFile(blob), r.blobPath());
			assertEquals(r.current.filesize, Files.size(blob), r.blobPath());
			assertEquals(r.current.checksum, Checksums.checksum(r.filename, blob), r.blobPath());
			// and the very bytes that were built
			assertEquals(RealSite.sha1(plan.main.get(r.filename)), RealSite.sha1(blob), r.blobPath());
			listed.add(r.blobPath());
		}
		final TreeSet<String> onDisk = new TreeSet<>();
		try (Stream<Path> s = Files.walk(site)) {
			s.filter(Files::isRegularFile).forEach(p -> onDisk.add(site.relativize(p).toString().replace('\\', '/')));
		}
		assertEquals(listed, onDisk, "nothing unlisted on the site");
		assertEquals(Arrays.asList(), UpdateSiteBuilder.verify(site));
	}

	@Test
	void theSiteHoldsThePluginAndWhatFijiLacks() throws Exception {
		final SiteIndex index = DbXmlReader.read(site.resolve("db.xml.gz"));
		final TreeSet<String> names = new TreeSet<>();
		for (final FileRecord r : index.records())
			names.add(SiteIndex.unversioned(r.filename));
		assertEquals(new TreeSet<>(Arrays.asList("plugins/AMAT_.jar", "jars/api.jar", "jars/pytorch-engine.jar",
			"jars/pytorch-jni.jar", "jars/snakeyaml.jar" /* reads bioimage.io's rdf.yaml */, "jars/linux64/pytorch-native-cpu-linux-x86_64.jar",
			"jars/win64/pytorch-native-cpu-2.5.1-win-x86_64.jar", "jars/macos-arm64/pytorch-native-cpu.jar")), names);
		for (final FileRecord r : index.records())
			assertFalse(SiteLayout.shippedByFiji(Paths.get(r.filename)), r.filename);
		final List<String> left = plan.shippedByFiji.stream().map(SiteLayout::baseName).collect(Collectors.toList());
		assertTrue(left.containsAll(Arrays.asList("ij", "imglib2", "scijava-common", "gson", "jna", "slf4j-api")), left
			.toString());
		assertEquals(Arrays.asList("linux64"), index.get("jars/linux64/pytorch-native-cpu-linux-x86_64.jar").platforms);
		assertEquals(7, index.get("plugins/AMAT_.jar").current.dependencies.size()); // the jars above, all but the plugin itself
		assertTrue(plan.cuda.isEmpty(), "the CUDA natives come only with -Pcuda");
		assertEquals(new TreeSet<>(Arrays.asList("onnxruntime", "onnxruntime-engine")), plan.onnx.values().stream().map(
			SiteLayout::baseName).collect(Collectors.toCollection(TreeSet::new)), "ONNX Runtime goes on its add-on site");
	}

	@Test
	void sciJavaFindsTheCommandsOnTheSiteAndFijisCoreJarsAlone() throws Exception {
		final SiteIndex index = DbXmlReader.read(site.resolve("db.xml.gz"));
		final List<URL> urls = new ArrayList<>();
		for (final FileRecord r : index.records())
			urls.add(site.resolve(r.blobPath()).toUri().toURL()); // timestamped names: opened as jars all the same
		for (final Path core : plan.shippedByFiji)
			urls.add(core.toUri().toURL());
		final List<String> expected = new ArrayList<>(Arrays.asList("sc.fiji.amat.command.AmatTrainCommand",
			"sc.fiji.amat.command.AdversarialAttackCommand"));
		final String report = "sc.fiji.amat.command.RobustnessReportCommand";
		try (JarFile plugin = new JarFile(site.resolve(index.get("plugins/AMAT_.jar").blobPath()).toFile())) {
			if (plugin.getEntry(report.replace('.', '/') + ".class") != null) expected.add(report);
		}

		final Thread thread = Thread.currentThread();
		final ClassLoader before = thread.getContextClassLoader();
		try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
			thread.setContextClassLoader(loader);
			final Class<?> contextClass = loader.loadClass("org.scijava.Context");
			final Class<?> serviceClass = loader.loadClass("org.scijava.command.CommandService");
			assertSame(loader, contextClass.getClassLoader(), "SciJava from the core jars, not from the test's class path");
			final Object context = contextClass.getConstructor(Class[].class).newInstance((Object) new Class<?>[] {
				serviceClass });
			try {
				final Object commands = contextClass.getMethod("service", Class.class).invoke(context, serviceClass);
				final Map<String, Object> found = new HashMap<>();
				for (final Object info : (List<?>) serviceClass.getMethod("getCommands").invoke(commands))
					found.put((String) info.getClass().getMethod("getClassName").invoke(info), info);
				for (final String name : expected) {
					final Object info = found.get(name);
					assertNotNull(info, name + " not discovered; found " + found.keySet().stream().filter(n -> n.contains(
						"amat")).collect(Collectors.toList()));
					final Method menuPath = info.getClass().getMethod("getMenuPath");
					assertTrue(menuPath.invoke(info).toString().contains("AMAT"), name + ": " + menuPath.invoke(info));
					final Class<?> command = (Class<?>) info.getClass().getMethod("loadClass").invoke(info);
					assertSame(loader, command.getClassLoader(), name + " loads from the site's plugin jar");
				}
			}
			finally {
				contextClass.getMethod("dispose").invoke(context);
			}
		}
		finally {
			thread.setContextClassLoader(before);
		}
	}
}
