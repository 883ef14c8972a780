package sc.fiji.amat.task.landmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import sc.fiji.amat.AtomicFiles;
import sc.fiji.amat.AmatException;

/**
 * Landmark labels from files, for the images of an image stack file or a folder of images (which
 * the task's ImageJ side opens), known here by their names and size:
 * <ul>
 * <li>a CSV file with a header naming the columns {@code image, landmark, x, y} (any order, more
 * columns allowed; comma, semicolon or tab), one row per landmark and image. {@code image} is
 * the image's file name (with or without extension; for a stack, its slice label) or its slice
 * number from 1; {@code x, y} are pixels. The landmark order is the order of first appearance.
 * A comment line {@code # pixel_size_mm: 0.1} gives the pixel size.</li>
 * <li>a folder in the layout of the ISBI 2015 cephalometric challenge: per image a text file of
 * the same base name whose first lines are "x,y" pixel coordinates, one landmark per line
 * (further lines, such as the challenge's classification labels, are ignored). When the folder
 * holds two sub-folders whose names contain "senior" and "junior" (the challenge's two
 * annotators, e.g. AnnotationsByMD/400_senior and 400_junior), each landmark is the mean of
 * the two; give one of the sub-folders to use that annotator alone. Pixels are 0.1 mm, and 19
 * landmarks get the challenge's names.</li>
 * </ul>
 */
public final class LandmarkFiles {

	/** The 19 landmarks of the ISBI 2015 cephalometric challenge, in the order of its files. */
	public static final List<String> ISBI_2015_NAMES = Collections.unmodifiableList(Arrays.asList("sella", "nasion",
		"orbitale", "porion", "subspinale", "supramentale", "pogonion", "menton", "gnathion", "gonion",
		"lower incisal incision", "upper incisal incision", "upper lip", "lower lip", "subnasale",
		"soft tissue pogonion", "posterior nasal spine", "anterior nasal spine", "articulare"));

	/** The ISBI 2015 images' pixel size, mm. */
	public static final double ISBI_PIXEL_SIZE = 0.1;

	private static final Pattern PIXEL_SIZE = Pattern.compile("(?i)#\\s*pixel[ _]?size[ _]?mm\\s*[:=]\\s*(\\S+)");
	private static final Pattern PAIR = Pattern.compile("\\s*(-?[0-9.]+(?:[eE][-+]?\\d+)?)\\s*[,;\\s]\\s*(-?[0-9.]+" +
		"(?:[eE][-+]?\\d+)?)\\s*");

	private LandmarkFiles() {}

	/** Landmarks as read from files. */
	public static final class Read {

		public final List<String> names;
		public final List<Landmarks> landmarks;
		/** mm, NaN when the files do not say. */
		public final double pixelSize;

		Read(final List<String> names, final List<Landmarks> landmarks, final double pixelSize) {
			this.names = names;
			this.landmarks = landmarks;
			this.pixelSize = pixelSize;
		}
	}

	/** Fails when the landmark file or folder does not exist. */
	public static void requireExists(final Path labels) {
		if (labels == null || !Files.exists(labels)) {
			throw new AmatException("The landmark file or folder " + labels + " does not exist.");
		}
	}

	/**
	 * Reads the landmarks of images of {@code width} x {@code height} pixels from a CSV file or a
	 * folder of text files.
	 *
	 * @param imageNames per image, its file name or slice label ("" when it has none)
	 */
	public static Read read(final Path labels, final List<String> imageNames, final int width, final int height) {
		requireExists(labels);
		return Files.isDirectory(labels) ? readTextFolder(labels, imageNames, width, height) : readCsv(labels, imageNames,
			width, height);
	}

	static String baseName(final String name) {
		final int dot = name.lastIndexOf('.');
		return dot > 0 ? name.substring(0, dot) : name;
	}

	// ---- CSV

	static Read readCsv(final Path file, final List<String> imageNames, final int width, final int height) {
		final List<String> lines;
		try {
			lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		}
		catch (final IOException e) {
			throw new AmatException("Cannot read the landmark file " + file + ": " + e.getMessage(), e);
		}
		double pixelSize = Double.NaN;
		String delimiter = null;
		int ci = -1, cl = -1, cx = -1, cy = -1;
		final List<String> names = new ArrayList<>();
		final List<Map<String, float[]>> perImage = new ArrayList<>();
		for (int i = 0; i < imageNames.size(); i++) perImage.add(new LinkedHashMap<>());
		for (int ln = 1; ln <= lines.size(); ln++) {
			final String line = lines.get(ln - 1).replace("\uFEFF", "").trim();
			if (line.isEmpty()) continue;
			if (line.startsWith("#")) {
				final Matcher m = PIXEL_SIZE.matcher(line);
				if (m.matches()) pixelSize = number(m.group(1), file, ln, "the pixel size");
				continue;
			}
			if (delimiter == null) {
				delimiter = line.contains(",") ? "," : line.contains(";") ? ";" : "\t";
				final List<String> header = split(line, delimiter);
				for (int c = 0; c < header.size(); c++) {
					final String h = header.get(c).toLowerCase(Locale.ROOT);
					if (h.equals("image")) ci = c;
					else if (h.equals("landmark")) cl = c;
					else if (h.equals("x")) cx = c;
					else if (h.equals("y")) cy = c;
				}
				if (ci < 0 || cl < 0 || cx < 0 || cy < 0) {
					throw new AmatException(file + ": the first line must name the columns image, landmark, x and y, but " +
						"it is '" + line + "'.");
				}
				continue;
			}
			final List<String> f = split(line, delimiter);
			if (f.size() <= Math.max(Math.max(ci, cl), Math.max(cx, cy))) {
				throw new AmatException(file + ", line " + ln + ": expected the columns image, landmark, x, y, got '" + line +
					"'.");
			}
			final int image = imageIndex(f.get(ci), imageNames, file, ln);
			final String landmark = f.get(cl);
			final float x = (float) number(f.get(cx), file, ln, "x"), y = (float) number(f.get(cy), file, ln, "y");
			if (!LandmarkTask.inside(x, y, width, height)) {
				throw new AmatException(String.format(Locale.ROOT,
					"%s, line %d: landmark '%s' of image '%s' at (%s, %s) lies outside the %dx%d image.", file, ln, landmark,
					f.get(ci), f.get(cx), f.get(cy), width, height));
			}
			if (!names.contains(landmark)) names.add(landmark);
			if (perImage.get(image).put(landmark, new float[] { x, y }) != null) {
				throw new AmatException(file + ", line " + ln + ": landmark '" + landmark + "' of image '" + f.get(ci) +
					"' appears twice.");
			}
		}
		if (names.isEmpty()) throw new AmatException(file + " holds no landmarks.");
		final List<Landmarks> out = new ArrayList<>();
		for (int i = 0; i < perImage.size(); i++) {
			final Map<String, float[]> m = perImage.get(i);
			final String image = describe(imageNames, i);
			if (m.size() != names.size()) {
				final List<String> missing = new ArrayList<>(names);
				missing.removeAll(m.keySet());
				throw new AmatException(file + ": image " + image + " has " + m.size() + " landmark(s), but the file names " +
					names.size() + " (missing: " + missing + "): every image needs every landmark.");
			}
			final float[] x = new float[names.size()], y = new float[names.size()];
			for (int k = 0; k < names.size(); k++) {
				x[k] = m.get(names.get(k))[0];
				y[k] = m.get(names.get(k))[1];
			}
			out.add(new Landmarks(x, y, file.getFileName() + ", image " + image));
		}
		return new Read(names, out, pixelSize);
	}

	private static String describe(final List<String> imageNames, final int i) {
		return imageNames.get(i).isEmpty() ? "" + (i + 1) : "'" + imageNames.get(i) + "' (" + (i + 1) + ")";
	}

	/** The index of an image by file name, base name or slice number (from 1). */
	private static int imageIndex(final String key, final List<String> imageNames, final Path file, final int ln) {
		for (int i = 0; i < imageNames.size(); i++) {
			final String n = imageNames.get(i);
			if (!n.isEmpty() && (n.equals(key) || baseName(n).equals(key) || n.equals(baseName(key)) || baseName(n).equals(
				baseName(key)))) return i;
		}
		try {
			final int s = Integer.parseInt(key);
			if (s >= 1 && s <= imageNames.size()) return s - 1;
		}
		catch (final NumberFormatException e) {
			// not a slice number
		}
		throw new AmatException(file + ", line " + ln + ": no image is called '" + key + "' (give a file name, a slice " +
			"label or a slice number from 1 to " + imageNames.size() + ").");
	}

	private static double number(final String s, final Path file, final int ln, final String what) {
		try {
			final double v = Double.parseDouble(s.trim());
			if (Double.isFinite(v)) return v;
		}
		catch (final NumberFormatException e) {
			// below
		}
		throw new AmatException(file + ", line " + ln + ": " + what + " '" + s + "' is not a number.");
	}

	private static List<String> split(final String line, final String delimiter) {
		final List<String> out = new ArrayList<>();
		for (final String f : line.split(Pattern.quote(delimiter), -1)) {
			String t = f.trim();
			if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) t = t.substring(1, t.length() - 1);
			out.add(t);
		}
		return out;
	}

	/** Writes landmarks as a CSV file this class reads (with the pixel size as a comment when known). */
	public static void writeCsv(final Path file, final List<String> names, final List<String> imageNames,
		final List<Landmarks> landmarks, final double pixelSize)
	{
		AtomicFiles.writeText(file, "the landmark table", w -> {
			if (pixelSize > 0) w.write(String.format(Locale.ROOT, "# pixel_size_mm: %s%n", pixelSize));
			w.write("image,landmark,x,y\n");
			for (int i = 0; i < landmarks.size(); i++) {
				final Landmarks l = landmarks.get(i);
				for (int k = 0; k < names.size(); k++) {
					w.write(String.format(Locale.ROOT, "%s,%s,%.3f,%.3f%n", imageNames.get(i), names.get(k), l.x(k), l.y(k)));
				}
			}
		});
	}

	// ---- ISBI 2015 text files

	static Read readTextFolder(final Path folder, final List<String> imageNames, final int width, final int height) {
		final List<Path> annotators = annotators(folder);
		List<Landmarks> mean = null;
		for (final Path dir : annotators) {
			final List<Landmarks> one = readTextFiles(dir, imageNames, width, height);
			if (mean == null) mean = one;
			else {
				final List<Landmarks> avg = new ArrayList<>();
				for (int i = 0; i < one.size(); i++) {
					final Landmarks a = mean.get(i), b = one.get(i);
					if (a.size() != b.size()) {
						throw new AmatException(b.source() + " has " + b.size() + " landmarks but " + a.source() + " has " + a
							.size() + ": the two annotators must mark the same landmarks.");
					}
					final float[] x = new float[a.size()], y = new float[a.size()];
					for (int k = 0; k < a.size(); k++) {
						x[k] = (a.x(k) + b.x(k)) / 2;
						y[k] = (a.y(k) + b.y(k)) / 2;
					}
					avg.add(new Landmarks(x, y, a.source() + " and " + b.source()));
				}
				mean = avg;
			}
		}
		final int k = mean.get(0).size();
		final List<String> names = k == ISBI_2015_NAMES.size() ? ISBI_2015_NAMES : LandmarkTask.defaultNames(k);
		return new Read(names, mean, ISBI_PIXEL_SIZE);
	}

	/** The senior and junior sub-folders when both are there, else the folder itself. */
	static List<Path> annotators(final Path folder) {
		try (Stream<Path> s = Files.list(folder)) {
			final List<Path> dirs = s.filter(Files::isDirectory).sorted().collect(Collectors.toList());
			Path senior = null, junior = null;
			for (final Path d : dirs) {
				final String n = d.getFileName().toString().toLowerCase(Locale.ROOT);
				if (n.contains("senior")) senior = d;
				else if (n.contains("junior")) junior = d;
			}
			if (senior != null && junior != null) return Arrays.asList(senior, junior);
			return Collections.singletonList(folder);
		}
		catch (final IOException e) {
			throw new AmatException("Cannot list the folder " + folder + ": " + e.getMessage(), e);
		}
	}

	private static List<Landmarks> readTextFiles(final Path dir, final List<String> imageNames, final int width,
		final int height)
	{
		final List<Landmarks> out = new ArrayList<>();
		Path first = null;
		for (int i = 0; i < imageNames.size(); i++) {
			final String base = baseName(imageNames.get(i).isEmpty() ? String.format(Locale.ROOT, "%03d", i + 1)
				: imageNames.get(i));
			final Path file = dir.resolve(base + ".txt");
			if (!Files.isRegularFile(file)) {
				throw new AmatException("No landmark file " + file.getFileName() + " for the image " + describe(imageNames, i) +
					" in " + dir + ".");
			}
			final List<String> lines;
			try {
				lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
			}
			catch (final IOException e) {
				throw new AmatException("Cannot read " + file + ": " + e.getMessage(), e);
			}
			final List<float[]> pts = new ArrayList<>();
			for (int ln = 1; ln <= lines.size(); ln++) {
				final Matcher m = PAIR.matcher(lines.get(ln - 1));
				if (!m.matches()) break;
				final float x = Float.parseFloat(m.group(1)), y = Float.parseFloat(m.group(2));
				if (!LandmarkTask.inside(x, y, width, height)) {
					throw new AmatException(String.format(Locale.ROOT,
						"%s, line %d: landmark %d at (%s, %s) lies outside the %dx%d image %s.", file, ln, ln, m.group(1), m
							.group(2), width, height, describe(imageNames, i)));
				}
				pts.add(new float[] { x, y });
			}
			if (pts.isEmpty()) throw new AmatException(file + " holds no landmarks (lines of x,y).");
			if (first != null && pts.size() != out.get(0).size()) {
				throw new AmatException(file + " has " + pts.size() + " landmarks, but " + first + " has " + out.get(0)
					.size() + ": every image needs the same landmarks.");
			}
			if (first == null) first = file;
			final float[] x = new float[pts.size()], y = new float[pts.size()];
			for (int k = 0; k < pts.size(); k++) {
				x[k] = pts.get(k)[0];
				y[k] = pts.get(k)[1];
			}
			out.add(new Landmarks(x, y, file.toString()));
		}
		return out;
	}
}
