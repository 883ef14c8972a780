package sc.fiji.amat.updatesite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.updatesite.SiteIndex.FileRecord;

/** The site builder on small synthetic jars: layout, exclusions, cumulative versions, timestamps. */
class UpdateSiteBuilderTest {

	@TempDir
	Path dir;

	/** A jar with one entry of the given content, whose entries are dated {@code time}. */
	private Path jar(final String name, final String content, final LocalDateTime time) throws IOException {
		final Path jar = dir.resolve("in").resolve(name);
		Files.createDirectories(jar.getParent());
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
			final ZipEntry e = new ZipEntry("content.txt");
			e.setTimeLocal(time);
			out.putNextEntry(e);
			out.write(content.getBytes(StandardCharsets.UTF_8));
			out.closeEntry();
		}
		return jar;
	}

	private static final LocalDateTime T0 = LocalDateTime.of(2025, 5, 9, 19, 52, 26);

	private List<Path> dependencies() throws IOException {
		final List<Path> jars = new ArrayList<>();
		for (final String core : new String[] { "ij-1.54p.jar", "imglib2-8.0.1.jar", "scijava-common-2.100.1.jar",
			"parsington-3.1.0.jar", "gson-2.10.1.jar", "jna-5.14.0.jar", "commons-compress-1.28.0.jar",
			"slf4j-api-2.0.17.jar", "imglib2-roi-0.15.0.jar", "slf4j-simple-2.0.17.jar" })
			jars.add(jar(core, core, T0));
		jars.add(jar("api-0.33.0.jar", "api", T0));
		jars.add(jar("pytorch-jni-2.5.1-0.33.0.jar", "jni", T0));
		jars.add(jar("pytorch-native-cpu-2.5.1-linux-x86_64.jar", "cpu natives", T0));
		jars.add(jar("pytorch-native-cu124-2.5.1-linux-x86_64.jar", "cuda natives", T0));
		return jars;
	}

	@Test
	void layoutLeavesOutWhatFijiShips() throws IOException {
		final Path plugin = jar("AMAT_-0.1.0.jar", "plugin", T0);
		final List<Path> deps = dependencies();
		deps.add(jar("onnxruntime-engine-0.33.0.jar", "ort engine", T0));
		deps.add(jar("onnxruntime-1.21.1.jar", "ort", T0));
		final SiteLayout.Plan plan = SiteLayout.plan(plugin, deps);
		assertEquals(Arrays.asList("plugins/AMAT_-0.1.0.jar", "jars/api-0.33.0.jar", "jars/pytorch-jni-2.5.1-0.33.0.jar",
			"jars/linux64/pytorch-native-cpu-2.5.1-linux-x86_64.jar"), new ArrayList<>(plan.main.keySet()));
		assertEquals(Arrays.asList("jars/linux64/pytorch-native-cu124-2.5.1-linux-x86_64.jar"), new ArrayList<>(
			plan.cuda.keySet()));
		assertEquals(Arrays.asList("jars/onnxruntime-engine-0.33.0.jar", "jars/onnxruntime-1.21.1.jar"), new ArrayList<>(
			plan.onnx.keySet()));
		assertEquals(9, plan.shippedByFiji.size());
		assertEquals("slf4j-simple-2.0.17.jar", plan.neverShipped.get(0).getFileName().toString());
		for (final String core : new String[] { "ij", "imglib2", "scijava-common" })
			assertTrue(SiteLayout.SHIPPED_BY_FIJI.contains(core), core);
	}

	@Test
	void everyPlatformsNativesGoToItsFijiFolder() throws IOException {
		final List<Path> deps = new ArrayList<>();
		for (final String c : new String[] { "linux-x86_64", "win-x86_64", "osx-aarch64" })
			deps.add(jar("pytorch-native-cpu-2.5.1-" + c + ".jar", c, T0));
		for (final String c : new String[] { "linux-x86_64", "win-x86_64" })
			deps.add(jar("pytorch-native-cu124-2.5.1-" + c + ".jar", "cuda " + c, T0));
		final SiteLayout.Plan plan = SiteLayout.plan(null, deps);
		assertEquals(Arrays.asList("jars/linux64/pytorch-native-cpu-2.5.1-linux-x86_64.jar",
			"jars/win64/pytorch-native-cpu-2.5.1-win-x86_64.jar", "jars/macos-arm64/pytorch-native-cpu-2.5.1-osx-aarch64.jar"),
			new ArrayList<>(plan.main.keySet()));
		assertEquals(Arrays.asList("jars/linux64/pytorch-native-cu124-2.5.1-linux-x86_64.jar",
			"jars/win64/pytorch-native-cu124-2.5.1-win-x86_64.jar"), new ArrayList<>(plan.cuda.keySet()));
		final Path site = dir.resolve("site");
		new UpdateSiteBuilder(site).build(plan.main);
		final SiteIndex index = DbXmlReader.read(site.resolve("db.xml.gz"), true);
		for (final String path : plan.main.keySet())
			assertEquals(Arrays.asList(path.split("/")[1]), index.get(path).platforms, path);
		// the updater's identity of a file (scijava-common's stripFilenameVersion) knows "linux-x86_64" as a
		// classifier, takes "-osx-aarch64" for part of the version, and leaves a name with "win-x86_64" whole
		assertEquals("jars/linux64/pytorch-native-cpu-linux-x86_64.jar", SiteIndex.unversioned(
			"jars/linux64/pytorch-native-cpu-2.5.1-linux-x86_64.jar"));
		assertEquals("jars/macos-arm64/pytorch-native-cpu.jar", SiteIndex.unversioned(
			"jars/macos-arm64/pytorch-native-cpu-2.5.1-osx-aarch64.jar"));
		assertEquals("jars/win64/pytorch-native-cpu-2.5.1-win-x86_64.jar", SiteIndex.unversioned(
			"jars/win64/pytorch-native-cpu-2.5.1-win-x86_64.jar"));
		assertEquals(Arrays.asList(), UpdateSiteBuilder.verify(site));
	}

	@Test
	void twoVersionsOfOneJarAreRefused() throws IOException {
		final List<Path> deps = new ArrayList<>(Arrays.asList(jar("api-0.33.0.jar", "a", T0)));
		Files.createDirectories(dir.resolve("other"));
		deps.add(Files.copy(deps.get(0), dir.resolve("other").resolve("api-0.32.0.jar")));
		assertThrows(IllegalArgumentException.class, () -> SiteLayout.plan(null, deps));
	}

	@Test
	void buildsAVerifiableSiteWithTimestampsFromTheJars() throws IOException {
		final Path site = dir.resolve("site");
		final SiteLayout.Plan plan = SiteLayout.plan(jar("AMAT_-0.1.0.jar", "plugin", T0.plusDays(1)), dependencies());
		final UpdateSiteBuilder.Result result = new UpdateSiteBuilder(site).build(plan.main);
		assertEquals(4, result.added.size());
		assertEquals(new TreeSet<>(Arrays.asList("db.xml.gz", "plugins/AMAT_-0.1.0.jar-20250510195226",
			"jars/api-0.33.0.jar-20250509195226", "jars/pytorch-jni-2.5.1-0.33.0.jar-20250509195226",
			"jars/linux64/pytorch-native-cpu-2.5.1-linux-x86_64.jar-20250509195226")), files(site));
		assertEquals(Arrays.asList(), UpdateSiteBuilder.verify(site));
		final SiteIndex index = DbXmlReader.read(site.resolve("db.xml.gz"), true);
		assertEquals(Arrays.asList("linux64"), index.get("jars/linux64/pytorch-native-cpu-linux-x86_64.jar").platforms);
		final FileRecord plugin = index.get("plugins/AMAT_.jar");
		assertEquals(3, plugin.current.dependencies.size());
		assertEquals("jars/api.jar", plugin.current.dependencies.get(0).filename);
		assertEquals(20250509195226L, plugin.current.dependencies.get(0).timestamp);
		for (final FileRecord r : index.records())
			assertFalse(SiteLayout.shippedByFiji(Path.of(r.filename)), r.filename);
	}

	@Test
	void sitesAreCumulative() throws IOException {
		final Path site = dir.resolve("site");
		final List<Path> deps = dependencies();
		final Map<String, Path> first = SiteLayout.plan(jar("AMAT_-0.1.0.jar", "plugin 1", T0), deps).main;
		new UpdateSiteBuilder(site).build(first);
		final byte[] db1 = Files.readAllBytes(site.resolve("db.xml.gz"));

		// the same files again: nothing changes, byte for byte
		final UpdateSiteBuilder.Result same = new UpdateSiteBuilder(site).build(first);
		assertEquals(0, same.added.size());
		assertEquals(4, same.unchanged.size());
		assertArrayEquals(db1, Files.readAllBytes(site.resolve("db.xml.gz")));

		// a new plugin, older by its entry dates than the last one: a newer timestamp all the same
		final Map<String, Path> second = SiteLayout.plan(jar("AMAT_-0.2.0.jar", "plugin 2", T0.minusDays(3)), deps.subList(
			0, deps.size() - 2)).main; // and the natives dropped
		final UpdateSiteBuilder.Result result = new UpdateSiteBuilder(site).build(second);
		assertEquals(Arrays.asList("plugins/AMAT_-0.2.0.jar"), result.added);
		assertEquals(Arrays.asList("jars/linux64/pytorch-native-cpu-2.5.1-linux-x86_64.jar"), result.obsoleted);
		final SiteIndex index = DbXmlReader.read(site.resolve("db.xml.gz"), true);
		final FileRecord plugin = index.get("plugins/AMAT_.jar");
		assertEquals("plugins/AMAT_-0.2.0.jar", plugin.filename);
		assertEquals(20250509195227L, plugin.current.timestamp);
		assertEquals(1, plugin.previous.size());
		assertEquals("plugins/AMAT_-0.1.0.jar", plugin.previous.get(0).filename);
		assertEquals(20250509195226L, plugin.previous.get(0).timestamp);
		assertEquals(20250509195227L, plugin.previous.get(0).timestampObsolete);
		assertTrue(Files.exists(site.resolve("plugins/AMAT_-0.1.0.jar-20250509195226")), "the old version stays");
		final FileRecord natives = index.get("jars/linux64/pytorch-native-cpu-linux-x86_64.jar");
		assertNull(natives.current, "a file no longer given is obsolete");
		assertEquals(1, natives.previous.size());
		assertEquals(2, plugin.current.dependencies.size(), "no dependency on an obsolete file");
		assertEquals(Arrays.asList(), UpdateSiteBuilder.verify(site));

		// a fixed timestamp, as for a release
		final Map<String, Path> third = SiteLayout.plan(jar("AMAT_-0.3.0.jar", "plugin 3", T0), deps).main;
		new UpdateSiteBuilder(site).timestamp(20261124234529L).build(third);
		final SiteIndex after = DbXmlReader.read(site.resolve("db.xml.gz"));
		assertEquals(20261124234529L, after.get("plugins/AMAT_.jar").current.timestamp);
		assertEquals(20261124234529L, after.get("jars/linux64/pytorch-native-cpu-linux-x86_64.jar").current.timestamp,
			"back from obsolete, with a new version");
		assertEquals(2, after.get("plugins/AMAT_.jar").previous.size());
		assertEquals(Arrays.asList(), UpdateSiteBuilder.verify(site));
	}

	@Test
	void verifyFindsAMissingOrAlteredBlob() throws IOException {
		final Path site = dir.resolve("site");
		new UpdateSiteBuilder(site).build(SiteLayout.plan(jar("AMAT_-0.1.0.jar", "plugin", T0), dependencies()).main);
		final Path api = site.resolve("jars/api-0.33.0.jar-20250509195226");
		Files.copy(jar("x.jar", "not the api", T0), api, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		Files.delete(site.resolve("jars/pytorch-jni-2.5.1-0.33.0.jar-20250509195226"));
		final List<String> problems = UpdateSiteBuilder.verify(site);
		assertEquals(3, problems.size(), problems.toString());
		assertTrue(problems.get(0).startsWith("size of jars/api-0.33.0.jar-20250509195226"), problems.toString());
		assertTrue(problems.get(1).startsWith("checksum of jars/api-0.33.0.jar-20250509195226"), problems.toString());
		assertTrue(problems.get(2).startsWith("missing jars/pytorch-jni"), problems.toString());
	}

	@Test
	void unpacksIntoAFijiUnderPlainNames() throws IOException {
		final Path site = dir.resolve("site");
		final Map<String, Path> files = SiteLayout.plan(jar("AMAT_-0.1.0.jar", "plugin", T0), dependencies()).main;
		new UpdateSiteBuilder(site).build(files);
		final Path fiji = dir.resolve("Fiji.app");
		assertEquals(new TreeSet<>(files.keySet()), new TreeSet<>(UpdateSiteBuilder.unpack(site, fiji)));
		for (final Map.Entry<String, Path> e : files.entrySet())
			assertArrayEquals(Files.readAllBytes(e.getValue()), Files.readAllBytes(fiji.resolve(e.getKey())), e.getKey());
		Files.move(fiji.resolve("plugins/AMAT_-0.1.0.jar"), fiji.resolve("plugins/AMAT_-0.0.9.jar"));
		assertThrows(IOException.class, () -> UpdateSiteBuilder.unpack(site, fiji), "another version is in the way");
	}

	@Test
	void timestampsAreFourteenDigits() {
		assertThrows(IllegalArgumentException.class, () -> new UpdateSiteBuilder(dir).timestamp(2026112423L));
		assertEquals(20240101000000L, UpdateSiteBuilder.format(UpdateSiteBuilder.parseTimestamp(20231231235959L)
			.plusSeconds(1)));
	}

	private static TreeSet<String> files(final Path site) throws IOException {
		final TreeSet<String> names = new TreeSet<>();
		try (java.util.stream.Stream<Path> s = Files.walk(site)) {
			s.filter(Files::isRegularFile).forEach(p -> names.add(site.relativize(p).toString().replace('\\', '/')));
		}
		return names;
	}
}
