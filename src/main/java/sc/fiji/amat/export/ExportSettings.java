package sc.fiji.amat.export;

import java.nio.file.Path;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

import sc.fiji.amat.data.NdImages;
import java.util.ArrayList;
import java.util.List;

/**
 * What a user says about an exported model: its name and description (empty: generated from
 * the model), authors and licence, a robustness report folder whose scores and worst-case plot
 * go into the package, and an image (raw intensities, C x H x W) for the test and sample
 * tensors (none: a seeded synthetic image of the model's input size).
 */
public final class ExportSettings {

	public String name = "";
	public String description = "";
	public List<String> authors = new ArrayList<>();
	/** An SPDX licence identifier. */
	public String license = "CC-BY-4.0";
	/** A report folder written by the Robustness Report, or null. */
	public Path report;
	/** Raw intensities of one image, channels x height x width, or null. */
	public float[] image;
	public int imageHeight;
	public int imageWidth;

	/**
	 * Sets the test image to the first sample of an image of dimensions (X, Y, C[, N]) (as
	 * {@code ImagePlusImages.wrap} gives), raw intensities.
	 */
	public ExportSettings image(final RandomAccessibleInterval<? extends RealType<?>> xycn) {
		final int w = (int) xycn.dimension(0), h = (int) xycn.dimension(1);
		final int c = xycn.numDimensions() > 2 ? (int) xycn.dimension(2) : 1;
		final float[] all = NdImages.toFloats(xycn);
		return image(java.util.Arrays.copyOf(all, c * h * w), h, w);
	}

	/** Sets the test image: raw intensities, channels x height x width. */
	public ExportSettings image(final float[] raw, final int height, final int width) {
		this.image = raw;
		this.imageHeight = height;
		this.imageWidth = width;
		return this;
	}
}
