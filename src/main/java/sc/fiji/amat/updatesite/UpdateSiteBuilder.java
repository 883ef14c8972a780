package sc.fiji.amat.updatesite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

import javax.xml.parsers.SAXParserFactory;

import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.helpers.DefaultHandler;

import sc.fiji.amat.AtomicFiles;
import sc.fiji.amat.updatesite.SiteIndex.Dependency;
import sc.fiji.amat.updatesite.SiteIndex.FileRecord;
import sc.fiji.amat.updatesite.SiteIndex.Previous;
import sc.fiji.amat.updatesite.SiteIndex.Version;

/**
 * Builds (or brings up to date) the folder a Fiji update site serves: every file stored as
 * {@code <path>-<yyyyMMddHHmmss>} beside the {@code db.xml.gz} index. Sites are cumulative: when
 * the folder already holds a site, a file whose checksum is unchanged keeps its version, a changed
 * file gets a new version and its old one stays (blob and {@code previous-version} entry), and a
 * file no longer given is marked obsolete (its versions stay).
 *
 * <p>Timestamps of new versions: the {@code timestamp} given (e.g. a release's time, for a
 * reproducible site), else the newest entry time written in the jar (zip times are local times,
 * as the updater's timestamps are), never earlier than one second after the file's last version.
 *
 * <p>Command line (run by {@code mvn package}, see the pom):
 * {@code UpdateSiteBuilder --plugin target/AMAT_-X.jar --jars CLASSPATH-FILE-OR-FOLDER
 * --site update-site [--cuda-site update-site-cuda] [--onnx-site update-site-onnx] [--timestamp yyyyMMddHHmmss]}; and
 * {@code UpdateSiteBuilder --unpack SITE-DIR FIJI-DIR} ({@link #unpack}).
 */
public final class UpdateSiteBuilder {

	static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT);
	private static final Pattern TIMESTAMP_PATTERN = Pattern.compile("\\d{14}");

	/** What one build did. */
	public static final class Result {

		public SiteIndex index;
		public final List<String> added = new ArrayList<>();
		public final List<String> unchanged = new ArrayList<>();
		public final List<String> obsoleted = new ArrayList<>();

		@Override
		public String toString() {
			return added.size() + " new version(s), " + unchanged.size() + " unchanged, " + obsoleted.size() +
				" obsoleted";
		}
	}

	private final Path site;
	private Long timestamp;

	public UpdateSiteBuilder(final Path siteFolder) {
		this.site = siteFolder;
	}

	/** The timestamp of every new version (yyyyMMddHHmmss), or null to derive it from each jar. */
	public UpdateSiteBuilder timestamp(final Long yyyyMMddHHmmss) {
		if (yyyyMMddHHmmss != null) parseTimestamp(yyyyMMddHHmmss);
		this.timestamp = yyyyMMddHHmmss;
		return this;
	}

	/**
	 * Makes the site serve exactly {@code files} (path in Fiji -> file): new versions for new or
	 * changed files, obsolete records for files no longer given. Files under {@code plugins/}
	 * depend on every other current file of the site.
	 */
	public Result build(final Map<String, Path> files) throws IOException {
		Files.createDirectories(site);
		final Path db = site.resolve(DbXmlWriter.DB_XML_GZ);
		final Result result = new Result();
		final SiteIndex index = Files.exists(db) ? DbXmlReader.read(db) : new SiteIndex();
		result.index = index;
		final Map<String, FileRecord> given = new LinkedHashMap<>();
		for (final Map.Entry<String, Path> e : files.entrySet()) {
			final String path = e.getKey();
			final Path source = e.getValue();
			final String checksum = Checksums.checksum(path, source);
			FileRecord record = index.get(path);
			if (record != null && record.current != null && record.current.checksum.equals(checksum)) {
				result.unchanged.add(path);
				// a blob lost from the folder is put back: same checksum, same version
				final Path blob = site.resolve(record.blobPath());
				if (!Files.exists(blob)) copy(source, blob);
			}
			else {
				final long ts = newTimestamp(record, source);
				final Version version = new Version(ts, checksum, Files.size(source));
				describe(version, source);
				if (record == null) record = new FileRecord(path);
				else if (record.current != null) record.previous.add(new Previous(record.current.timestamp, ts,
					record.current.checksum, record.filename));
				record.filename = path;
				record.current = version;
				copy(source, site.resolve(record.blobPath()));
				result.added.add(path);
			}
			record.platforms.clear();
			final String platform = SiteLayout.platform(source);
			if (platform != null && path.startsWith("jars/" + platform + "/")) record.platforms.add(platform);
			index.put(record);
			given.put(SiteIndex.unversioned(path), record);
		}
		for (final FileRecord record : index.records()) {
			if (record.current == null || given.containsKey(SiteIndex.unversioned(record.filename))) continue;
			final long obsolete = timestamp != null ? timestamp : now();
			record.previous.add(new Previous(record.current.timestamp, obsolete, record.current.checksum,
				record.filename));
			record.current = null;
			result.obsoleted.add(record.filename);
		}
		for (final FileRecord record : given.values()) {
			if (!record.filename.startsWith("plugins/")) continue;
			record.current.dependencies.clear();
			for (final FileRecord other : given.values())
				if (other != record) record.current.dependencies.add(new Dependency(SiteIndex.unversioned(
					other.filename), other.current.timestamp, false));
		}
		DbXmlWriter.write(index, db);
		return result;
	}

	/**
	 * Checks a site folder as a client would see it: every version the index lists (current and
	 * previous) has its blob; every current blob has the listed size and checksum.
	 *
	 * @return the problems found, none when the site is sound
	 */
	public static List<String> verify(final Path site) throws IOException {
		final List<String> problems = new ArrayList<>();
		final SiteIndex index = DbXmlReader.read(site.resolve(DbXmlWriter.DB_XML_GZ), true);
		for (final FileRecord r : index.records()) {
			if (r.current != null) {
				final Path blob = site.resolve(r.blobPath());
				if (!Files.isRegularFile(blob)) problems.add("missing " + r.blobPath());
				else {
					if (Files.size(blob) != r.current.filesize) problems.add("size of " + r.blobPath() + " is " + Files
						.size(blob) + ", index says " + r.current.filesize);
					final String sum = Checksums.checksum(r.filename, blob);
					if (!sum.equals(r.current.checksum)) problems.add("checksum of " + r.blobPath() + " is " + sum +
						", index says " + r.current.checksum);
				}
			}
			for (final Previous p : r.previous)
				if (!Files.isRegularFile(site.resolve(p.blobPath(r)))) problems.add("missing previous version " + p
					.blobPath(r));
		}
		return problems;
	}

	/**
	 * Copies the current version of every file of a site into a Fiji installation, under its plain
	 * name ({@code plugins/AMAT_-0.1.0.jar}): how a maintainer prepares a Fiji to publish the site
	 * with Fiji's own updater. Refuses when the installation holds another version of one of them.
	 *
	 * @return the paths written, relative to the installation
	 */
	public static List<String> unpack(final Path site, final Path fiji) throws IOException {
		final SiteIndex index = DbXmlReader.read(site.resolve(DbXmlWriter.DB_XML_GZ));
		for (final FileRecord r : index.records()) {
			if (r.current == null) continue;
			final Path target = fiji.resolve(r.filename);
			if (!Files.isDirectory(target.getParent())) continue;
			try (java.util.stream.Stream<Path> s = Files.list(target.getParent())) {
				final List<Path> others = new ArrayList<>();
				s.filter(p -> !p.equals(target) && SiteIndex.unversioned(p.getFileName().toString()).equals(SiteIndex
					.unversioned(target.getFileName().toString()))).forEach(others::add);
				if (!others.isEmpty()) throw new IOException("remove the other version(s) first: " + others);
			}
		}
		final List<String> written = new ArrayList<>();
		for (final FileRecord r : index.records()) {
			if (r.current == null) continue;
			copy(site.resolve(r.blobPath()), fiji.resolve(r.filename));
			written.add(r.filename);
		}
		return written;
	}

	private long newTimestamp(final FileRecord record, final Path source) throws IOException {
		long ts = timestamp != null ? timestamp : contentTimestamp(source);
		long last = 0;
		if (record != null) {
			if (record.current != null) last = record.current.timestamp;
			for (final Previous p : record.previous)
				last = Math.max(last, p.timestamp);
		}
		if (ts <= last) ts = format(parseTimestamp(last).plusSeconds(1));
		return ts;
	}

	/** The newest entry time written in a jar (its local date and time), or the file's time when it has none. */
	static long contentTimestamp(final Path jar) throws IOException {
		LocalDateTime newest = null;
		if (jar.getFileName().toString().endsWith(".jar")) {
			try (JarFile jarFile = new JarFile(jar.toFile(), false)) {
				for (final Enumeration<JarEntry> e = jarFile.entries(); e.hasMoreElements();) {
					final LocalDateTime t = e.nextElement().getTimeLocal();
					if (t != null && (newest == null || t.isAfter(newest))) newest = t;
				}
			}
		}
		if (newest == null) newest = LocalDateTime.ofInstant(Files.getLastModifiedTime(jar).toInstant(),
			java.time.ZoneId.systemDefault());
		return format(newest);
	}

	static long format(final LocalDateTime t) {
		return Long.parseLong(TIMESTAMP.format(t));
	}

	static LocalDateTime parseTimestamp(final long yyyyMMddHHmmss) {
		final String s = Long.toString(yyyyMMddHHmmss);
		if (!TIMESTAMP_PATTERN.matcher(s).matches()) throw new IllegalArgumentException(
			"a timestamp is 14 digits, yyyyMMddHHmmss: " + s);
		return LocalDateTime.parse(s, TIMESTAMP);
	}

	private static long now() {
		return format(LocalDateTime.now());
	}

	/** Description and authors from the jar's own pom.xml, as Fiji's updater takes them when uploading. */
	private static void describe(final Version version, final Path jar) {
		if (!jar.getFileName().toString().endsWith(".jar")) return;
		try (JarFile jarFile = new JarFile(jar.toFile(), false)) {
			for (final Enumeration<JarEntry> e = jarFile.entries(); e.hasMoreElements();) {
				final JarEntry entry = e.nextElement();
				if (!entry.getName().matches("META-INF/maven/[^/]+/[^/]+/pom\\.xml")) continue;
				try (InputStream in = jarFile.getInputStream(entry)) {
					readPom(version, in);
				}
				return;
			}
		}
		catch (final Exception e) {
			// a pom we cannot read gives no description; the file itself is fine
		}
	}

	private static void readPom(final Version version, final InputStream in) throws Exception {
		final SAXParserFactory factory = SAXParserFactory.newInstance();
		factory.setNamespaceAware(true);
		factory.newSAXParser().parse(new InputSource(in), new DefaultHandler() {

			private final StringBuilder path = new StringBuilder();
			private final StringBuilder text = new StringBuilder();

			@Override
			public void startElement(final String uri, final String localName, final String qName,
				final Attributes atts)
			{
				path.append('>').append(localName);
				text.setLength(0);
			}

			@Override
			public void characters(final char[] ch, final int start, final int length) {
				text.append(ch, start, length);
			}

			@Override
			public void endElement(final String uri, final String localName, final String qName) {
				final String value = text.toString().trim().replaceAll("\\s+", " ");
				final String p = path.toString();
				if (p.equals(">project>description") && !value.isEmpty()) version.description = value;
				else if (p.equals(">project>developers>developer>name") && !value.isEmpty()) version.authors.add(value);
				path.setLength(path.length() - localName.length() - 1);
				text.setLength(0);
			}
		});
	}

	private static void copy(final Path source, final Path target) throws IOException {
		AtomicFiles.copy(source, target, "the update site file");
	}

	/** Reads a list of jars: a folder's jars, or a class path file (as written by dependency:build-classpath). */
	static List<Path> jars(final Path folderOrClassPathFile) throws IOException {
		final List<Path> jars = new ArrayList<>();
		if (Files.isDirectory(folderOrClassPathFile)) {
			try (java.util.stream.Stream<Path> s = Files.list(folderOrClassPathFile)) {
				s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(jars::add);
			}
		}
		else {
			final String text = new String(Files.readAllBytes(folderOrClassPathFile), StandardCharsets.UTF_8);
			for (final String item : text.split("[" + Pattern.quote(java.io.File.pathSeparator) + "\\r\\n]+"))
				if (!item.trim().isEmpty()) jars.add(Paths.get(item.trim()));
		}
		return jars;
	}

	public static void main(final String... args) throws IOException {
		if (args.length == 3 && args[0].equals("--unpack")) {
			for (final String path : unpack(Paths.get(args[1]), Paths.get(args[2])))
				System.out.println("installed " + path);
			return;
		}
		Path plugin = null, siteFolder = Paths.get("update-site"), cudaFolder = null, onnxFolder = null;
		Long ts = null;
		final List<Path> dependencies = new ArrayList<>();
		for (int i = 0; i < args.length; i++) {
			// an empty Maven property arrives as "", as null or not at all
			final String value = i + 1 >= args.length ? null : args[i + 1] == null ? "" : args[i + 1].trim();
			switch (args[i]) {
				case "--plugin": plugin = Paths.get(value); i++; break;
				case "--jars": dependencies.addAll(jars(Paths.get(value))); i++; break;
				case "--site": siteFolder = Paths.get(value); i++; break;
				case "--cuda-site":
					if (value != null && !value.startsWith("--")) {
						i++;
						if (!value.isEmpty()) cudaFolder = Paths.get(value);
					}
					break;
				case "--onnx-site":
					if (value != null && !value.startsWith("--")) {
						i++;
						if (!value.isEmpty()) onnxFolder = Paths.get(value);
					}
					break;
				case "--timestamp":
					if (value != null && !value.startsWith("--")) {
						i++;
						if (!value.isEmpty()) ts = Long.valueOf(value);
					}
					break;
				default:
					throw new IllegalArgumentException("usage: UpdateSiteBuilder --plugin JAR --jars FOLDER-OR-CLASSPATH-FILE " +
						"[--site DIR] [--cuda-site DIR] [--onnx-site DIR] [--timestamp yyyyMMddHHmmss], or --unpack SITE-DIR FIJI-DIR; unknown: " +
						args[i]);
			}
		}
		if (plugin == null || !Files.isRegularFile(plugin)) throw new IllegalArgumentException(
			"--plugin must name the built plugin jar: " + plugin);
		final SiteLayout.Plan plan = SiteLayout.plan(plugin, dependencies);
		report(siteFolder, new UpdateSiteBuilder(siteFolder).timestamp(ts).build(plan.main));
		System.out.println("  left out, shipped by Fiji: " + names(plan.shippedByFiji));
		if (!plan.neverShipped.isEmpty()) System.out.println("  left out, never shipped: " + names(plan.neverShipped));
		if (!plan.cuda.isEmpty()) {
			if (cudaFolder == null) throw new IllegalArgumentException("CUDA natives given but no --cuda-site folder");
			report(cudaFolder, new UpdateSiteBuilder(cudaFolder).timestamp(ts).build(plan.cuda));
		}
		if (!plan.onnx.isEmpty()) {
			if (onnxFolder == null) throw new IllegalArgumentException("ONNX Runtime given but no --onnx-site folder");
			report(onnxFolder, new UpdateSiteBuilder(onnxFolder).timestamp(ts).build(plan.onnx));
		}
	}

	private static void report(final Path folder, final Result result) throws IOException {
		final List<String> problems = verify(folder);
		if (!problems.isEmpty()) throw new IOException("the update site in " + folder + " is broken: " + problems);
		long bytes = 0;
		for (final FileRecord r : result.index.records())
			if (r.current != null) bytes += r.current.filesize;
		System.out.printf(Locale.ROOT, "update site %s: %s; %d current file(s), %.1f MB%n", folder, result, result.index
			.records().stream().filter(r -> r.current != null).count(), bytes / 1e6);
		for (final String added : result.added)
			System.out.println("  new: " + added + "-" + result.index.get(added).current.timestamp);
	}

	private static String names(final List<Path> jars) {
		final StringBuilder s = new StringBuilder();
		for (final Path jar : jars)
			s.append(s.length() > 0 ? ", " : "").append(jar.getFileName());
		return s.toString();
	}
}
