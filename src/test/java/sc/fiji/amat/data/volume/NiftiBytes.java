package sc.fiji.amat.data.volume;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Test helper: NIfTI-1 files built byte by byte from the format's field offsets, independently
 * of the reader and writer under test.
 */
final class NiftiBytes {

	final ByteBuffer header;

	NiftiBytes(final ByteOrder order, final short[] dims, final int datatype, final int bitpix) {
		header = ByteBuffer.allocate(352).order(order);
		header.putInt(0, 348);
		header.putShort(40, (short) dims.length);
		for (int i = 0; i < 7; i++) header.putShort(42 + 2 * i, i < dims.length ? dims[i] : 1);
		header.putShort(70, (short) datatype);
		header.putShort(72, (short) bitpix);
		for (int i = 0; i < 8; i++) header.putFloat(76 + 4 * i, 1f);
		header.putFloat(108, 352f);
		header.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1');
	}

	NiftiBytes pixdim(final float qfac, final float x, final float y, final float z) {
		header.putFloat(76, qfac).putFloat(80, x).putFloat(84, y).putFloat(88, z);
		return this;
	}

	NiftiBytes scaling(final float slope, final float inter) {
		header.putFloat(112, slope).putFloat(116, inter);
		return this;
	}

	NiftiBytes qform(final float b, final float c, final float d, final float x, final float y, final float z) {
		header.putShort(252, (short) 1);
		header.putFloat(256, b).putFloat(260, c).putFloat(264, d).putFloat(268, x).putFloat(272, y).putFloat(276, z);
		return this;
	}

	/** Writes the header, 4 extension bytes and the data. */
	Path write(final Path file, final ByteBuffer data) throws IOException {
		final byte[] d = new byte[data.position()];
		data.flip();
		data.get(d);
		final byte[] all = new byte[352 + d.length];
		System.arraycopy(header.array(), 0, all, 0, 352);
		System.arraycopy(d, 0, all, 352, d.length);
		Files.write(file, all);
		return file;
	}

	private static final Pattern TWO_SENTENCES = Pattern.compile("[.!?]\\s+[A-Z]");

	/** One sentence: ends with a full stop, no second sentence, no line break. */
	static void assertOneSentence(final String message) {
		assertTrue(message.endsWith("."), message);
		assertFalse(TWO_SENTENCES.matcher(message).find(), message);
		assertFalse(message.contains("\n"), message);
	}
}
