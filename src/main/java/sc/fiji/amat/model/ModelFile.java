package sc.fiji.amat.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.AtomicFiles;

/**
 * The model file: one zip with {@code model.json} ({@link ModelInfo}), {@code weights.params}
 * (DJL's parameter format) and optional further entries (a checkpoint's optimizer and training
 * state). Written atomically: a temporary file beside the target, then a rename, so a crash or
 * a full disk never leaves a half-written model under the target's name.
 */
public final class ModelFile {

	public static final String INFO = "model.json";
	public static final String WEIGHTS = "weights.params";

	static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

	private final ModelInfo info;
	private final Map<String, byte[]> entries;

	public ModelFile(final ModelInfo info, final Map<String, byte[]> entries) {
		this.info = info;
		this.entries = new LinkedHashMap<>(entries);
	}

	public ModelInfo info() {
		return info;
	}

	public byte[] entry(final String name) {
		return entries.get(name);
	}

	public boolean has(final String name) {
		return entries.containsKey(name);
	}

	public static String toJson(final Object o) {
		return GSON.toJson(o);
	}

	public static <T> T fromJson(final String json, final Class<T> type) {
		return GSON.fromJson(json, type);
	}

	/** Writes the file atomically (see {@link AtomicFiles}). */
	public void write(final Path target) {
		AtomicFiles.write(target, "the model file", out -> {
			try (ZipOutputStream zip = new ZipOutputStream(out)) {
				put(zip, INFO, toJson(info).getBytes(StandardCharsets.UTF_8));
				for (final Map.Entry<String, byte[]> e : entries.entrySet()) put(zip, e.getKey(), e.getValue());
			}
		});
	}

	private static void put(final ZipOutputStream zip, final String name, final byte[] data) throws IOException {
		final ZipEntry e = new ZipEntry(name);
		e.setTime(0); // identical content gives identical files
		zip.putNextEntry(e);
		zip.write(data);
		zip.closeEntry();
	}

	/** Reads a model file; every way it can be wrong becomes one clear sentence. */
	public static ModelFile read(final Path path) {
		final Map<String, byte[]> entries = new LinkedHashMap<>();
		try (InputStream in = Files.newInputStream(path); ZipInputStream zip = new ZipInputStream(in)) {
			ZipEntry e;
			while ((e = zip.getNextEntry()) != null) {
				entries.put(e.getName(), readAll(zip));
			}
		}
		catch (final NoSuchFileException e) {
			throw new AmatException("The model file " + path + " does not exist.", e);
		}
		catch (final ZipException | java.io.EOFException e) {
			throw new AmatException("The model file " + path + " is damaged or truncated (not a complete zip): " +
				"train or copy it again.", e);
		}
		catch (final IOException e) {
			throw new AmatException("Cannot read the model file " + path + ": " + e.getMessage() + ".", e);
		}
		final byte[] json = entries.remove(INFO);
		if (json == null && !entries.containsKey(WEIGHTS)) {
			throw new AmatException("The file " + path + " is not an AMAT model file nor a bioimage.io model package " +
				"(or it is truncated): it has no " + INFO + " nor rdf.yaml at its root.");
		}
		if (json == null || !entries.containsKey(WEIGHTS)) {
			throw new AmatException("The file " + path + " is not an AMAT model file (or it is truncated): it lacks " +
				(json == null ? INFO : WEIGHTS) + ".");
		}
		final ModelInfo info;
		try {
			info = fromJson(new String(json, StandardCharsets.UTF_8), ModelInfo.class);
		}
		catch (final JsonParseException e) {
			throw new AmatException("The model file " + path + " has an unreadable " + INFO + ": " + e.getMessage(), e);
		}
		if (info == null || info.task == null) {
			throw new AmatException("The model file " + path + " does not say which task its model is for.");
		}
		if (info.formatVersion > ModelInfo.FORMAT_VERSION) {
			throw new AmatException("The model file " + path + " has format " + info.formatVersion + " (written by AMAT " +
				info.libraryVersion + "); this AMAT reads formats up to " + ModelInfo.FORMAT_VERSION +
				": update AMAT to use it.");
		}
		return new ModelFile(info, entries);
	}

	private static byte[] readAll(final InputStream in) throws IOException {
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		final byte[] buf = new byte[1 << 16];
		int n;
		while ((n = in.read(buf)) > 0) out.write(buf, 0, n);
		return out.toByteArray();
	}
}
