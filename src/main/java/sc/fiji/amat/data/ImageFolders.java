package sc.fiji.amat.data;

import ij.ImagePlus;
import ij.ImageStack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import sc.fiji.amat.AmatException;

/** Reading training data from folders: image files paired with label files by name. */
public final class ImageFolders {

	private static final String[] IMAGE_EXTENSIONS = { ".tif", ".tiff", ".png", ".bmp", ".jpg", ".jpeg", ".gif" };

	private ImageFolders() {}

	/** The image files of a folder, sorted by name. */
	public static List<Path> images(final Path folder) {
		if (!Files.isDirectory(folder)) throw new AmatException("The folder " + folder + " does not exist.");
		try (Stream<Path> s = Files.list(folder)) {
			final List<Path> files = s.filter(p -> Files.isRegularFile(p) && isImage(p)).sorted().collect(Collectors
				.toList());
			if (files.isEmpty()) throw new AmatException("The folder " + folder + " holds no image files (TIFF, PNG, ...).");
			return files;
		}
		catch (final IOException e) {
			throw new AmatException("Cannot list the folder " + folder + ": " + e.getMessage(), e);
		}
	}

	static boolean isImage(final Path p) {
		final String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
		for (final String e : IMAGE_EXTENSIONS) {
			if (n.endsWith(e)) return true;
		}
		return false;
	}

	static String baseName(final Path p) {
		final String n = p.getFileName().toString();
		final int dot = n.lastIndexOf('.');
		return dot > 0 ? n.substring(0, dot) : n;
	}

	/** For each image of the image folder, the label file of the same base name in the label folder. */
	public static List<Path[]> pairs(final Path imageFolder, final Path labelFolder) {
		final List<Path> labels = images(labelFolder);
		final List<Path[]> pairs = new ArrayList<>();
		for (final Path image : images(imageFolder)) {
			final Path label = labels.stream().filter(l -> baseName(l).equals(baseName(image))).findFirst().orElseThrow(
				() -> new AmatException("The image " + image.getFileName() + " has no label file of the same name in " +
					labelFolder + "."));
			pairs.add(new Path[] { image, label });
		}
		return pairs;
	}

	/** Opens the files and puts all their slices into one stack; all must have the same size and type. */
	public static ImagePlus stack(final List<Path> files, final String title) {
		final List<ImagePlus> opened = new ArrayList<>();
		for (final Path f : files) opened.add(NormalizedImages.open(f));
		return stack(opened, files, title);
	}

	private static ImagePlus stack(final List<ImagePlus> opened, final List<Path> files, final String title) {
		ImageStack stack = null;
		int channels = 1, type = -1;
		for (int i = 0; i < files.size(); i++) {
			final Path f = files.get(i);
			final ImagePlus imp = opened.get(i);
			if (stack == null) {
				stack = new ImageStack(imp.getWidth(), imp.getHeight());
				channels = imp.getNChannels();
				type = imp.getType();
			}
			else if (imp.getWidth() != stack.getWidth() || imp.getHeight() != stack.getHeight() || imp
				.getNChannels() != channels || imp.getType() != type)
			{
				throw new AmatException(f.getFileName() + " is " + imp.getWidth() + "x" + imp.getHeight() + " with " + imp
					.getNChannels() + " channel(s) (" + imp.getBitDepth() + "-bit), but " + files.get(0).getFileName() +
					" is " + stack.getWidth() + "x" + stack.getHeight() + " with " + channels +
					" channel(s): all images must match.");
			}
			for (int s = 1; s <= imp.getStackSize(); s++) stack.addSlice(f.getFileName().toString(), imp.getStack()
				.getProcessor(s));
		}
		if (stack == null) throw new AmatException("No image files were given.");
		final ImagePlus out = new ImagePlus(title, stack);
		out.setDimensions(channels, stack.getSize() / channels, 1);
		return out;
	}

	/**
	 * An image stack file, or a folder of images as one stack (titled by the folder's name, each
	 * slice labelled by its file name).
	 */
	public static ImagePlus openStack(final Path fileOrFolder) {
		return Files.isDirectory(fileOrFolder) ? stack(images(fileOrFolder), fileOrFolder.getFileName().toString())
			: NormalizedImages.open(fileOrFolder);
	}

	/**
	 * The image and label stacks from two folders (paired by name), one pair of stacks per run of
	 * consecutive images of one size (e.g. for a test set whose images differ in size): every
	 * image of a run matches in size, channels and type, as {@link #stack} requires.
	 */
	public static List<ImagePlus[]> openRuns(final Path imageFolder, final Path labelFolder) {
		final List<ImagePlus[]> out = new ArrayList<>();
		final List<ImagePlus> im = new ArrayList<>(), lab = new ArrayList<>();
		final List<Path> imFiles = new ArrayList<>(), labFiles = new ArrayList<>();
		for (final Path[] p : pairs(imageFolder, labelFolder)) {
			final ImagePlus image = NormalizedImages.open(p[0]);
			if (!im.isEmpty() && (image.getWidth() != im.get(0).getWidth() || image.getHeight() != im.get(0).getHeight())) {
				out.add(new ImagePlus[] { stack(im, imFiles, "images"), stack(lab, labFiles, "labels") });
				im.clear();
				lab.clear();
				imFiles.clear();
				labFiles.clear();
			}
			im.add(image);
			imFiles.add(p[0]);
			lab.add(NormalizedImages.open(p[1]));
			labFiles.add(p[1]);
		}
		out.add(new ImagePlus[] { stack(im, imFiles, "images"), stack(lab, labFiles, "labels") });
		return out;
	}

	/** The image and label stacks from two folders (paired by name) or two files. */
	public static ImagePlus[] open(final Path images, final Path labels) {
		if (Files.isDirectory(images) != Files.isDirectory(labels)) {
			throw new AmatException("Give two folders or two files for images and labels, not one of each (" + images +
				", " + labels + ").");
		}
		if (!Files.isDirectory(images)) {
			return new ImagePlus[] { NormalizedImages.open(images), NormalizedImages.open(labels) };
		}
		final List<Path[]> pairs = pairs(images, labels);
		final List<Path> im = new ArrayList<>(), lab = new ArrayList<>();
		for (final Path[] p : pairs) {
			im.add(p[0]);
			lab.add(p[1]);
		}
		return new ImagePlus[] { stack(im, "images"), stack(lab, "labels") };
	}
}
