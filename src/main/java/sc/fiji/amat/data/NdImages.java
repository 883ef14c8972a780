package sc.fiji.amat.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

import sc.fiji.amat.AmatException;

/**
 * The bridge between imglib2 images and float32 NCHW tensors. X and Y come first in imglib2, so
 * an image of dimensions (X, Y, C, N) flattened in imglib2's order is an NCHW array.
 */
public final class NdImages {

	private NdImages() {}

	/** Copies any real-valued image into a float array in imglib2's flat (= NCHW) order. */
	public static float[] toFloats(final RandomAccessibleInterval<? extends RealType<?>> image) {
		final long size = Views.iterable(image).size();
		if (size > Integer.MAX_VALUE - 8) throw new AmatException("Image too large: " + size + " values.");
		final float[] out = new float[(int) size];
		int i = 0;
		for (final RealType<?> t : Views.flatIterable(image)) {
			out[i++] = t.getRealFloat();
		}
		return out;
	}

	/** An image as a float32 NCHW batch on the manager's device. */
	public static NDArray toBatch(final NDManager manager, final RandomAccessibleInterval<? extends RealType<?>> image,
		final ImageLayout layout)
	{
		return manager.create(toFloats(image), new Shape(layout.nchw(image)));
	}

	/** An NCHW (or CHW, or HW) float array as an imglib2 image of dimensions (X, Y, C, N). */
	public static ArrayImg<FloatType, FloatArray> toImg(final NDArray batch) {
		final long[] s = batch.getShape().getShape();
		final long n, c, h, w;
		switch (s.length) {
			case 4:
				n = s[0]; c = s[1]; h = s[2]; w = s[3];
				break;
			case 3:
				n = 1; c = s[0]; h = s[1]; w = s[2];
				break;
			case 2:
				n = 1; c = 1; h = s[0]; w = s[1];
				break;
			default:
				throw new AmatException("Expected an NCHW, CHW or HW array, got shape " + batch.getShape() + ".");
		}
		final float[] values = batch.getDataType() == DataType.FLOAT32 ? batch.toFloatArray()
			: batch.toType(DataType.FLOAT32, false).toFloatArray();
		return ArrayImgs.floats(values, w, h, c, n);
	}

	/** Copies float values in NCHW order into an existing image of the same size. */
	public static void copyInto(final float[] nchw, final RandomAccessibleInterval<? extends RealType<?>> target) {
		final Cursor<? extends RealType<?>> c = Views.flatIterable(target).cursor();
		int i = 0;
		while (c.hasNext()) {
			c.next().setReal(nchw[i++]);
		}
	}
}
