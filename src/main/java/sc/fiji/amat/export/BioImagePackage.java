package sc.fiji.amat.export;

import sc.fiji.amat.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import sc.fiji.amat.AmatException;

/**
 * The files of a bioimage.io package and its {@code rdf.yaml}, written as one zip (rdf.yaml at
 * the root) through a temporary file beside the target, renamed when complete: on any error
 * nothing is left at the target or beside it.
 */
public final class BioImagePackage {

	public static final String RDF = "rdf.yaml";

	private final Map<String, byte[]> files = new LinkedHashMap<>();

	/** Adds a file; returns its description for rdf.yaml: source and sha256. */
	public Map<String, Object> file(final String name, final byte[] bytes) {
		if (files.containsKey(name) || RDF.equals(name)) throw new IllegalArgumentException("duplicate file " + name);
		files.put(name, bytes);
		return Rdf.map("source", name, "sha256", sha256(bytes));
	}

	public static String sha256(final byte[] bytes) {
		try {
			final byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
			final StringBuilder b = new StringBuilder();
			for (final byte x : d) b.append(String.format("%02x", x & 0xFF));
			return b.toString();
		}
		catch (final NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	/** Checks that {@code out} can be written: a .zip name in an existing, writable folder. */
	public static void checkTarget(final Path out) {
		final Path abs = out.toAbsolutePath();
		if (!abs.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".zip")) {
			throw new AmatException("The package file " + out + " must end in .zip.");
		}
		AtomicFiles.checkFile(out, "The package file");
	}

	/** Writes rdf.yaml and the files into the zip {@code out}, atomically. */
	public Path write(final Path out, final Map<String, Object> rdf) {
		checkTarget(out);
		final Path abs = out.toAbsolutePath();
		AtomicFiles.write(abs, "the package", os -> {
			final ZipOutputStream zip = new ZipOutputStream(os);
			put(zip, RDF, YamlWriter.write(rdf).getBytes(StandardCharsets.UTF_8));
			for (final Map.Entry<String, byte[]> e : files.entrySet()) put(zip, e.getKey(), e.getValue());
			zip.finish();
		});
		return abs;
	}

	private static void put(final ZipOutputStream zip, final String name, final byte[] bytes) throws IOException {
		zip.putNextEntry(new ZipEntry(name));
		zip.write(bytes);
		zip.closeEntry();
	}
}
