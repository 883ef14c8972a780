package sc.fiji.amat.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * NumPy's {@code .npy} format, version 1.0, for little-endian float32 arrays in C order: the
 * magic string, the version, a header dictionary padded with spaces to a multiple of 64 bytes,
 * then the values.
 */
public final class Npy {

	private Npy() {}

	public static byte[] float32(final float[] values, final long... shape) {
		long n = 1;
		final StringBuilder dims = new StringBuilder();
		for (final long d : shape) {
			n *= d;
			dims.append(d).append(", ");
		}
		if (n != values.length) throw new IllegalArgumentException(values.length + " values for " + n + " elements");
		// a 1-tuple keeps its comma, others lose the trailing one: (3,) and (1, 2, 3)
		final String tuple = shape.length == 1 ? dims.toString().trim() : dims.substring(0, Math.max(0, dims.length() -
			2));
		final StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (" + tuple +
			"), }");
		final int preamble = 10;
		while ((preamble + header.length() + 1) % 64 != 0) header.append(' ');
		header.append('\n');
		final byte[] h = header.toString().getBytes(StandardCharsets.US_ASCII);
		final ByteBuffer b = ByteBuffer.allocate(preamble + h.length + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
		b.putShort((short) h.length).put(h);
		b.asFloatBuffer().put(values);
		return b.array();
	}
}
