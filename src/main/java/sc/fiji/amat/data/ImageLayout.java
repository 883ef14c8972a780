package sc.fiji.amat.data;

import net.imglib2.Interval;

import sc.fiji.amat.AmatException;

/**
 * Which imglib2 dimensions of an image mean what. X and Y always come first; channels (C) and
 * slices (N: 2D images or 2D slices of a volume, each a separate sample) may follow, in that
 * order. With this order, imglib2's flat iteration visits values exactly in NCHW order.
 */
public enum ImageLayout {
	XY(false, false), XYC(true, false), XYN(false, true), XYCN(true, true);

	private final boolean channels;
	private final boolean slices;

	ImageLayout(final boolean channels, final boolean slices) {
		this.channels = channels;
		this.slices = slices;
	}

	public int numDimensions() {
		return 2 + (channels ? 1 : 0) + (slices ? 1 : 0);
	}

	/** The shape {N, C, H, W} of an image of this layout. */
	public long[] nchw(final Interval image) {
		if (image.numDimensions() != numDimensions()) {
			throw new AmatException("An image with layout " + this + " needs " + numDimensions() + " dimensions, got " +
				image.numDimensions() + ".");
		}
		final long w = image.dimension(0), h = image.dimension(1);
		final long c = channels ? image.dimension(2) : 1;
		final long n = slices ? image.dimension(channels ? 3 : 2) : 1;
		return new long[] { n, c, h, w };
	}

	/** The layout for an image with the given numbers of channels and slices. */
	public static ImageLayout of(final boolean hasChannels, final boolean hasSlices) {
		return hasChannels ? hasSlices ? XYCN : XYC : hasSlices ? XYN : XY;
	}
}
