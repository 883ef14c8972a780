package sc.fiji.amat.data;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;

import java.util.ArrayList;
import java.util.List;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

import sc.fiji.amat.AmatException;

/**
 * ImageJ 1.x {@link ImagePlus} to imglib2 and back, without imglib2-ij (not on Maven Central).
 * 8-bit, 16-bit and 32-bit images are wrapped without copying: the imglib2 image reads and
 * writes the ImagePlus' own pixel arrays. RGB images are split into three channels (a copy).
 * The result always has the layout {@link ImageLayout#XYCN}: channels, then every z-slice and
 * time point as a separate 2D sample.
 */
public final class ImagePlusImages {

	private ImagePlusImages() {}

	/** Wraps an image as (X, Y, C, N); RGB becomes three 8-bit channels. */
	public static RandomAccessibleInterval<? extends RealType<?>> wrap(final ImagePlus imp) {
		if (imp == null) throw new AmatException("No image was given.");
		switch (imp.getType()) {
			case ImagePlus.GRAY8:
				return wrapPlanes(imp, p -> ArrayImgs.unsignedBytes((byte[]) p, imp.getWidth(), imp.getHeight()));
			case ImagePlus.GRAY16:
				return wrapPlanes(imp, p -> ArrayImgs.unsignedShorts((short[]) p, imp.getWidth(), imp.getHeight()));
			case ImagePlus.GRAY32:
				return wrapPlanes(imp, p -> ArrayImgs.floats((float[]) p, imp.getWidth(), imp.getHeight()));
			case ImagePlus.COLOR_RGB:
				return wrapRgb(imp);
			default:
				throw new AmatException("Image '" + imp.getTitle() + "' has a type AMAT cannot read (8-bit color " +
					"with a lookup table): convert it with Image > Type > 8-bit or RGB Color first.");
		}
	}

	private interface PlaneWrapper<T> {

		RandomAccessibleInterval<T> wrap(Object pixels);
	}

	private static <T extends RealType<T>> RandomAccessibleInterval<T> wrapPlanes(final ImagePlus imp,
		final PlaneWrapper<T> wrapper)
	{
		final ImageStack stack = imp.getStack();
		final int c = imp.getNChannels();
		final int n = stack.getSize() / c;
		final List<RandomAccessibleInterval<T>> samples = new ArrayList<>(n);
		for (int s = 0; s < n; s++) {
			final List<RandomAccessibleInterval<T>> channels = new ArrayList<>(c);
			for (int ch = 0; ch < c; ch++) {
				channels.add(wrapper.wrap(stack.getPixels(1 + ch + c * s)));
			}
			samples.add(Views.stack(channels));
		}
		return Views.stack(samples);
	}

	private static RandomAccessibleInterval<? extends RealType<?>> wrapRgb(final ImagePlus imp) {
		final ImageStack stack = imp.getStack();
		final int n = stack.getSize();
		final int w = imp.getWidth(), h = imp.getHeight();
		final List<RandomAccessibleInterval<net.imglib2.type.numeric.integer.UnsignedByteType>> samples =
			new ArrayList<>(n);
		for (int s = 1; s <= n; s++) {
			final ColorProcessor cp = (ColorProcessor) stack.getProcessor(s);
			final byte[] r = new byte[w * h], g = new byte[w * h], b = new byte[w * h];
			cp.getRGB(r, g, b);
			final List<RandomAccessibleInterval<net.imglib2.type.numeric.integer.UnsignedByteType>> ch =
				new ArrayList<>(3);
			ch.add(ArrayImgs.unsignedBytes(r, w, h));
			ch.add(ArrayImgs.unsignedBytes(g, w, h));
			ch.add(ArrayImgs.unsignedBytes(b, w, h));
			samples.add(Views.stack(ch));
		}
		return Views.stack(samples);
	}

	/**
	 * Copies an (X, Y), (X, Y, C) or (X, Y, C, N) image into a new 32-bit ImagePlus; channels
	 * become a hyperstack's channels and N its z-slices.
	 */
	public static ImagePlus toImagePlus(final String title, final RandomAccessibleInterval<? extends RealType<?>> img,
		final ImageLayout layout)
	{
		final long[] nchw = layout.nchw(img);
		final int n = (int) nchw[0], c = (int) nchw[1], h = (int) nchw[2], w = (int) nchw[3];
		final float[] all = NdImages.toFloats(img);
		final ImageStack stack = new ImageStack(w, h);
		final int plane = w * h;
		for (int i = 0; i < n * c; i++) {
			final float[] p = new float[plane];
			System.arraycopy(all, i * plane, p, 0, plane);
			stack.addSlice(new FloatProcessor(w, h, p));
		}
		final ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(c, n, 1);
		if (c > 1) imp.setOpenAsHyperStack(true);
		imp.resetDisplayRange();
		return imp;
	}
}
