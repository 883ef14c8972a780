package sc.fiji.amat.updatesite;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import sc.fiji.amat.AtomicFiles;
import sc.fiji.amat.updatesite.SiteIndex.Dependency;
import sc.fiji.amat.updatesite.SiteIndex.FileRecord;
import sc.fiji.amat.updatesite.SiteIndex.Previous;
import sc.fiji.amat.updatesite.SiteIndex.Version;

/**
 * Writes {@code db.xml.gz}: gzipped UTF-8 XML whose root {@code pluginRecords} holds one
 * {@code plugin} element per file, preceded by the internal DTD that Fiji's updater writes and
 * validates its uploads against (so the same grammar holds here). Per file, in the DTD's order:
 * {@code platform}*, {@code category}*, {@code version} (absent for an obsolete file: attributes
 * {@code timestamp checksum filesize}, holding {@code description}?, {@code dependency}*
 * ({@code filename timestamp [overrides]}), {@code link}*, {@code author}*), then
 * {@code previous-version}* ({@code timestamp timestamp-obsolete checksum filename}). The
 * output depends only on the index (records in name order, gzip header without a time), so the
 * same site gives the same bytes.
 */
public final class DbXmlWriter {

	/** The file name Fiji's updater downloads from a site's URL. */
	public static final String DB_XML_GZ = "db.xml.gz";

	/** The grammar of db.xml.gz, as declared by the updater in the files it writes. */
	static final String DTD = String.join("\n",
		"<!DOCTYPE pluginRecords [",
		"<!ELEMENT pluginRecords ((update-site | disabled-update-site)*, plugin*)>",
		"<!ELEMENT update-site EMPTY>",
		"<!ELEMENT disabled-update-site EMPTY>",
		"<!ELEMENT plugin (platform*, category*, version?, previous-version*)>",
		"<!ELEMENT version (description?, dependency*, link*, author*)>",
		"<!ELEMENT previous-version EMPTY>",
		"<!ELEMENT description (#PCDATA)>",
		"<!ELEMENT dependency EMPTY>",
		"<!ELEMENT link (#PCDATA)>",
		"<!ELEMENT author (#PCDATA)>",
		"<!ELEMENT platform (#PCDATA)>",
		"<!ELEMENT category (#PCDATA)>",
		siteAttributes("update-site"),
		siteAttributes("disabled-update-site"),
		"<!ATTLIST plugin update-site CDATA #IMPLIED>",
		"<!ATTLIST plugin filename CDATA #REQUIRED>",
		"<!ATTLIST plugin executable CDATA #IMPLIED>",
		"<!ATTLIST dependency filename CDATA #REQUIRED>",
		"<!ATTLIST dependency timestamp CDATA #IMPLIED>",
		"<!ATTLIST dependency overrides CDATA #IMPLIED>",
		"<!ATTLIST version timestamp CDATA #REQUIRED>",
		"<!ATTLIST version checksum CDATA #REQUIRED>",
		"<!ATTLIST version filesize CDATA #REQUIRED>",
		"<!ATTLIST previous-version filename CDATA #IMPLIED>",
		"<!ATTLIST previous-version timestamp CDATA #REQUIRED>",
		"<!ATTLIST previous-version timestamp-obsolete CDATA #IMPLIED>",
		"<!ATTLIST previous-version checksum CDATA #REQUIRED>]>");

	private static String siteAttributes(final String element) {
		final StringBuilder s = new StringBuilder();
		final String[][] attributes = { { "name", "#REQUIRED" }, { "url", "#REQUIRED" },
			{ "keep-url", "#IMPLIED" }, { "official", "#IMPLIED" }, { "ssh-host", "#IMPLIED" },
			{ "upload-directory", "#IMPLIED" }, { "description", "#IMPLIED" },
			{ "maintainer", "#IMPLIED" }, { "timestamp", "#REQUIRED" } };
		for (final String[] a : attributes) {
			if (s.length() > 0) s.append('\n');
			s.append("<!ATTLIST ").append(element).append(' ').append(a[0]).append(" CDATA ").append(a[1])
				.append('>');
		}
		return s.toString();
	}

	private DbXmlWriter() {}

	/** Writes the index to {@code file} (gzipped), through a temporary file, so a reader never sees half of it. */
	public static void write(final SiteIndex index, final Path file) throws IOException {
		AtomicFiles.write(file, "the update site index", out -> {
			try (OutputStream gz = new GZIPOutputStream(out)) {
				writeXml(index, gz);
			}
		});
	}

	/** Writes the index as plain (not gzipped) XML. */
	public static void writeXml(final SiteIndex index, final OutputStream stream) throws IOException {
		final Writer out = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
		out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
		out.write(DTD);
		out.write("\n<pluginRecords>\n");
		for (final FileRecord record : index.records())
			writeRecord(record, out);
		out.write("</pluginRecords>\n");
		out.flush();
	}

	private static void writeRecord(final FileRecord r, final Writer out) throws IOException {
		out.write("    <plugin filename=\"" + attr(r.filename) + "\"" + (r.executable ? " executable=\"true\"" : "") +
			">\n");
		for (final String platform : r.platforms)
			element(out, 8, "platform", platform);
		for (final String category : r.categories)
			element(out, 8, "category", category);
		final Version v = r.current;
		if (v != null) {
			final boolean empty = v.description == null && v.dependencies.isEmpty() && v.links.isEmpty() && v.authors
				.isEmpty();
			out.write("        <version timestamp=\"" + v.timestamp + "\" checksum=\"" + attr(v.checksum) +
				"\" filesize=\"" + v.filesize + "\"" + (empty ? "/>\n" : ">\n"));
			if (v.description != null) element(out, 12, "description", v.description);
			for (final Dependency d : v.dependencies)
				out.write("            <dependency filename=\"" + attr(d.filename) + "\" timestamp=\"" + d.timestamp +
					"\"" + (d.overrides ? " overrides=\"true\"" : "") + "/>\n");
			for (final String link : v.links)
				element(out, 12, "link", link);
			for (final String author : v.authors)
				element(out, 12, "author", author);
			if (!empty) out.write("        </version>\n");
		}
		for (final Previous p : r.previous)
			out.write("        <previous-version timestamp=\"" + p.timestamp + "\" timestamp-obsolete=\"" +
				p.timestampObsolete + "\" checksum=\"" + attr(p.checksum) + "\"" +
				(p.filename != null ? " filename=\"" + attr(p.filename) + "\"" : "") + "/>\n");
		out.write("    </plugin>\n");
	}

	private static void element(final Writer out, final int indent, final String name, final String text)
		throws IOException
	{
		for (int i = 0; i < indent; i++)
			out.write(' ');
		out.write("<" + name + ">" + text(text) + "</" + name + ">\n");
	}

	static String text(final String s) {
		return escape(s, false);
	}

	static String attr(final String s) {
		return escape(s, true);
	}

	private static String escape(final String s, final boolean attribute) {
		final StringBuilder b = new StringBuilder(s.length());
		for (int i = 0; i < s.length(); i++) {
			final char c = s.charAt(i);
			switch (c) {
				case '&': b.append("&amp;"); break;
				case '<': b.append("&lt;"); break;
				case '>': b.append("&gt;"); break;
				case '"': b.append(attribute ? "&quot;" : "\""); break;
				case '\n': b.append(attribute ? "&#10;" : "\n"); break;
				case '\r': b.append("&#13;"); break;
				case '\t': b.append(attribute ? "&#9;" : "\t"); break;
				default:
					if (c < 0x20) throw new IllegalArgumentException("a control character cannot be written to XML: " +
						(int) c);
					b.append(c);
			}
		}
		return b.toString();
	}
}
