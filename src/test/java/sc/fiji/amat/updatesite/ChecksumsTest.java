package sc.fiji.amat.updatesite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The updater's checksum, on hand-made jars. */
class ChecksumsTest {

	@TempDir
	Path dir;

	private static final String MANIFEST = "Manifest-Version: 1.0\nCreated-By: Maven JAR Plugin 3.4.2\n" +
		"Implementation-Build: 2ed1a02\nMain-Class: a.Main\n\n";
	private static final byte[] CLASS = { (byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe, 0, 0, 0, 55 };

	/** The entries of a small plugin-like jar, in the order given. */
	private static Map<String, byte[]> entries() {
		final Map<String, byte[]> e = new LinkedHashMap<>();
		e.put("META-INF/", new byte[0]);
		e.put("META-INF/MANIFEST.MF", bytes(MANIFEST));
		e.put("a/", new byte[0]);
		e.put("a/Main.class", CLASS.clone());
		e.put("META-INF/maven/g/a/pom.properties", bytes("#Created by Apache Maven 3.8.7\nversion=1.0\n"));
		e.put("plugins.config", bytes("Plugins, \"A\", a.Main\n"));
		return e;
	}

	private Path jar(final String name, final Map<String, byte[]> entries) throws IOException {
		final Path jar = dir.resolve(name);
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
			for (final Map.Entry<String, byte[]> e : entries.entrySet()) {
				out.putNextEntry(new ZipEntry(e.getKey()));
				out.write(e.getValue());
				out.closeEntry();
			}
		}
		return jar;
	}

	private static byte[] bytes(final String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

	private String checksum(final Map<String, byte[]> entries) throws IOException {
		return Checksums.jarChecksum(jar("x" + System.nanoTime() + ".jar", entries));
	}

	@Test
	void isSha1OverSortedNamesAndContents() throws Exception {
		// by hand: entries sorted by name; name bytes then content; the manifest's content
		// left out; the comment line of the .properties file left out (its line feed kept)
		final MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
		for (final String part : new String[] { "META-INF/", "META-INF/MANIFEST.MF",
			"META-INF/maven/g/a/pom.properties", "\nversion=1.0\n", "a/", "a/Main.class" })
			sha1.update(bytes(part));
		sha1.update(CLASS);
		sha1.update(bytes("plugins.config" + "Plugins, \"A\", a.Main\n"));
		final String expected = Checksums.hex(sha1.digest());
		assertEquals(expected, checksum(entries()));
		assertEquals(40, expected.length());
	}

	@Test
	void entryOrderDoesNotCount() throws IOException {
		final Map<String, byte[]> reversed = new LinkedHashMap<>();
		final String[] names = entries().keySet().toArray(new String[0]);
		for (int i = names.length - 1; i >= 0; i--)
			reversed.put(names[i], entries().get(names[i]));
		assertEquals(checksum(entries()), checksum(reversed));
	}

	@Test
	void manifestDoesNotCount() throws IOException {
		final Map<String, byte[]> rebuilt = entries();
		rebuilt.put("META-INF/MANIFEST.MF", bytes(MANIFEST.replace("2ed1a02", "fd185e9").replace("3.4.2",
			"3.5.0")));
		assertEquals(checksum(entries()), checksum(rebuilt));
		// nor does its Main-Class: the updater keeps only lines whose upper-cased text starts with
		// "Main-Class:", which none can
		final Map<String, byte[]> otherMain = entries();
		otherMain.put("META-INF/MANIFEST.MF", bytes(MANIFEST.replace("a.Main", "b.Other")));
		assertEquals(checksum(entries()), checksum(otherMain));
	}

	@Test
	void propertiesCommentsDoNotCountButValuesDo() throws IOException {
		final Map<String, byte[]> rebuilt = entries();
		rebuilt.put("META-INF/maven/g/a/pom.properties", bytes("#Created by Apache Maven 3.9.9\nversion=1.0\n"));
		assertEquals(checksum(entries()), checksum(rebuilt));
		final Map<String, byte[]> newVersion = entries();
		newVersion.put("META-INF/maven/g/a/pom.properties", bytes("#Created by Apache Maven 3.8.7\nversion=1.1\n"));
		assertNotEquals(checksum(entries()), checksum(newVersion));
	}

	@Test
	void aChangedClassByteCounts() throws IOException {
		final Map<String, byte[]> changed = entries();
		final byte[] c = CLASS.clone();
		c[7] = 56;
		changed.put("a/Main.class", c);
		assertNotEquals(checksum(entries()), checksum(changed));
	}

	@Test
	void namesAndDirectoryEntriesCount() throws IOException {
		final Map<String, byte[]> renamed = new LinkedHashMap<>(entries());
		renamed.put("plugins2.config", renamed.remove("plugins.config"));
		assertNotEquals(checksum(entries()), checksum(renamed));
		final Map<String, byte[]> noDirectory = entries();
		noDirectory.remove("a/");
		assertNotEquals(checksum(entries()), checksum(noDirectory));
	}

	@Test
	void commentLinesFollowTheUpdatersRule() {
		assertSkipped("#date\nk=v\n", "\nk=v\n");
		assertSkipped("k=v\n#c\nk2=v2", "k=v\n\nk2=v2");
		assertSkipped("##c\nk=v\n", "\nk=v\n");
		assertSkipped("#c", "");
		// the updater's quirks: a line feed starts a line only after a character other than '#'
		assertSkipped("k=v\n\n#kept\n", "k=v\n\n#kept\n");
		assertSkipped("#\n#kept\nk=v\n", "\n#kept\nk=v\n");
		assertSkipped("##\n#kept\n#gone\n", "\n#kept\n\n");
		assertSkipped(" #indented\n", " #indented\n");
	}

	private static void assertSkipped(final String in, final String expected) {
		assertArrayEquals(bytes(expected), Checksums.skipHashedLines(bytes(in)), in);
	}

	@Test
	void otherFilesAreHashedWithTheirPath() throws Exception {
		final Path file = dir.resolve("x.ijm");
		try (OutputStream out = Files.newOutputStream(file)) {
			out.write(bytes("print(1);\n"));
		}
		final MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
		sha1.update(bytes("macros/x.ijm" + "print(1);\n"));
		assertEquals(Checksums.hex(sha1.digest()), Checksums.checksum("macros/x.ijm", file));
	}
}
