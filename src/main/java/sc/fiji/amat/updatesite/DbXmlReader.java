package sc.fiji.amat.updatesite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPInputStream;

import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;

import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.DefaultHandler;

import sc.fiji.amat.updatesite.SiteIndex.Dependency;
import sc.fiji.amat.updatesite.SiteIndex.FileRecord;
import sc.fiji.amat.updatesite.SiteIndex.Previous;
import sc.fiji.amat.updatesite.SiteIndex.Version;

/**
 * Reads a {@code db.xml.gz} (ours or one written by Fiji's updater) into a {@link SiteIndex}.
 * Like the updater, it ignores elements it does not know; unlike it, it can also validate the
 * file against its internal DTD ({@code validate}), which is how the tests check the grammar.
 */
public final class DbXmlReader {

	private DbXmlReader() {}

	/** Reads a gzipped index, without validation (as Fiji's updater reads sites). */
	public static SiteIndex read(final Path dbXmlGz) throws IOException {
		return read(dbXmlGz, false);
	}

	/** Reads a gzipped index; with {@code validate}, any departure from its DTD is an error. */
	public static SiteIndex read(final Path dbXmlGz, final boolean validate) throws IOException {
		try (InputStream in = new GZIPInputStream(Files.newInputStream(dbXmlGz))) {
			return readXml(in, validate);
		}
		catch (final SAXException e) {
			throw new IOException(dbXmlGz + " is not a valid update-site index: " + e.getMessage(), e);
		}
	}

	/** Reads plain (not gzipped) XML. */
	public static SiteIndex readXml(final InputStream in, final boolean validate) throws IOException,
		SAXException
	{
		final SAXParserFactory factory = SAXParserFactory.newInstance();
		factory.setNamespaceAware(true);
		factory.setValidating(validate);
		final XMLReader reader;
		try {
			// the grammar is the internal DTD; nothing outside the file is ever read
			factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
			factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
			reader = factory.newSAXParser().getXMLReader();
		}
		catch (final ParserConfigurationException e) {
			throw new IllegalStateException(e);
		}
		final Handler handler = new Handler(validate);
		reader.setContentHandler(handler);
		reader.setErrorHandler(handler);
		reader.parse(new InputSource(in));
		return handler.index;
	}

	private static final class Handler extends DefaultHandler {

		private final boolean strict;
		final SiteIndex index = new SiteIndex();
		private FileRecord record;
		private final StringBuilder text = new StringBuilder();

		Handler(final boolean strict) {
			this.strict = strict;
		}

		@Override
		public void startElement(final String uri, final String localName, final String qName,
			final Attributes atts) throws SAXException
		{
			text.setLength(0);
			final String name = uri.isEmpty() ? qName : localName;
			switch (name) {
				case "plugin":
					record = new FileRecord(required(atts, "filename"));
					record.executable = "true".equalsIgnoreCase(atts.getValue("executable"));
					break;
				case "version":
					inRecord(name).current = new Version(number(atts, "timestamp"), required(atts, "checksum"),
						number(atts, "filesize"));
					break;
				case "dependency":
					current(name).dependencies.add(new Dependency(required(atts, "filename"), number(atts, "timestamp"),
						"true".equals(atts.getValue("overrides"))));
					break;
				case "previous-version":
					inRecord(name).previous.add(new Previous(number(atts, "timestamp"), number(atts,
						"timestamp-obsolete"), required(atts, "checksum"), atts.getValue("filename")));
					break;
				default:
					// pluginRecords, update-site, text elements, and anything newer than this reader
			}
		}

		@Override
		public void characters(final char[] ch, final int start, final int length) {
			text.append(ch, start, length);
		}

		@Override
		public void endElement(final String uri, final String localName, final String qName)
			throws SAXException
		{
			final String name = uri.isEmpty() ? qName : localName;
			switch (name) {
				case "platform": inRecord(name).platforms.add(text.toString()); break;
				case "category": inRecord(name).categories.add(text.toString()); break;
				case "description": current(name).description = text.toString(); break;
				case "link": current(name).links.add(text.toString()); break;
				case "author": current(name).authors.add(text.toString()); break;
				case "plugin":
					fillPreviousFilenames(record);
					index.put(record);
					record = null;
					break;
				default:
			}
			text.setLength(0);
		}

		private FileRecord inRecord(final String element) throws SAXException {
			if (record == null) throw new SAXException("<" + element + "> outside a <plugin>");
			return record;
		}

		private Version current(final String element) throws SAXException {
			final FileRecord r = inRecord(element);
			if (r.current == null) throw new SAXException("<" + element + "> outside a <version> in " + r.filename);
			return r.current;
		}

		private static String required(final Attributes atts, final String name) throws SAXException {
			final String value = atts.getValue(name);
			if (value == null) throw new SAXException("missing attribute " + name);
			return value;
		}

		/** A missing number reads as 0, as in the updater. */
		private static long number(final Attributes atts, final String name) throws SAXException {
			final String value = atts.getValue(name);
			if (value == null) return 0;
			try {
				return Long.parseLong(value);
			}
			catch (final NumberFormatException e) {
				throw new SAXException("attribute " + name + " is not a number: " + value);
			}
		}

		@Override
		public void warning(final SAXParseException e) {}

		@Override
		public void error(final SAXParseException e) throws SAXException {
			if (strict) throw e;
		}

		@Override
		public void fatalError(final SAXParseException e) throws SAXException {
			throw e;
		}
	}

	/**
	 * A previous version without a file name had, as the updater reads it, the name of the next
	 * newer version that has one, the current version counting with the file's own name.
	 */
	private static void fillPreviousFilenames(final FileRecord r) {
		final List<Integer> newestFirst = new ArrayList<>();
		for (int i = 0; i < r.previous.size(); i++)
			newestFirst.add(i);
		newestFirst.sort(Comparator.comparingLong((Integer i) -> r.previous.get(i).timestamp).reversed());
		String name = r.filename;
		boolean currentSeen = r.current == null;
		for (final int i : newestFirst) {
			final Previous p = r.previous.get(i);
			if (!currentSeen && r.current.timestamp >= p.timestamp) {
				name = r.filename;
				currentSeen = true;
			}
			if (p.filename != null) name = p.filename;
			else r.previous.set(i, new Previous(p.timestamp, p.timestampObsolete, p.checksum, name));
		}
	}
}
