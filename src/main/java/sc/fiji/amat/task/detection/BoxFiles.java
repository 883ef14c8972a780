package sc.fiji.amat.task.detection;

import java.io.IOException;
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

import sc.fiji.amat.AmatException;
import sc.fiji.amat.task.ClassesFile;

/**
 * Boxes in files, for images known by their names and size (the task's ImageJ side opens the
 * images): a CSV file with the columns {@code image, class, xmin, ymin, xmax, ymax} (an optional
 * header line), one row per box, in pixel-edge coordinates (an ImageJ rectangle x, y, w, h is
 * xmin = x, xmax = x + w); {@code image} is a slice label or file name (with or without
 * extension) or a 1-based slice number; images without rows have no boxes. The classes: from
 * {@code classes.txt} beside the label file (or in the label folder), one name per line, when
 * present (then other names are errors); otherwise the names used, sorted. Pascal VOC files are
 * {@link VocFiles}'.
 */
public final class BoxFiles {

	public static final String CLASSES_FILE = ClassesFile.NAME;

	private BoxFiles() {}

	/** The class names used, sorted. */
	public static List<String> classesUsed(final List<Boxes> boxes) {
		final TreeSet<String> names = new TreeSet<>();
		for (final Boxes b : boxes) for (final Box x : b) names.add(x.className);
		return new ArrayList<>(names);
	}

	/** classes.txt beside a label file or inside a label folder, or null. */
	public static List<String> classesFile(final Path labels) {
		final List<String> names = ClassesFile.read(labels);
		if (names != null && names.isEmpty()) throw new AmatException(ClassesFile.of(labels) + " names no class.");
		return names;
	}

	public static String baseName(final Path p) {
		return baseName(p.getFileName().toString());
	}

	public static String baseName(final String n) {
		final int dot = n.lastIndexOf('.');
		return dot > 0 ? n.substring(0, dot) : n;
	}

	/**
	 * Boxes per image from a CSV file (image, class, xmin, ymin, xmax, ymax), for images of
	 * {@code width} x {@code height} pixels.
	 *
	 * @param imageNames per image, its slice label or file name ("" when it has none)
	 * @param title the images' title, for messages
	 * @param classes the known classes, or null for any
	 */
	public static List<Boxes> readCsv(final Path csv, final List<String> imageNames, final int width, final int height,
		final String title, final List<String> classes)
	{
		final List<String> lines;
		try {
			lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
		}
		catch (final IOException e) {
			throw new AmatException("Cannot read the label file " + csv + ": " + e.getMessage(), e);
		}
		final int n = imageNames.size();
		final Map<String, Integer> byName = new LinkedHashMap<>();
		for (int i = 0; i < n; i++) {
			final String l = imageNames.get(i);
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
					"slice number (1 to " + n + ") of '" + title + "'.");
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
			DetectionTask.check(new Boxes(List.of(b)), width, height, where, classes);
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
}
