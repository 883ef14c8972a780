package sc.fiji.amat.task.segmentation;

import ij.ImagePlus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.ImageFolders;
import sc.fiji.amat.data.ImagePlusImages;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.NdImages;
import sc.fiji.amat.data.NormalizedImages;
import sc.fiji.amat.data.Normalization;

/**
 * Segmentation training data from an image stack and a label stack (one label image per image,
 * integer class indices, 0 = background), as ImagePlus or TIFF files. A {@code classes.txt}
 * beside the label file, one name per line starting with the background, names the classes.
 */
public final class SegmentationData {

	public static final String CLASSES_FILE = "classes.txt";

	private SegmentationData() {}

	public static LabeledData<Mask> fromImages(final ImagePlus images, final ImagePlus labels,
		final Normalization normalization)
	{
		if (labels == null) throw new AmatException("No label image was given.");
		final int n = images.getStackSize() / Math.max(1, images.getNChannels());
		if (images.getWidth() != labels.getWidth() || images.getHeight() != labels.getHeight()) {
			throw new AmatException("The images are " + images.getWidth() + "x" + images.getHeight() + " pixels but the " +
				"labels are " + labels.getWidth() + "x" + labels.getHeight() + ": they must have the same size.");
		}
		if (labels.getStackSize() != n) {
			throw new AmatException("There are " + n + " images but " + labels.getStackSize() + " label images in '" +
				labels.getTitle() + "': give one label image per image.");
		}
		final NormalizedImages norm = NormalizedImages.of(images, normalization);
		return new LabeledData<>(norm.values(), norm.channels, norm.height, norm.width, masks(labels));
	}

	/** From two stack files, or two folders of images and label images paired by file name. */
	public static LabeledData<Mask> fromFiles(final Path images, final Path labels, final Normalization normalization) {
		final ImagePlus[] opened = ImageFolders.open(images, labels);
		return fromImages(opened[0], opened[1], normalization);
	}

	/** The label images as masks; every value must be an integer from 0 to 255. */
	public static List<Mask> masks(final ImagePlus labels) {
		if (labels.getType() == ImagePlus.COLOR_RGB) {
			throw new AmatException("The label image '" + labels.getTitle() + "' is RGB: labels must be 8- or 16-bit " +
				"images of class indices (0 = background).");
		}
		if (labels.getNChannels() > 1) {
			throw new AmatException("The label image '" + labels.getTitle() + "' has " + labels.getNChannels() +
				" channels: labels need one.");
		}
		final int w = labels.getWidth(), h = labels.getHeight(), plane = w * h;
		final float[] all = NdImages.toFloats(ImagePlusImages.wrap(labels));
		final List<Mask> masks = new ArrayList<>(all.length / plane);
		for (int s = 0; s < all.length / plane; s++) {
			final byte[] m = new byte[plane];
			for (int p = 0; p < plane; p++) {
				final float v = all[s * plane + p];
				if (v < 0 || v > 255 || v != Math.rint(v)) {
					throw new AmatException("Label image " + (s + 1) + " of '" + labels.getTitle() + "' has the value " + v +
						" at (" + p % w + ", " + p / w + "): labels must be class indices from 0 to 255.");
				}
				m[p] = (byte) (int) v;
			}
			masks.add(new Mask(m, w, h));
		}
		return masks;
	}

	/** Training labels must show something: all-background labels teach nothing. */
	public static LabeledData<Mask> requireForeground(final LabeledData<Mask> data) {
		for (final Mask m : data.labels()) {
			if (!m.isEmpty()) return data;
		}
		throw new AmatException("Every label image is empty (background only): label at least one object to train on.");
	}

	/** The number of classes the labels use: their largest class + 1 (at least 2). */
	public static int numClasses(final List<Mask> masks) {
		int max = 1;
		for (final Mask m : masks) max = Math.max(max, m.maxClass());
		return max + 1;
	}

	/** Class names from classes.txt beside the label file, or defaults for the classes used. */
	public static List<String> classNames(final Path labelFile, final List<Mask> masks) {
		final Path abs = labelFile.toAbsolutePath();
		final Path file = (Files.isDirectory(abs) ? abs : abs.getParent()).resolve(CLASSES_FILE);
		if (Files.isRegularFile(file)) {
			try {
				final List<String> names = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::trim)
					.filter(s -> !s.isEmpty()).collect(Collectors.toList());
				if (names.size() < numClasses(masks)) {
					throw new AmatException(file + " names " + names.size() + " classes but the labels use " + numClasses(
						masks) + ".");
				}
				return names;
			}
			catch (final IOException e) {
				throw new AmatException("Cannot read " + file + ": " + e.getMessage(), e);
			}
		}
		return SegmentationTask.defaultClassNames(numClasses(masks));
	}
}
