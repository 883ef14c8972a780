package sc.fiji.amat.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import sc.fiji.amat.AmatException;

/**
 * A bioimage.io model package (the BioImage Model Zoo's format, used by deepImageJ, JDLL, QuPath,
 * ilastik and napari): a zip or a folder with {@code rdf.yaml} (or {@code bioimageio.yaml}) at its
 * root, format 0.4 or 0.5, and weights as files beside it. A zip is extracted into a temporary
 * folder that {@link #close} deletes (the engines load the weights into memory), so nothing
 * extracted is left behind. {@link BioimageIoRdf} translates the rdf into a
 * {@link ModelDescription}; the weights' sha256, when given, is checked.
 */
public final class BioimageIoPackage implements AutoCloseable {

	/** The names the rdf may have at the package's root. */
	public static final List<String> RDF_NAMES = Arrays.asList("rdf.yaml", "bioimageio.yaml");

	/** The package as the user named it (zip, folder or the rdf itself). */
	public final Path source;
	/** The folder holding the rdf (the extracted copy for a zip). */
	public final Path root;
	private final boolean extracted;
	/** What the rdf says, translated. */
	public final BioimageIoRdf rdf;
	/** The weights file this AMAT runs, inside {@link #root}. */
	public final Path weights;

	private BioimageIoPackage(final Path source, final Path root, final boolean extracted, final BioimageIoRdf rdf,
		final Path weights)
	{
		this.source = source;
		this.root = root;
		this.extracted = extracted;
		this.rdf = rdf;
		this.weights = weights;
	}

	/**
	 * True for a bioimage.io package: a folder with an rdf at its root, the rdf file itself, or a
	 * zip (not an AMAT model file) with an rdf at its root.
	 */
	public static boolean isPackage(final Path path) {
		if (path == null) return false;
		if (Files.isDirectory(path)) return rdfIn(path) != null;
		final String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
		if (RDF_NAMES.contains(name) || name.endsWith(".bioimageio.yaml")) return Files.isRegularFile(path);
		if (!name.endsWith(".zip") || !Files.isRegularFile(path)) return false;
		try (ZipFile zip = new ZipFile(path.toFile())) {
			if (zip.getEntry(ModelFile.INFO) != null) return false;
			for (final String n : RDF_NAMES) {
				if (zip.getEntry(n) != null) return true;
			}
			return false;
		}
		catch (final IOException e) {
			return false;
		}
	}

	private static Path rdfIn(final Path dir) {
		for (final String n : RDF_NAMES) {
			if (Files.isRegularFile(dir.resolve(n))) return dir.resolve(n);
		}
		return null;
	}

	/** Opens a package: extracts a zip, reads and checks the rdf, finds and checks the weights. */
	public static BioimageIoPackage open(final Path path) {
		final boolean zip = Files.isRegularFile(path) && path.getFileName().toString().toLowerCase(Locale.ROOT)
			.endsWith(".zip");
		final Path root = zip ? extract(path) : Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
		try {
			final Path rdfFile = Files.isDirectory(path) || zip ? rdfIn(root) : path;
			if (rdfFile == null) {
				throw new AmatException("The " + (zip ? "zip " : "folder ") + path + " is not a bioimage.io model package: " +
					"it has no rdf.yaml at its root.");
			}
			final BioimageIoRdf rdf = BioimageIoRdf.of(path, readYaml(rdfFile, path));
			final Path weights = rdf.file(root, rdf.weightsSource, "weights");
			if (!Files.isRegularFile(weights)) {
				throw new AmatException("The bioimage.io package " + path.getFileName() + " names the " + rdf.weightsFormat +
					" weights " + rdf.weightsSource + ", but that file is not in the package.");
			}
			if (rdf.weightsSha256 != null) {
				final String actual = sha256(weights);
				if (!actual.equalsIgnoreCase(rdf.weightsSha256.trim())) {
					throw new AmatException("The weights " + rdf.weightsSource + " in the bioimage.io package " + path
						.getFileName() + " do not match the sha256 its rdf states (" + rdf.weightsSha256 + ", the file has " +
						actual + "): the file is damaged or was changed.");
				}
			}
			return new BioimageIoPackage(path, root, zip, rdf, weights);
		}
		catch (final RuntimeException e) {
			if (zip) delete(root);
			throw e;
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> readYaml(final Path rdf, final Path pkg) {
		final Object o;
		try {
			o = new Yaml(new SafeConstructor(new LoaderOptions())).load(new String(Files.readAllBytes(rdf),
				StandardCharsets.UTF_8));
		}
		catch (final YAMLException e) {
			final String m = String.valueOf(e.getMessage());
			throw new AmatException("The " + rdf.getFileName() + " of the bioimage.io package " + pkg.getFileName() +
				" is not valid YAML (" + (m.indexOf('\n') < 0 ? m : m.substring(0, m.indexOf('\n'))) + ").", e);
		}
		catch (final IOException e) {
			throw new AmatException("Cannot read " + rdf + ": " + e.getMessage() + ".", e);
		}
		if (!(o instanceof Map)) {
			throw new AmatException("The " + rdf.getFileName() + " of the bioimage.io package " + pkg.getFileName() +
				" is not a YAML mapping (keys and values).");
		}
		return (Map<String, Object>) o;
	}

	/** Extracts a zip into a new temporary folder, refusing entries that would land outside it. */
	private static Path extract(final Path zipPath) {
		final Path dir;
		try {
			dir = Files.createTempDirectory("amat-bioimageio-");
		}
		catch (final IOException e) {
			throw new AmatException("Cannot create a temporary folder to open " + zipPath + ": " + e.getMessage() + ".",
				e);
		}
		try (ZipFile zip = new ZipFile(zipPath.toFile())) {
			for (final ZipEntry e : java.util.Collections.list(zip.entries())) {
				final Path target = dir.resolve(e.getName()).normalize();
				if (!target.startsWith(dir)) throw new IOException("the entry " + e.getName() + " points outside the zip");
				if (e.isDirectory()) {
					Files.createDirectories(target);
					continue;
				}
				Files.createDirectories(target.getParent());
				try (InputStream in = zip.getInputStream(e)) {
					Files.copy(in, target); // not an output: unpacked into a temporary folder, deleted after loading
				}
			}
			return dir;
		}
		catch (final IOException | RuntimeException e) {
			delete(dir);
			throw new AmatException("The file " + zipPath + " is not a readable zip (" + e.getMessage() + "): copy or " +
				"download the model package again.", e);
		}
	}

	/** The sha256 of a file, as lowercase hex. */
	public static String sha256(final Path file) {
		try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
			final byte[] buf = new byte[1 << 16];
			while (in.read(buf) > 0) {
				// the digest stream sees every byte
			}
			final StringBuilder hex = new StringBuilder();
			for (final byte b : ((DigestInputStream) in).getMessageDigest().digest()) {
				hex.append(String.format(Locale.ROOT, "%02x", b));
			}
			return hex.toString();
		}
		catch (final IOException e) {
			throw new AmatException("Cannot read " + file + ": " + e.getMessage() + ".", e);
		}
		catch (final NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	/** A test tensor's file in the package (input or output), or null when the rdf names none. */
	public Path testTensor(final boolean input) {
		final String s = input ? rdf.testInput : rdf.testOutput;
		return s == null ? null : rdf.file(root, s, "test tensor");
	}

	/** Deletes the extracted copy of a zip; a folder is left as it is. */
	@Override
	public void close() {
		if (extracted) delete(root);
	}

	private static void delete(final Path dir) {
		try (Stream<Path> files = Files.walk(dir)) {
			files.sorted(Comparator.reverseOrder()).forEach(p -> {
				try {
					Files.deleteIfExists(p);
				}
				catch (final IOException ignored) {
					// best effort: a temporary folder
				}
			});
		}
		catch (final IOException ignored) {
			// best effort: a temporary folder
		}
	}
}
