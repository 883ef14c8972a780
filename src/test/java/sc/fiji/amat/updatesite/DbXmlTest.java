package sc.fiji.amat.updatesite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.SAXException;

import sc.fiji.amat.updatesite.SiteIndex.Dependency;
import sc.fiji.amat.updatesite.SiteIndex.FileRecord;
import sc.fiji.amat.updatesite.SiteIndex.Previous;
import sc.fiji.amat.updatesite.SiteIndex.Version;

/** db.xml.gz written and read back, valid against its DTD; and a file in the updater's own style. */
class DbXmlTest {

	@TempDir
	Path dir;

	private static SiteIndex sample() {
		final SiteIndex index = new SiteIndex();
		final FileRecord plugin = new FileRecord("plugins/AMAT_-0.2.0.jar");
		plugin.categories.add("Deep learning");
		plugin.current = new Version(20261124234529L, "7bd873dfd395a5aa4b44ee1476d199dfb306a22c", 232382);
		plugin.current.description = "AMAT & co: <adversarial> \"training\"\nsecond line";
		plugin.current.dependencies.add(new Dependency("jars/api.jar", 20250509195226L, false));
		plugin.current.dependencies.add(new Dependency("jars/old-thing.jar", 20200101000000L, true));
		plugin.current.links.add("https://github.com/amat-fiji/AMAT");
		plugin.current.authors.add("AMAT for Fiji developers");
		plugin.previous.add(new Previous(20261101120000L, 20261124234529L, "0123456789abcdef0123456789abcdef01234567",
			"plugins/AMAT_-0.1.0.jar"));
		index.put(plugin);
		final FileRecord natives = new FileRecord("jars/linux64/pytorch-native-cpu-2.5.1-linux-x86_64.jar");
		natives.platforms.add("linux64");
		natives.current = new Version(20241113031120L, "0add010287be6cb0e35a3ed337b7d883bf87c6d6", 109602264);
		index.put(natives);
		final FileRecord gone = new FileRecord("jars/removed-1.0.jar");
		gone.previous.add(new Previous(20250101000000L, 20260101000000L, "89abcdef0123456789abcdef0123456789abcdef",
			"jars/removed-1.0.jar"));
		index.put(gone);
		final FileRecord tool = new FileRecord("amat-tool");
		tool.executable = true;
		tool.current = new Version(20260101000000L, "fedcba9876543210fedcba9876543210fedcba98", 10);
		index.put(tool);
		return index;
	}

	@Test
	void roundTripIsExactAndValid() throws IOException {
		final Path db = dir.resolve("db.xml.gz");
		DbXmlWriter.write(sample(), db);
		final SiteIndex back = DbXmlReader.read(db, true); // validating: the DTD's grammar holds
		assertEquals(4, back.records().size());
		for (final FileRecord expected : sample().records())
			assertSame(expected, back.get(expected.filename));
		// written again, the same bytes (the gzip header has no time)
		final Path again = dir.resolve("again.xml.gz");
		DbXmlWriter.write(back, again);
		assertArrayEquals(Files.readAllBytes(db), Files.readAllBytes(again));
	}

	private static void assertSame(final FileRecord e, final FileRecord a) {
		assertEquals(e.filename, a.filename);
		assertEquals(e.executable, a.executable);
		assertEquals(e.platforms, a.platforms);
		assertEquals(e.categories, a.categories);
		if (e.current == null) assertNull(a.current, e.filename);
		else {
			assertEquals(e.current.timestamp, a.current.timestamp);
			assertEquals(e.current.checksum, a.current.checksum);
			assertEquals(e.current.filesize, a.current.filesize);
			assertEquals(e.current.description, a.current.description);
			assertEquals(e.current.links, a.current.links);
			assertEquals(e.current.authors, a.current.authors);
			assertEquals(e.current.dependencies.size(), a.current.dependencies.size());
			for (int i = 0; i < e.current.dependencies.size(); i++) {
				final Dependency ed = e.current.dependencies.get(i), ad = a.current.dependencies.get(i);
				assertEquals(Arrays.asList(ed.filename, ed.timestamp, ed.overrides), Arrays.asList(ad.filename,
					ad.timestamp, ad.overrides));
			}
		}
		assertEquals(e.previous.size(), a.previous.size());
		for (int i = 0; i < e.previous.size(); i++) {
			final Previous ep = e.previous.get(i), ap = a.previous.get(i);
			assertEquals(Arrays.asList(ep.timestamp, ep.timestampObsolete, ep.checksum, ep.filename), Arrays.asList(
				ap.timestamp, ap.timestampObsolete, ap.checksum, ap.filename));
		}
	}

	@Test
	void recordsAreKeyedLikeTheUpdater() {
		final SiteIndex index = sample();
		assertEquals("plugins/AMAT_-0.2.0.jar", index.get("plugins/AMAT_.jar").filename);
		assertEquals("plugins/AMAT_-0.2.0.jar", index.get("plugins/AMAT_-0.1.0.jar").filename);
		assertEquals("jars/linux64/pytorch-native-cpu-linux-x86_64.jar", SiteIndex.unversioned(
			"jars/linux64/pytorch-native-cpu-2.5.1-linux-x86_64.jar"));
		assertEquals("jars/pytorch-jni.jar", SiteIndex.unversioned("jars/pytorch-jni-2.5.1-0.33.0.jar"));
		assertEquals("jars/imglib2.jar", SiteIndex.unversioned("jars/imglib2-8.0.1.jar"));
	}

	/** As Fiji's updater writes a local db.xml.gz: update sites, no version filenames, whitespace, unknown elements. */
	private static final String UPDATER_STYLE = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>" +
		DbXmlWriter.DTD + "\n<pluginRecords>\n" +
		"    <update-site name=\"AMAT\" official=\"false\" timestamp=\"20261124234529\" url=\"https://sites.imagej.net/AMAT/\"/>\n" +
		"    <plugin filename=\"plugins/AMAT_-0.3.0.jar\" update-site=\"AMAT\">\n" +
		"        <version checksum=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" filesize=\"5\" timestamp=\"20260301000000\">\n" +
		"            <description>three</description>\n" +
		"            <dependency filename=\"jars/api.jar\" timestamp=\"20250509195226\"/>\n" +
		"        </version>\n" +
		"        <previous-version checksum=\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\" timestamp=\"20260201000000\"/>\n" +
		"        <previous-version checksum=\"cccccccccccccccccccccccccccccccccccccccc\" filename=\"plugins/AMAT_-0.1.0.jar\" timestamp=\"20260101000000\" timestamp-obsolete=\"20260201000000\"/>\n" +
		"        <previous-version checksum=\"dddddddddddddddddddddddddddddddddddddddd\" timestamp=\"20251201000000\"/>\n" +
		"    </plugin>\n</pluginRecords>\n";

	@Test
	void readsTheUpdatersOwnStyle() throws Exception {
		final SiteIndex index = DbXmlReader.readXml(new ByteArrayInputStream(UPDATER_STYLE.getBytes(
			StandardCharsets.UTF_8)), true);
		final FileRecord r = index.get("plugins/AMAT_.jar");
		assertEquals("plugins/AMAT_-0.3.0.jar", r.filename);
		assertEquals(20260301000000L, r.current.timestamp);
		assertEquals("three", r.current.description);
		assertEquals("jars/api.jar", r.current.dependencies.get(0).filename);
		// a previous version without a name has the name of the next newer version that has one
		assertEquals("plugins/AMAT_-0.3.0.jar", r.previous.get(0).filename);
		assertEquals("plugins/AMAT_-0.1.0.jar", r.previous.get(2).filename);
		assertEquals(0, r.previous.get(0).timestampObsolete);
		assertEquals("plugins/AMAT_-0.1.0.jar-20251201000000", r.previous.get(2).blobPath(r));
	}

	@Test
	void validationRejectsWhatTheDtdForbids() {
		final String badOrder = UPDATER_STYLE.replace("<description>three</description>\n", "").replace(
			"<dependency filename=\"jars/api.jar\" timestamp=\"20250509195226\"/>",
			"<dependency filename=\"jars/api.jar\" timestamp=\"20250509195226\"/><description>three</description>");
		assertThrows(SAXException.class, () -> DbXmlReader.readXml(new ByteArrayInputStream(badOrder.getBytes(
			StandardCharsets.UTF_8)), true));
		final String noChecksum = UPDATER_STYLE.replace(" checksum=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", "");
		assertThrows(SAXException.class, () -> DbXmlReader.readXml(new ByteArrayInputStream(noChecksum.getBytes(
			StandardCharsets.UTF_8)), true));
	}

	@Test
	void writesTheDtdAndPlainXml() throws Exception {
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		DbXmlWriter.writeXml(sample(), out);
		final String xml = out.toString("UTF-8");
		assertTrue(xml.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE pluginRecords ["), xml);
		assertTrue(xml.contains("<platform>linux64</platform>"));
		assertTrue(xml.contains("&amp; co: &lt;adversarial&gt;"));
		assertTrue(xml.contains("<dependency filename=\"jars/old-thing.jar\" timestamp=\"20200101000000\" overrides=\"true\"/>"));
		assertFalse(xml.contains("<plugin filename=\"jars/removed-1.0.jar\">\n        <version"), "an obsolete file has no version");
	}
}
