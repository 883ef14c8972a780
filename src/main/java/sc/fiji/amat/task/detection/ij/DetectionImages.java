package sc.fiji.amat.task.detection.ij;

import ij.ImagePlus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.ImageFolders;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.NormalizedImages;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.task.detection.BoxFiles;
import sc.fiji.amat.task.detection.Boxes;
import sc.fiji.amat.task.detection.DetectionTask;
import sc.fiji.amat.task.detection.VocFiles;
import sc.fiji.amat.task.ij.StackSamples;

/**
 * Detection training data: images with boxes from
 * <ul>
 * <li>rectangle ROIs on the images (overlay, or the ROI Manager), each named by its class
 * ({@link DetectionRois});</li>
 * <li>a CSV file ({@link BoxFiles}), or a folder of Pascal VOC XML files, one per image with the
 * same base name ({@link VocFiles});</li>
 * <li>the BCCD layout (a folder with {@code JPEGImages/} and {@code Annotations/}: VOC).</li>
 * </ul>
 * The classes: from {@code classes.txt} beside the label file (or in the label folder), one name
 * per line, when present (then other names are errors); otherwise the names used, sorted.
 */
public final class DetectionImages {

	private DetectionImages() {}

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
		final List<Boxes> boxes = DetectionRois.boxes(images, null, true);
		if (boxes == null) {
			throw new AmatException("The image '" + images.getTitle() + "' has no rectangle ROIs: draw a rectangle " +
				"around each object, name it by its class (ROI Manager > Rename, or Image > Overlay > Add Selection " +
				"with a name), and add it to the overlay or the ROI Manager.");
		}
		return of(images, boxes, BoxFiles.classesUsed(boxes), normalization, images.getTitle());
	}

	/**
	 * From files: an image stack file or folder with a CSV file or a folder of VOC XML files; or a
	 * BCCD-style folder (JPEGImages and Annotations) as images, with labels null or the same folder.
	 */
	public static Read fromFiles(final Path images, final Path labels, final Normalization normalization) {
		if (Files.isDirectory(images) && VocFiles.isVocRoot(images) && (labels == null || labels.equals(images))) {
			return bccd(images, null, normalization);
		}
		if (labels == null) throw new AmatException("No label file or folder was given for " + images + ".");
		final ImagePlus imp = ImageFolders.openStack(images);
		final List<String> fixed = BoxFiles.classesFile(labels);
		final List<String> names = StackSamples.names(imp);
		final List<Boxes> boxes;
		if (Files.isDirectory(labels)) boxes = VocFiles.readFolder(labels, names, imp.getWidth(), imp.getHeight(), fixed);
		else if (labels.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xml")) {
			if (names.size() != 1) {
				throw new AmatException("One VOC XML file (" + labels + ") was given for " + names.size() +
					" images: give a folder of XML files, one per image.");
			}
			boxes = List.of(VocFiles.read(labels, imp.getWidth(), imp.getHeight(), fixed));
		}
		else boxes = BoxFiles.readCsv(labels, names, imp.getWidth(), imp.getHeight(), imp.getTitle(), fixed);
		return of(imp, boxes, fixed != null ? fixed : BoxFiles.classesUsed(boxes), normalization, labels.toString());
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
			files = files.stream().filter(f -> ids.contains(BoxFiles.baseName(f))).collect(Collectors.toList());
			if (files.isEmpty()) throw new AmatException("No image of " + jpeg + " is listed in " + list + ".");
		}
		final ImagePlus imp = ImageFolders.stack(files, root.getFileName() + (split == null ? "" : " " + split));
		final List<String> fixed = BoxFiles.classesFile(ann);
		final List<Boxes> boxes = new ArrayList<>();
		for (final Path f : files) {
			final Path xml = ann.resolve(BoxFiles.baseName(f) + ".xml");
			if (!Files.isRegularFile(xml)) {
				throw new AmatException("The image " + f.getFileName() + " has no annotation " + xml + ".");
			}
			boxes.add(VocFiles.read(xml, imp.getWidth(), imp.getHeight(), fixed));
		}
		return of(imp, boxes, fixed != null ? fixed : BoxFiles.classesUsed(boxes), normalization, root.toString());
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
}
