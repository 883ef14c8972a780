package sc.fiji.amat.task.detection;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.ImageFolders;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.NormalizedImages;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.task.ij.StackSamples;

/**
 * Detection training data: images with boxes from
 * <ul>
 * <li>rectangle ROIs on the images (overlay, or the ROI Manager), each named by its class (the
 * ROI's name, or its "class" property), on its slice;</li>
 * <li>a CSV file with the columns {@code image, class, xmin, ymin, xmax, ymax} (an optional
 * header line), one row per box, in pixel-edge coordinates (an ImageJ rectangle x, y, w, h is
 * xmin = x, xmax = x + w); {@code image} is a slice label or file name (with or without
 * extension) or a 1-based slice number; images without rows have no boxes;</li>
 * <li>a folder of Pascal VOC XML files, one per image with the same base name; VOC coordinates
 * are 1-based and inclusive, so xmin = 1, xmax = 10 is the edge box [0, 10);</li>
 * <li>the BCCD layout (a folder with {@code JPEGImages/} and {@code Annotations/}: VOC).</li>
 * </ul>
 * The classes: from {@code classes.txt} beside the label file (or in the label folder), one name
 * per line, when present (then other names are errors); otherwise the names used, sorted.
 */
public final class DetectionData {

	public static final String CLASSES_FILE = "classes.txt";

	private DetectionData() {}

	/** Images with their boxes and the class names. */
	public static final class Read {

		public final LabeledData<Boxes> data;
		public final List<String> classes;

		Read(final LabeledData<Boxes> data, final List<String> classes) {
			this.data = data;
			this.classes = classes;
		}
	}

	/** From an ImagePlus and its rectangle ROIs (overlay or ROI Manager). */
	public static Read fromImages(final ImagePlus images, final Normalization normalization) {
		final List<Boxes> boxes = boxesFromRois(images, null, true);
		if (boxes == null) {
			throw new AmatException("The image '" + images.getTitle() + "' has no rectangle ROIs: draw a rectangle " +
				"around each object, name it by its class (ROI Manager > Rename, or Image > Overlay > Add Selection " +
				"with a name), and add it to the overlay or the ROI Manager.");
		}
		return of(images, boxes, classesUsed(boxes), normalization, images.getTitle());
	}

	/**
	 * From files: an image stack file or folder with a CSV file or a folder of VOC XML files; or a
	 * BCCD-style folder (JPEGImages and Annotations) as images, with labels null or the same folder.
	 */
	public static Read fromFiles(final Path images, final Path labels, final Normalization normalization) {
		if (Files.isDirectory(images) && isVocRoot(images) && (labels == null || labels.equals(images))) {
			return bccd(images, null, normalization);
		}
		if (labels == null) throw new AmatException("No label file or folder was given for " + images + ".");
		final ImagePlus imp = Files.isDirectory(images) ? ImageFolders.stack(ImageFolders.images(images), images
			.getFileName().toString()) : NormalizedImages.open(images);
		final List<String> fixed = classesFile(labels);
		final List<Boxes> boxes;
		if (Files.isDirectory(labels)) boxes = readVocFolder(labels, imp, fixed);
		else if (labels.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xml")) {
			if (imageCount(imp) != 1) {
				throw new AmatException("One VOC XML file (" + labels + ") was given for " + imageCount(imp) +
					" images: give a folder of XML files, one per image.");
			}
			boxes = List.of(readVoc(labels, imp.getWidth(), imp.getHeight(), fixed));
		}
		else boxes = readCsv(labels, imp, fixed);
		return of(imp, boxes, fixed != null ? fixed : classesUsed(boxes), normalization, labels.toString());
	}

	/**
	 * The BCCD dataset layout (Pascal VOC): {@code root/JPEGImages/*.jpg} with
	 * {@code root/Annotations/<same name>.xml}; with a split ("train", "val", "test"), only the
	 * images listed in {@code root/ImageSets/Main/<split>.txt}.
	 */
	public static Read bccd(final Path root, final String split, final Normalization normalization) {
		final Path jpeg = root.resolve("JPEGImages"), ann = root.resolve("Annotations");
		List<Path> files = ImageFolders.images(jpeg);
		if (split != null) {
			final Path list = root.resolve("ImageSets").resolve("Main").resolve(split + ".txt");
			final List<String> ids;
			try {
				ids = Files.readAllLines(list, StandardCharsets.UTF_8).stream().map(String::trim).filter(s -> !s.isEmpty())
					.collect(Collectors.toList());
			}
			catch (final IOException e) {
				throw new AmatException("Cannot read the split list " + list + ": " + e.getMessage(), e);
			}
			files = files.stream().filter(f -> ids.contains(baseName(f))).collect(Collectors.toList());
			if (files.isEmpty()) throw new AmatException("No image of " + jpeg + " is listed in " + list + ".");
		}
		final ImagePlus imp = ImageFolders.stack(files, root.getFileName() + (split == null ? "" : " " + split));
		final List<String> fixed = classesFile(ann);
		final List<Boxes> boxes = new ArrayList<>();
		for (final Path f : files) {
			final Path xml = ann.resolve(baseName(f) + ".xml");
			if (!Files.isRegularFile(xml)) {
				throw new AmatException("The image " + f.getFileName() + " has no annotation " + xml + ".");
			}
			boxes.add(readVoc(xml, imp.getWidth(), imp.getHeight(), fixed));
		}
		return of(imp, boxes, fixed != null ? fixed : classesUsed(boxes), normalization, root.toString());
	}

	static boolean isVocRoot(final Path dir) {
		return Files.isDirectory(dir.resolve("JPEGImages")) && Files.isDirectory(dir.resolve("Annotations"));
	}

	private static Read of(final ImagePlus imp, final List<Boxes> boxes, final List<String> classes,
		final Normalization normalization, final String source)
	{
		if (classes.isEmpty()) {
			throw new AmatException("No image of " + source + " has a box: label at least one object to train on.");
		}
		for (int i = 0; i < boxes.size(); i++) {
			DetectionTask.check(boxes.get(i), imp.getWidth(), imp.getHeight(), "image " + (i + 1) + " of " + source,
				classes);
		}
		final NormalizedImages norm = NormalizedImages.of(imp, normalization);
		if (norm.n != boxes.size()) {
			throw new AmatException("There are " + norm.n + " images but labels for " + boxes.size() + " in " + source +
				".");
		}
		return new Read(new LabeledData<>(norm.values(), norm.channels, norm.height, norm.width, boxes), classes);
	}

	/** The class names used, sorted. */
	static List<String> classesUsed(final List<Boxes> boxes) {
		final TreeSet<String> names = new TreeSet<>();
		for (final Boxes b : boxes) for (final Box x : b) names.add(x.className);
		return new ArrayList<>(names);
	}

	/** classes.txt beside a label file or inside a label folder, or null. */
	static List<String> classesFile(final Path labels) {
		final Path abs = labels.toAbsolutePath();
		final Path file = (Files.isDirectory(abs) ? abs : abs.getParent()).resolve(CLASSES_FILE);
		if (!Files.isRegularFile(file)) return null;
		try {
			final List<String> names = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::trim).filter(
				s -> !s.isEmpty()).collect(Collectors.toList());
			if (names.isEmpty()) throw new AmatException(file + " names no class.");
			return names;
		}
		catch (final IOException e) {
			throw new AmatException("Cannot read " + file + ": " + e.getMessage(), e);
		}
	}

	static int imageCount(final ImagePlus imp) {
		return StackSamples.count(imp);
	}

	/** The label of sample i (0-based): the first line of its (first channel's) slice label, or "". */
	static String sliceLabel(final ImagePlus imp, final int i) {
		final ImageStack st = imp.getStack();
		final String l = st.getSliceLabel(1 + i * Math.max(1, imp.getNChannels()));
		if (l == null) return "";
		final int nl = l.indexOf('\n');
		return (nl >= 0 ? l.substring(0, nl) : l).trim();
	}

	static String baseName(final Path p) {
		return baseName(p.getFileName().toString());
	}

	static String baseName(final String n) {
		final int dot = n.lastIndexOf('.');
		return dot > 0 ? n.substring(0, dot) : n;
	}

	// ---- ROIs

	/**
	 * Boxes from the rectangle ROIs of an image: its overlay, or else (when {@code manager}) the
	 * ROI Manager's; null when there are none. Known classes null: any name is a class.
	 */
	static List<Boxes> boxesFromRois(final ImagePlus imp, final List<String> classes, final boolean manager) {
		final List<Roi> rois = new ArrayList<>();
		final Overlay overlay = imp.getOverlay();
		if (overlay != null) for (final Roi r : overlay.toArray()) rois.add(r);
		if (rois.isEmpty() && manager) {
			final RoiManager rm = RoiManager.getInstance();
			if (rm != null) for (final Roi r : rm.getRoisAsArray()) rois.add(r);
		}
		if (rois.isEmpty()) return null;
		final int n = imageCount(imp);
		final List<List<Box>> perImage = new ArrayList<>();
		for (int i = 0; i < n; i++) perImage.add(new ArrayList<>());
		for (final Roi r : rois) {
			final String name = className(r);
			if (r.getType() != Roi.RECTANGLE) {
				throw new AmatException("The ROI '" + name + "' of '" + imp.getTitle() + "' is not a rectangle: detection " +
					"labels are rectangles named by their class.");
			}
			if (name == null || name.isEmpty() || name.matches("\\d{4}-\\d{4}(-\\d{4})?(-\\d+)?")) {
				throw new AmatException("A rectangle ROI of '" + imp.getTitle() + "' at " + r.getBounds() + " has no class " +
					"name" + (name == null ? "" : " ('" + name + "' is ImageJ's automatic name)") +
					": name each rectangle by its class (ROI Manager > Rename).");
			}
			if (classes != null && !classes.contains(name)) {
				throw new AmatException("The rectangle ROI '" + name + "' of '" + imp.getTitle() + "' names a class the " +
					"model does not know: the known classes are " + classes + ".");
			}
			final int slice = imageOf(r, imp, n);
			final java.awt.geom.Rectangle2D b = r.getFloatBounds();
			perImage.get(slice).add(new Box(name, b.getX(), b.getY(), b.getX() + b.getWidth(), b.getY() + b
				.getHeight()));
		}
		final List<Boxes> out = new ArrayList<>();
		for (final List<Box> l : perImage) out.add(new Boxes(l));
		return out;
	}

	static String className(final Roi r) {
		final String p = r.getProperty("class");
		if (p != null && !p.trim().isEmpty()) return p.trim();
		return r.getName() == null ? null : r.getName().trim();
	}

	/** The 0-based image a ROI belongs to ({@link StackSamples#of}). */
	private static int imageOf(final Roi r, final ImagePlus imp, final int n) {
		final int s = StackSamples.of(imp, r);
		if (s == StackSamples.NONE) {
			if (n == 1) return 0;
			throw new AmatException("The ROI '" + className(r) + "' of the stack '" + imp.getTitle() + "' belongs to no " +
				"slice: add ROIs with their slice position (ROI Manager > More > Options: associate with slices).");
		}
		if (s == StackSamples.OUTSIDE) throw new AmatException("The ROI '" + className(r) + "' is on " + StackSamples
			.describe(r) + " but '" + imp.getTitle() + "' has " + n + " images.");
		return s - 1;
	}

	// ---- CSV

	/** Boxes per image of {@code imp} from a CSV file (image, class, xmin, ymin, xmax, ymax). */
	static List<Boxes> readCsv(final Path csv, final ImagePlus imp, final List<String> classes) {
		final List<String> lines;
		try {
			lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
		}
		catch (final IOException e) {
			throw new AmatException("Cannot read the label file " + csv + ": " + e.getMessage(), e);
		}
		final int n = imageCount(imp);
		final Map<String, Integer> byName = new LinkedHashMap<>();
		for (int i = 0; i < n; i++) {
			final String l = sliceLabel(imp, i);
			if (l.isEmpty()) continue;
			byName.putIfAbsent(l, i);
			byName.putIfAbsent(baseName(l), i);
		}
		final List<List<Box>> per = new ArrayList<>();
		for (int i = 0; i < n; i++) per.add(new ArrayList<>());
		for (int ln = 0; ln < lines.size(); ln++) {
			final String line = lines.get(ln).trim();
			if (line.isEmpty()) continue;
			final List<String> f = splitCsv(line);
			if (ln == 0 && f.get(0).trim().equalsIgnoreCase("image")) continue;
			final String where = csv.getFileName() + " line " + (ln + 1);
			if (f.size() != 6) {
				throw new AmatException(where + " has " + f.size() + " fields: expected image, class, xmin, ymin, xmax, ymax.");
			}
			final String key = f.get(0).trim();
			Integer image = byName.get(key);
			if (image == null) image = byName.get(baseName(key));
			if (image == null && key.matches("\\d+")) {
				final int s = Integer.parseInt(key);
				if (s >= 1 && s <= n) image = s - 1;
			}
			if (image == null) {
				throw new AmatException(where + " names the image '" + key + "', which is neither a slice label nor a " +
					"slice number (1 to " + n + ") of '" + imp.getTitle() + "'.");
			}
			final String cls = f.get(1).trim();
			if (classes != null && !classes.contains(cls)) {
				throw new AmatException(where + " has the class '" + cls + "', which is not in " + CLASSES_FILE + " " +
					classes + ".");
			}
			final double[] c = new double[4];
			for (int k = 0; k < 4; k++) {
				try {
					c[k] = Double.parseDouble(f.get(2 + k).trim());
				}
				catch (final NumberFormatException e) {
					throw new AmatException(where + ": '" + f.get(2 + k) + "' is not a number.");
				}
			}
			final Box b = new Box(cls, c[0], c[1], c[2], c[3]);
			DetectionTask.check(new Boxes(List.of(b)), imp.getWidth(), imp.getHeight(), where, classes);
			per.get(image).add(b);
		}
		return per.stream().map(Boxes::new).collect(Collectors.toList());
	}

	/** Fields of one CSV line (RFC 4180 quotes). */
	static List<String> splitCsv(final String line) {
		final List<String> out = new ArrayList<>();
		final StringBuilder cur = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < line.length(); i++) {
			final char ch = line.charAt(i);
			if (quoted) {
				if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
					cur.append('"');
					i++;
				}
				else if (ch == '"') quoted = false;
				else cur.append(ch);
			}
			else if (ch == '"') quoted = true;
			else if (ch == ',') {
				out.add(cur.toString());
				cur.setLength(0);
			}
			else cur.append(ch);
		}
		out.add(cur.toString());
		return out;
	}

	/** Writes boxes as CSV (image, class, xmin, ymin, xmax, ymax), images named by {@code names}. */
	public static String toCsv(final List<Boxes> boxes, final List<String> names) {
		final StringBuilder b = new StringBuilder("image,class,xmin,ymin,xmax,ymax\n");
		for (int i = 0; i < boxes.size(); i++) {
			for (final Box x : boxes.get(i)) {
				b.append(names.get(i)).append(',').append(x.className.contains(",") ? "\"" + x.className + "\"" : x.className)
					.append(',').append(num(x.x0)).append(',').append(num(x.y0)).append(',').append(num(x.x1)).append(',')
					.append(num(x.y1)).append('\n');
			}
		}
		return b.toString();
	}

	static String num(final double v) {
		return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
	}

	// ---- Pascal VOC

	static List<Boxes> readVocFolder(final Path folder, final ImagePlus imp, final List<String> classes) {
		final int n = imageCount(imp);
		final List<Boxes> out = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			final String label = sliceLabel(imp, i);
			final Path xml = folder.resolve(baseName(label) + ".xml");
			if (label.isEmpty() || !Files.isRegularFile(xml)) {
				throw new AmatException("Image " + (i + 1) + " ('" + label + "') has no VOC annotation " + xml +
					": give one XML file per image, with the image's base name.");
			}
			out.add(readVoc(xml, imp.getWidth(), imp.getHeight(), classes));
		}
		return out;
	}

	/** The boxes of one Pascal VOC annotation file (1-based inclusive coordinates). */
	public static Boxes readVoc(final Path xml, final int width, final int height, final List<String> classes) {
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
	public static String toVoc(final String fileName, final int width, final int height, final int depth,
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
