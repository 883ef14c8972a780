package sc.fiji.amat;

import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The one way AMAT writes a file (model, checkpoint, report, CSV, PNG, sample data, update site):
 * into a hidden temporary file in the target's folder, then an atomic rename onto the target. A
 * crash, a kill or a full disk leaves either the earlier file or the new one under the target's
 * name, never half of one; on an error the temporary file is deleted and the error is one
 * sentence naming the file.
 * <p>
 * Two test seams, read on every write (system properties, off unless set): {@value #DISK_FULL_AFTER}
 * = N makes every stream written here fail with "No space left on device" after N bytes (a full
 * disk, simulated); {@value #PAUSE_WRITING} = SUFFIX pauses for {@value #PAUSE_MILLIS} ms (default
 * 5000) after the first 1 KiB written to a file whose name ends with SUFFIX, after printing
 * {@code "amat: writing NAME"} to standard error, so that a test can kill the process inside the
 * write.
 */
public final class AtomicFiles {

	public static final String DISK_FULL_AFTER = "amat.test.diskFullAfter";
	public static final String PAUSE_WRITING = "amat.test.pauseWriting";
	public static final String PAUSE_MILLIS = "amat.test.pauseMillis";
	/** The message a full disk gives on Linux, and what the simulation throws. */
	public static final String NO_SPACE = "No space left on device";

	/** Writes the content to a stream. */
	@FunctionalInterface
	public interface StreamBody {

		void write(OutputStream out) throws IOException;
	}

	/** Writes the content as text. */
	@FunctionalInterface
	public interface TextBody {

		void write(Writer out) throws IOException;
	}

	/** Writes the content to the (temporary) file it is given, e.g. through ImageJ's FileSaver. */
	@FunctionalInterface
	public interface FileBody {

		void write(Path file) throws IOException;
	}

	private AtomicFiles() {}

	/**
	 * Writes a file atomically; {@code what} names it in an error ("the model file", "the report
	 * table"). Creates the folder when missing.
	 */
	public static void write(final Path target, final String what, final StreamBody body) {
		writeFile(target, what, tmp -> {
			try (OutputStream out = simulated(tmp, Files.newOutputStream(tmp))) {
				body.write(out);
			}
		});
	}

	/** Writes bytes atomically. */
	public static void write(final Path target, final String what, final byte[] data) {
		write(target, what, out -> out.write(data));
	}

	/** Writes UTF-8 text atomically. */
	public static void writeText(final Path target, final String what, final String text) {
		write(target, what, text.getBytes(StandardCharsets.UTF_8));
	}

	/** Writes UTF-8 text atomically through a writer. */
	public static void writeText(final Path target, final String what, final TextBody body) {
		write(target, what, out -> {
			final Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
			body.write(w);
			w.flush();
		});
	}

	/** Writes a file atomically through a writer that takes a path (ImageJ's FileSaver, a copy). */
	public static void writeFile(final Path target, final String what, final FileBody body) {
		final Path abs = target.toAbsolutePath();
		final Path dir = abs.getParent();
		try {
			if (dir != null) Files.createDirectories(dir);
		}
		catch (final IOException e) {
			throw new AmatException("Cannot create the folder " + dir + " for " + what + " " + abs.getFileName() + ": " +
				reason(e) + ".", e);
		}
		Path tmp = null;
		try {
			tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
			body.write(tmp);
			checkSimulatedSize(tmp);
			move(tmp, abs);
			tmp = null;
		}
		catch (final IOException e) {
			throw new AmatException("Cannot write " + what + " " + abs + ": " + reason(e) + ".", e);
		}
		finally {
			if (tmp != null) deleteQuietly(tmp);
		}
	}

	/** Copies a file atomically. */
	public static void copy(final Path source, final Path target, final String what) {
		writeFile(target, what, tmp -> Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING));
	}

	/**
	 * Renames a file or folder onto the target (replacing a file there), atomically where the file
	 * system can.
	 */
	public static void move(final Path from, final Path to) throws IOException {
		try {
			Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (final AtomicMoveNotSupportedException e) {
			Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
		}
	}

	/**
	 * Refuses, before any work is done, a folder AMAT could not write into: a file, or a folder (or,
	 * when it does not exist yet, its nearest existing parent, since writes create missing folders)
	 * that is not writable. Creates nothing. {@code what} starts the sentence ("The output folder").
	 */
	public static void checkFolder(final Path folder, final String what) {
		if (Files.exists(folder) && !Files.isDirectory(folder)) throw new AmatException(what + " " + folder +
			" is a file, not a folder.");
		final String why = whyNotWritable(folder);
		if (why != null) throw new AmatException(what + " " + folder + " cannot be written (" + why + ").");
	}

	/**
	 * Why nothing can be written into this folder (or, when it does not exist yet, into its nearest
	 * existing parent, since writes create missing folders), in words; null when it can.
	 */
	public static String whyNotWritable(final Path folder) {
		Path p = folder.toAbsolutePath();
		while (p != null && !Files.exists(p)) p = p.getParent();
		if (p == null) return "no existing parent";
		if (!Files.isDirectory(p)) return p + " is a file";
		return Files.isWritable(p) ? null : p + " is not writable";
	}

	/**
	 * Refuses, before any work is done, a file AMAT could not write: a folder, a read-only file, or a
	 * file whose folder does not exist (a file's folder is not created: a mistyped folder is more
	 * likely than a wanted new one), is a file or is not writable. Creates nothing. {@code what}
	 * starts the sentence ("The model file").
	 */
	public static void checkFile(final Path file, final String what) {
		final Path abs = file.toAbsolutePath();
		if (Files.isDirectory(abs)) throw new AmatException(what + " " + file + " is a folder.");
		final Path dir = abs.getParent();
		final String why = dir == null ? "it has no folder" : !Files.exists(dir) ? "its folder " + dir +
			" does not exist" : !Files.isDirectory(dir) ? dir + " is a file" : !Files.isWritable(dir) ? "its folder " + dir +
				" is not writable" : Files.exists(abs) && !Files.isWritable(abs) ? "it is read-only" : null;
		if (why != null) throw new AmatException(what + " " + file + " cannot be written (" + why + ").");
	}

	/** Why a write failed, in words: a full disk and a folder without write permission by name. */
	public static String reason(final IOException e) {
		final String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
		if (m.contains(NO_SPACE) || m.contains("Disk quota exceeded")) return "the disk is full (" + NO_SPACE + ")";
		if (e instanceof AccessDeniedException) {
			final String file = ((FileSystemException) e).getFile();
			return "permission denied" + (file == null ? "" : " on " + file) + " (the folder is not writable)";
		}
		if (e instanceof NoSuchFileException) return "no such file or folder " + m;
		if (e instanceof java.nio.file.FileAlreadyExistsException || e instanceof java.nio.file.NotDirectoryException) {
			return m + " is a file, not a folder";
		}
		return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
	}

	private static void deleteQuietly(final Path p) {
		try {
			Files.deleteIfExists(p);
		}
		catch (final IOException ignored) {
			// best effort: the temporary file is hidden and named as such
		}
	}

	// ---- test seams

	private static long diskFullAfter() {
		final String v = System.getProperty(DISK_FULL_AFTER);
		return v == null || v.isEmpty() ? -1 : Long.parseLong(v.trim());
	}

	private static void checkSimulatedSize(final Path tmp) throws IOException {
		final long limit = diskFullAfter();
		if (limit >= 0 && Files.size(tmp) > limit) throw new IOException(tmp + ": " + NO_SPACE);
	}

	private static OutputStream simulated(final Path tmp, final OutputStream out) {
		final long limit = diskFullAfter();
		final String pause = System.getProperty(PAUSE_WRITING);
		final String name = tmp.getFileName().toString();
		final boolean pausing = pause != null && !pause.isEmpty() && name.substring(0, name.length() - ".tmp".length())
			.replaceAll("\\d+$", "").endsWith(pause);
		if (limit < 0 && !pausing) return out;
		return new FilterOutputStream(out) {

			private long written;
			private boolean paused = !pausing;

			@Override
			public void write(final int b) throws IOException {
				count(1);
				out.write(b);
			}

			@Override
			public void write(final byte[] b, final int off, final int len) throws IOException {
				count(len);
				out.write(b, off, len);
			}

			private void count(final int n) throws IOException {
				if (limit >= 0 && written + n > limit) throw new IOException(tmp + ": " + NO_SPACE);
				written += n;
				if (!paused && written >= 1024) {
					paused = true;
					out.flush();
					System.err.println("amat: writing " + name);
					System.err.flush();
					try {
						Thread.sleep(Long.getLong(PAUSE_MILLIS, 5000));
					}
					catch (final InterruptedException e) {
						Thread.currentThread().interrupt();
					}
				}
			}
		};
	}
}
