package sc.fiji.amat.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.engine.Engines;

class NdImagesTest {

	/** value(x, y, c, n) = 1000 n + 100 c + 10 y + x: every position distinguishable. */
	private static float code(final long x, final long y, final long c, final long n) {
		return 1000 * n + 100 * c + 10 * y + x;
	}

	@Test
	void xycnImageBecomesNchwWithChannelOrderKept() {
		final ArrayImg<FloatType, ?> img = ArrayImgs.floats(5, 4, 3, 2);
		final RandomAccess<FloatType> ra = img.randomAccess();
		for (int n = 0; n < 2; n++) for (int c = 0; c < 3; c++) for (int y = 0; y < 4; y++) for (int x = 0; x < 5; x++) {
			ra.setPositionAndGet(x, y, c, n).set(code(x, y, c, n));
		}
		try (NDManager m = Engines.pytorch().newBaseManager()) {
			final NDArray batch = NdImages.toBatch(m, img, ImageLayout.XYCN);
			assertEquals(new Shape(2, 3, 4, 5), batch.getShape());
			assertEquals(DataType.FLOAT32, batch.getDataType());
			assertEquals(code(4, 3, 2, 1), batch.getFloat(1, 2, 3, 4));
			assertEquals(code(1, 2, 0, 0), batch.getFloat(0, 0, 2, 1));
			assertEquals(code(0, 1, 2, 1), batch.getFloat(1, 2, 1, 0));
			final ArrayImg<FloatType, ?> back = NdImages.toImg(batch);
			assertArrayEquals(new long[] { 5, 4, 3, 2 }, back.dimensionsAsLongArray());
			assertArrayEquals(NdImages.toFloats(img), NdImages.toFloats(back));
		}
	}

	@Test
	void layoutsGiveTheirShapes() {
		assertArrayEquals(new long[] { 1, 1, 4, 5 }, ImageLayout.XY.nchw(ArrayImgs.floats(5, 4)));
		assertArrayEquals(new long[] { 1, 3, 4, 5 }, ImageLayout.XYC.nchw(ArrayImgs.floats(5, 4, 3)));
		assertArrayEquals(new long[] { 3, 1, 4, 5 }, ImageLayout.XYN.nchw(ArrayImgs.floats(5, 4, 3)));
		assertThrows(AmatException.class, () -> ImageLayout.XY.nchw(ArrayImgs.floats(5, 4, 3)));
	}

	@Test
	void pixelTypesConvertToTheirValues() {
		final ArrayImg<UnsignedByteType, ?> bytes = ArrayImgs.unsignedBytes(new byte[] { 0, 1, (byte) 255, (byte) 128 },
			2, 2);
		assertArrayEquals(new float[] { 0, 1, 255, 128 }, NdImages.toFloats(bytes));
		final ArrayImg<UnsignedShortType, ?> shorts = ArrayImgs.unsignedShorts(new short[] { 0, (short) 65535, 300,
			(short) 40000 }, 2, 2);
		assertArrayEquals(new float[] { 0, 65535, 300, 40000 }, NdImages.toFloats(shorts));
	}

	@Test
	void imagePlusIsWrappedWithoutCopy() {
		final float[] pixels = new float[6];
		final ImagePlus imp = new ImagePlus("f", new FloatProcessor(3, 2, pixels));
		@SuppressWarnings("unchecked")
		final RandomAccessibleInterval<FloatType> img = (RandomAccessibleInterval<FloatType>) ImagePlusImages.wrap(imp);
		assertArrayEquals(new long[] { 3, 2, 1, 1 }, img.dimensionsAsLongArray());
		img.randomAccess().setPositionAndGet(2, 1, 0, 0).set(7f);
		assertEquals(7f, pixels[5]);
	}

	@Test
	void hyperstackChannelsAndSlicesKeepTheirOrder() {
		final ImageStack stack = new ImageStack(2, 1);
		// ImageJ orders planes channel-fastest: (c0,z0) (c1,z0) (c0,z1) (c1,z1) (c0,z2) (c1,z2)
		for (int i = 0; i < 6; i++) stack.addSlice(new ShortProcessor(2, 1, new short[] { (short) (10 * i), (short) (10 *
			i + 1) }, null));
		final ImagePlus imp = new ImagePlus("h", stack);
		imp.setDimensions(2, 3, 1);
		final RandomAccessibleInterval<? extends RealType<?>> img = ImagePlusImages.wrap(imp);
		assertArrayEquals(new long[] { 2, 1, 2, 3 }, img.dimensionsAsLongArray());
		final RandomAccess<? extends RealType<?>> ra = img.randomAccess();
		assertEquals(41, ra.setPositionAndGet(1, 0, 0, 2).getRealFloat()); // plane 4 = (c0, z2)
		assertEquals(30, ra.setPositionAndGet(0, 0, 1, 1).getRealFloat()); // plane 3 = (c1, z1)
		final ImagePlus back = ImagePlusImages.toImagePlus("b", img, ImageLayout.XYCN);
		assertEquals(2, back.getNChannels());
		assertEquals(3, back.getNSlices());
		assertEquals(41f, back.getStack().getProcessor(5).getf(1, 0));
	}

	@Test
	void rgbBecomesThreeChannels() {
		final ColorProcessor cp = new ColorProcessor(1, 1);
		cp.set(0, 0, (10 << 16) | (20 << 8) | 30);
		final RandomAccessibleInterval<? extends RealType<?>> img = ImagePlusImages.wrap(new ImagePlus("rgb", cp));
		assertArrayEquals(new long[] { 1, 1, 3, 1 }, img.dimensionsAsLongArray());
		assertArrayEquals(new float[] { 10, 20, 30 }, NdImages.toFloats(img));
	}

	@Test
	void eightBitStackWrapsEverySlice() {
		final ImageStack stack = new ImageStack(1, 1);
		stack.addSlice(new ByteProcessor(1, 1, new byte[] { 5 }));
		stack.addSlice(new ByteProcessor(1, 1, new byte[] { (byte) 200 }));
		final RandomAccessibleInterval<? extends RealType<?>> img = ImagePlusImages.wrap(new ImagePlus("s", stack));
		assertArrayEquals(new long[] { 1, 1, 1, 2 }, img.dimensionsAsLongArray());
		assertArrayEquals(new float[] { 5, 200 }, NdImages.toFloats(img));
	}
}
