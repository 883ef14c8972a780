package sc.fiji.amat.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.AtomicFiles;

/**
 * What every stage that writes files shares: the names of a report's files, the time stamp
 * written into reports and parts, SHA-256 digests, and the removal of temporary folders. Uses no
 * other class of the report.
 */
final class ReportFiles {

	static final String HTML = "report.html", CSV = "report.csv", SCORES = "scores.csv", CHECKS = "checks.csv",
			MARKER = ".amat-report";

	private ReportFiles() {}

	/** The time stamp of a report or part, to the minute. */
	static String now() {
		return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
	}

	/** A new SHA-256 digest. */
	static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (final NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	/** The SHA-256 of a file's bytes, in hex. */
	static String sha256(final Path file) {
		try (InputStream in = Files.newInputStream(file)) {
			final MessageDigest d = sha256();
			final byte[] buffer = new byte[1 << 16];
			for (int r; (r = in.read(buffer)) > 0;) d.update(buffer, 0, r);
			return hex(d.digest());
		}
		catch (final IOException e) {
			throw new AmatException("Cannot read the model file " + file + ": " + e.getMessage(), e);
		}
	}

	static String hex(final byte[] bytes) {
		final StringBuilder b = new StringBuilder();
		for (final byte x : bytes) b.append(String.format(Locale.ROOT, "%02x", x & 0xff));
		return b.toString();
	}

	/**
	 * Refuses, before any work is done, a folder a report (or a report part) could not be written
	 * into: the root, a file, a folder that holds anything but an earlier one (it has
	 * {@code marker}), or one whose parent cannot be written (the new folder is made beside it and
	 * renamed onto it). Creates nothing.
	 *
	 * @param what "report folder", "part folder"
	 * @param kind what an earlier one is called in the message: "an AMAT report", "a report part"
	 */
	static void checkTarget(final Path dir, final String what, final String marker, final String kind) {
		final Path target = dir.toAbsolutePath().normalize();
		final Path parent = target.getParent();
		if (parent == null) throw new AmatException("Cannot write a " + what + " into the root folder " + target + ".");
		if (Files.exists(target)) {
			if (!Files.isDirectory(target)) throw new AmatException("The " + what + " " + target +
				" exists and is a file: choose a folder name.");
			if (!Files.exists(target.resolve(marker))) {
				try (Stream<Path> s = Files.list(target)) {
					if (s.findAny().isPresent()) throw new AmatException("The folder " + target + " exists and is not " + kind +
						": choose a new or empty folder.");
				}
				catch (final IOException e) {
					throw new AmatException("Cannot read the folder " + target + ": " + AtomicFiles.reason(e) + ".", e);
				}
			}
		}
		final String why = AtomicFiles.whyNotWritable(parent);
		if (why != null) throw new AmatException("The " + what + " " + target + " cannot be written (" + why + ").");
	}

	/** Deletes a folder and everything in it, as far as it can. */
	static void deleteTree(final Path root) {
		if (!Files.exists(root)) return;
		try (Stream<Path> s = Files.walk(root)) {
			final List<Path> all = new ArrayList<>();
			s.forEach(all::add);
			all.sort(Comparator.reverseOrder());
			for (final Path p : all) Files.deleteIfExists(p);
		}
		catch (final IOException e) {
			// best effort: the folder is hidden and named as temporary
		}
	}
}
