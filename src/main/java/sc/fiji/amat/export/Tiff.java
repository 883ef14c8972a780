package sc.fiji.amat.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A minimal little-endian baseline TIFF of 32-bit float samples: one uncompressed page per
 * channel, each one strip. bioimage.io's sample tensors must be images that imageio reads
 * (not {@code .npy}); a C x H x W stack reads back as such (one page: H x W).
 */
final class Tiff {

	private static final int ENTRIES = 10, IFD_SIZE = 2 + 12 * ENTRIES + 4;

	private Tiff() {}

	static byte[] float32(final float[] values, final int channels, final int height, final int width) {
		final int plane = height * width;
		if (values.length != channels * plane) throw new IllegalArgumentException("size");
		final int pageSize = IFD_SIZE + 4 * plane;
		final ByteBuffer b = ByteBuffer.allocate(8 + channels * pageSize).order(ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
		for (int c = 0; c < channels; c++) {
			final int ifd = 8 + c * pageSize, data = ifd + IFD_SIZE;
			b.position(ifd);
			b.putShort((short) ENTRIES);
			entry(b, 256, 4, width); // ImageWidth
			entry(b, 257, 4, height); // ImageLength
			entry(b, 258, 3, 32); // BitsPerSample
			entry(b, 259, 3, 1); // Compression: none
			entry(b, 262, 3, 1); // Photometric: black is zero
			entry(b, 273, 4, data); // StripOffsets
			entry(b, 277, 3, 1); // SamplesPerPixel
			entry(b, 278, 4, height); // RowsPerStrip
			entry(b, 279, 4, 4 * plane); // StripByteCounts
			entry(b, 339, 3, 3); // SampleFormat: IEEE float
			b.putInt(c + 1 < channels ? ifd + pageSize : 0);
			for (int k = 0; k < plane; k++) b.putFloat(values[c * plane + k]);
		}
		return b.array();
	}

	/** One IFD entry of count 1: type 3 (SHORT) or 4 (LONG), the value in the entry. */
	private static void entry(final ByteBuffer b, final int tag, final int type, final int value) {
		b.putShort((short) tag).putShort((short) type).putInt(1);
		if (type == 3) b.putShort((short) value).putShort((short) 0);
		else b.putInt(value);
	}
}
