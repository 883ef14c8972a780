package sc.fiji.amat.updatesite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The checksum Fiji's updater records for a file in {@code db.xml.gz}, computed the way the
 * updater computes it for the files of a Fiji installation (imagej-updater's current jar
 * digest; the obsolete variants it still recognises in local files are not needed on a site).
 *
 * <p>A jar is checksummed over its entries rather than its bytes, so that a rebuild of the same
 * code gives the same checksum:
 * <ul>
 * <li>SHA-1, printed as 40 lower-case hex digits;</li>
 * <li>every entry of the jar's central directory, directories included, in the order of their
 * names ({@link String#compareTo}); for each, the name's bytes in US-ASCII (a character outside
 * ASCII becomes {@code ?}), then the entry's uncompressed content;</li>
 * <li>{@code META-INF/MANIFEST.MF} contributes its name and no content: the updater keeps only the
 * manifest lines whose upper-cased text starts with {@code "Main-Class:"} (mixed case), which no
 * upper-cased line can, so build dates, build numbers and class paths never count;</li>
 * <li>a {@code *.properties} entry loses its comment lines, with the updater's exact rule
 * ({@link #skipHashedLines}), so the date {@code java.util.Properties} writes as a comment does
 * not count.</li>
 * </ul>
 * Any other file is checksummed as SHA-1 over its path in the installation (US-ASCII) followed by
 * its bytes.
 */
public final class Checksums {

	static final String MANIFEST = "META-INF/MANIFEST.MF";

	private Checksums() {}

	/** The updater's checksum of {@code file}, installed in Fiji at {@code path} (e.g. {@code jars/x-1.0.jar}). */
	public static String checksum(final String path, final Path file) throws IOException {
		if (path.endsWith(".jar")) return jarChecksum(file);
		final MessageDigest sha1 = sha1();
		sha1.update(path.getBytes(StandardCharsets.US_ASCII));
		try (InputStream in = Files.newInputStream(file)) {
			digest(in, sha1);
		}
		return hex(sha1.digest());
	}

	/** The updater's checksum of a jar file. */
	public static String jarChecksum(final Path jar) throws IOException {
		final MessageDigest sha1 = sha1();
		try (JarFile jarFile = new JarFile(jar.toFile(), false)) {
			final List<JarEntry> entries = new ArrayList<>(Collections.list(jarFile.entries()));
			// a stable sort: entries of equal names keep their central-directory order
			entries.sort(Comparator.comparing(JarEntry::getName));
			for (final JarEntry entry : entries) {
				final String name = entry.getName();
				sha1.update(name.getBytes(StandardCharsets.US_ASCII));
				if (name.equals(MANIFEST)) continue;
				try (InputStream in = jarFile.getInputStream(entry)) {
					if (name.endsWith(".properties")) sha1.update(skipHashedLines(in.readAllBytes()));
					else digest(in, sha1);
				}
			}
		}
		return hex(sha1.digest());
	}

	/**
	 * The bytes of a {@code .properties} entry as the updater hashes them: a line that starts with
	 * {@code #} at the start of a line loses everything up to its line feed (the line feed itself is
	 * kept). "Start of a line" follows the updater's state machine exactly, quirks included: the
	 * first byte of the file starts a line, and a line feed starts a new line only when it ends a
	 * line that had a character other than {@code #}; an empty line, or a comment line made only of
	 * {@code #}s, leaves the next line not at a line start, so a comment right after it is hashed.
	 */
	static byte[] skipHashedLines(final byte[] in) {
		final ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
		boolean lineStart = true;
		int i = 0;
		while (i < in.length) {
			final int ch = in[i++] & 0xff;
			if (!lineStart) {
				if (ch == '\n') lineStart = true;
				out.write(ch);
			}
			else if (ch != '#') {
				lineStart = false;
				out.write(ch);
			}
			else {
				// a comment: consumed up to and including its line feed, which is kept; while only
				// '#'s have been read the state stays "line start", so a bare "#...#\n" leaves it off
				int c = -1;
				while (i < in.length) {
					c = in[i++] & 0xff;
					if (lineStart) {
						if (c != '#') lineStart = false;
					}
					else if (c == '\n') lineStart = true;
					if (c == '\n') break;
				}
				if (c == '\n') out.write('\n');
				else lineStart = false; // end of the file inside the comment
			}
		}
		return out.toByteArray();
	}

	static MessageDigest sha1() {
		try {
			return MessageDigest.getInstance("SHA-1");
		}
		catch (final NoSuchAlgorithmException e) {
			throw new IllegalStateException("SHA-1 is missing from this Java runtime", e);
		}
	}

	private static void digest(final InputStream in, final MessageDigest sha1) throws IOException {
		final byte[] buffer = new byte[1 << 16];
		for (int n; (n = in.read(buffer)) >= 0;)
			sha1.update(buffer, 0, n);
	}

	static String hex(final byte[] bytes) {
		final StringBuilder s = new StringBuilder(bytes.length * 2);
		for (final byte b : bytes)
			s.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
		return s.toString();
	}
}
