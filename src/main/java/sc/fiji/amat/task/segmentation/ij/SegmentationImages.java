package sc.fiji.amat.task.segmentation.ij;

import ij.ImagePlus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.ImageFolders;
import sc.fiji.amat.data.ImagePlusImages;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.NdImages;
import sc.fiji.amat.data.NormalizedImages;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.task.ij.StackSamples;
import sc.fiji.amat.task.segmentation.Mask;

/**
 * Segmentation training data from an image stack and a label stack (one label image per image,
 * integer class indices, 0 = background), as ImagePlus or TIFF files.
 */
public final class SegmentationImages {

	private SegmentationImages() {}

	public static LabeledData<Mask> fromImages(final ImagePlus images, final ImagePlus labels,
		final Normalization normalization)
	{
		if (labels == null) throw new AmatException("No label image was given.");
		final int n = StackSamples.count(images);
		if (images.getWidth() != labels.getWidth() || images.getHeight() != labels.getHeight()) {
			throw new AmatException("The images '" + images.getTitle() + "' are " + images.getWidth() + "x" + images
				.getHeight() + " pixels but the labels '" + labels.getTitle() + "' are " + labels.getWidth() + "x" + labels
					.getHeight() + ": they must have the same size.");
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
}
