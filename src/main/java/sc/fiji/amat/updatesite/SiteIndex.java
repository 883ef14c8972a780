package sc.fiji.amat.updatesite;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.scijava.util.FileUtils;

/**
 * What a Fiji update site's {@code db.xml.gz} says: one record per file, keyed, as the updater
 * keys them, by the file name without its version ({@code jars/imglib2-8.0.1.jar} is
 * {@code jars/imglib2.jar}; a classifier scijava-common knows stays: {@code jars/linux64/x-1.0-linux-x86_64.jar}
 * is {@code jars/linux64/x-linux-x86_64.jar}, but {@code x-1.0-osx-aarch64.jar} is {@code x.jar} and
 * {@code x-1.0-win-x86_64.jar} keeps its version).
 */
public final class SiteIndex {

	/** Records by unversioned name, in name order. */
	private final Map<String, FileRecord> records = new TreeMap<>();

	/** The updater's identity of a file: its path with the version taken out of the name. */
	public static String unversioned(final String filename) {
		return FileUtils.stripFilenameVersion(filename);
	}

	public Collection<FileRecord> records() {
		return Collections.unmodifiableCollection(records.values());
	}

	/** The record of a file, looked up by any of its versioned or unversioned names, or null. */
	public FileRecord get(final String filename) {
		return records.get(unversioned(filename));
	}

	public void put(final FileRecord record) {
		records.put(unversioned(record.filename), record);
	}

	/** One file of the site, with its current version (none when the file is obsolete) and its history. */
	public static final class FileRecord {

		/** The path in a Fiji installation, with the version: {@code jars/api-0.33.0.jar}. */
		public String filename;
		public boolean executable;
		public final List<String> platforms = new ArrayList<>();
		public final List<String> categories = new ArrayList<>();
		/** Null for an obsolete file (removed from the site; its versions stay as previous versions). */
		public Version current;
		public final List<Previous> previous = new ArrayList<>();

		public FileRecord(final String filename) {
			this.filename = Objects.requireNonNull(filename);
		}

		/** Where the current version lies on the site: {@code filename-timestamp}. */
		public String blobPath() {
			return blobPath(filename, current.timestamp);
		}

		public static String blobPath(final String filename, final long timestamp) {
			return filename + "-" + timestamp;
		}

		@Override
		public String toString() {
			return filename + (current == null ? " (obsolete)" : " " + current.timestamp + " " + current.checksum);
		}
	}

	/** The current version of a file. */
	public static final class Version {

		/** yyyyMMddHHmmss, as a number, the way the updater stores it. */
		public final long timestamp;
		public final String checksum;
		public final long filesize;
		public String description;
		public final List<Dependency> dependencies = new ArrayList<>();
		public final List<String> links = new ArrayList<>();
		public final List<String> authors = new ArrayList<>();

		public Version(final long timestamp, final String checksum, final long filesize) {
			this.timestamp = timestamp;
			this.checksum = Objects.requireNonNull(checksum);
			this.filesize = filesize;
		}
	}

	/** A file this file needs, by unversioned name, with that file's timestamp when recorded. */
	public static final class Dependency {

		public final String filename;
		public final long timestamp;
		public final boolean overrides;

		public Dependency(final String filename, final long timestamp, final boolean overrides) {
			this.filename = Objects.requireNonNull(filename);
			this.timestamp = timestamp;
			this.overrides = overrides;
		}
	}

	/** An earlier version, whose blob stays on the site as {@code filename-timestamp}. */
	public static final class Previous {

		public final long timestamp;
		/** When this version stopped being the current one (0: not recorded). */
		public final long timestampObsolete;
		public final String checksum;
		/** The file's name at that version (null: the record's own name). */
		public final String filename;

		public Previous(final long timestamp, final long timestampObsolete, final String checksum,
			final String filename)
		{
			this.timestamp = timestamp;
			this.timestampObsolete = timestampObsolete;
			this.checksum = Objects.requireNonNull(checksum);
			this.filename = filename;
		}

		/** Where this version lies on the site, given the record it belongs to. */
		public String blobPath(final FileRecord owner) {
			return FileRecord.blobPath(filename != null ? filename : owner.filename, timestamp);
		}
	}
}
