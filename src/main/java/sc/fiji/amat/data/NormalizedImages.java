package sc.fiji.amat.data;

import ij.IJ;
import ij.ImagePlus;

import java.nio.file.Files;
import java.nio.file.Path;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

import sc.fiji.amat.AmatException;

/**
 * A stack of 2D images as normalised float NCHW values, with the per-image affine maps that
 * map them back to raw intensities.
 */
public final class NormalizedImages {

	public final int n, channels, height, width;
	public final Normalization normalization;
	public final Normalization.Normalized normalized;

	private NormalizedImages(final int n, final int channels, final int height, final int width,
		final Normalization normalization, final Normalization.Normalized normalized)
	{
		this.n = n;
		this.channels = channels;
		this.height = height;
		this.width = width;
		this.normalization = normalization;
		this.normalized = normalized;
	}

	/** Normalises an (X, Y, C, N) image. */
	public static NormalizedImages of(final RandomAccessibleInterval<? extends RealType<?>> image,
		final ImageLayout layout, final Normalization normalization)
	{
		final long[] nchw = layout.nchw(image);
		final int n = (int) nchw[0], c = (int) nchw[1], h = (int) nchw[2], w = (int) nchw[3];
		if (n == 0) throw new AmatException("The image stack is empty.");
		final float[] raw = NdImages.toFloats(image);
		return new NormalizedImages(n, c, h, w, normalization, normalization.apply(raw, n, c, h * w));
	}

	/** Normalises an ImagePlus: every z-slice and time point is a sample, channels are channels. */
	public static NormalizedImages of(final ImagePlus imp, final Normalization normalization) {
		requireFinite(imp);
		return of(ImagePlusImages.wrap(imp), ImageLayout.XYCN, normalization);
	}

	/** Refuses a 32-bit image with a NaN or infinite pixel, naming the slice and the pixel. */
	static void requireFinite(final ImagePlus imp) {
		if (imp == null || imp.getType() != ImagePlus.GRAY32) return;
		final ij.ImageStack stack = imp.getStack();
		final int w = imp.getWidth();
		for (int s = 1; s <= stack.getSize(); s++) {
			final float[] p = (float[]) stack.getPixels(s);
			for (int i = 0; i < p.length; i++) {
				if (!Float.isFinite(p[i])) {
					throw new AmatException("Slice " + s + " of '" + imp.getTitle() + "' has " + (Float.isNaN(p[i]) ? "a NaN"
						: "an infinite") + " pixel at x " + i % w + ", y " + i / w + ": replace non-finite values first " +
						"(in Fiji: Process > Noise > Remove NaNs, or Process > Math > Set).");
				}
			}
		}
	}

	public float[] values() {
		return normalized.values;
	}

	/** Opens an image file with ImageJ 1.x; a missing or unreadable file is one clear sentence. */
	public static ImagePlus open(final Path file) {
		if (!Files.isRegularFile(file)) throw new AmatException("The image file " + file + " does not exist.");
		final ImagePlus imp = IJ.openImage(file.toString());
		if (imp == null) throw new AmatException("ImageJ cannot read " + file + " as an image.");
		return imp;
	}
}
