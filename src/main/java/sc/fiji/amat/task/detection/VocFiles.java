package sc.fiji.amat.task.detection;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import sc.fiji.amat.AmatException;

/**
 * Boxes in Pascal VOC XML files, one per image with the image's base name. VOC coordinates are
 * 1-based and inclusive, so xmin = 1, xmax = 10 is the edge box [0, 10). The BCCD dataset's
 * layout is a folder with {@code JPEGImages/} and {@code Annotations/} (VOC).
 */
public final class VocFiles {

	private VocFiles() {}

	/** True for a folder in the BCCD layout: {@code JPEGImages/} and {@code Annotations/}. */
	public static boolean isVocRoot(final Path dir) {
		return Files.isDirectory(dir.resolve("JPEGImages")) && Files.isDirectory(dir.resolve("Annotations"));
	}

	/**
	 * The boxes of each image from a folder of VOC files named by the images' base names.
	 *
	 * @param imageNames per image, its slice label or file name ("" when it has none)
	 */
	public static List<Boxes> readFolder(final Path folder, final List<String> imageNames, final int width,
		final int height, final List<String> classes)
	{
		final List<Boxes> out = new ArrayList<>();
		for (int i = 0; i < imageNames.size(); i++) {
			final String label = imageNames.get(i);
			final Path xml = folder.resolve(BoxFiles.baseName(label) + ".xml");
			if (label.isEmpty() || !Files.isRegularFile(xml)) {
				throw new AmatException("Image " + (i + 1) + " ('" + label + "') has no VOC annotation " + xml +
					": give one XML file per image, with the image's base name.");
			}
			out.add(read(xml, width, height, classes));
		}
		return out;
	}

	/** The boxes of one Pascal VOC annotation file (1-based inclusive coordinates). */
	public static Boxes read(final Path xml, final int width, final int height, final List<String> classes) {
		final Document doc;
		try (InputStream in = Files.newInputStream(xml)) {
			final DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
			f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
			f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
			f.setExpandEntityReferences(false);
			final DocumentBuilder b = f.newDocumentBuilder();
			doc = b.parse(in);
		}
		catch (final Exception e) {
			throw new AmatException("Cannot read the VOC annotation " + xml + ": " + e.getMessage(), e);
		}
		final List<Box> boxes = new ArrayList<>();
		final NodeList objects = doc.getElementsByTagName("object");
		for (int o = 0; o < objects.getLength(); o++) {
			final Element obj = (Element) objects.item(o);
			final String name = text(obj, "name", xml);
			final Element bb = child(obj, "bndbox", xml);
			final double xmin = number(bb, "xmin", xml), ymin = number(bb, "ymin", xml), xmax = number(bb, "xmax", xml),
					ymax = number(bb, "ymax", xml);
			boxes.add(new Box(name, xmin - 1, ymin - 1, xmax, ymax));
		}
		final Boxes out = new Boxes(boxes);
		DetectionTask.check(out, width, height, xml.getFileName().toString(), classes);
		return out;
	}

	private static Element child(final Element e, final String tag, final Path xml) {
		for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
			if (c instanceof Element && ((Element) c).getTagName().equals(tag)) return (Element) c;
		}
		throw new AmatException("An <" + e.getTagName() + "> of " + xml + " has no <" + tag + ">.");
	}

	private static String text(final Element e, final String tag, final Path xml) {
		return child(e, tag, xml).getTextContent().trim();
	}

	private static double number(final Element e, final String tag, final Path xml) {
		final String t = text(e, tag, xml);
		try {
			return Double.parseDouble(t);
		}
		catch (final NumberFormatException ex) {
			throw new AmatException("<" + tag + "> of " + xml + " is not a number: '" + t + "'.");
		}
	}

	/** A Pascal VOC annotation of an image's boxes (1-based inclusive coordinates, rounded). */
	public static String write(final String fileName, final int width, final int height, final int depth,
		final Boxes boxes)
	{
		final StringBuilder b = new StringBuilder("<annotation>\n\t<folder>JPEGImages</folder>\n\t<filename>").append(
			fileName).append("</filename>\n\t<size>\n\t\t<width>").append(width).append("</width>\n\t\t<height>").append(
				height).append("</height>\n\t\t<depth>").append(depth).append("</depth>\n\t</size>\n");
		for (final Box x : boxes) {
			b.append("\t<object>\n\t\t<name>").append(x.className).append("</name>\n\t\t<pose>Unspecified</pose>\n")
				.append("\t\t<truncated>0</truncated>\n\t\t<difficult>0</difficult>\n\t\t<bndbox>\n\t\t\t<xmin>").append(
					Math.round(x.x0) + 1).append("</xmin>\n\t\t\t<ymin>").append(Math.round(x.y0) + 1).append(
						"</ymin>\n\t\t\t<xmax>").append(Math.round(x.x1)).append("</xmax>\n\t\t\t<ymax>").append(Math.round(
							x.y1)).append("</ymax>\n\t\t</bndbox>\n\t</object>\n");
		}
		return b.append("</annotation>\n").toString();
	}
}
