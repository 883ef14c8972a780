package sc.fiji.amat.export;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protocol buffers wire format, as much of it as an ONNX file needs: varints, 32-bit
 * floats, strings, bytes and embedded messages (a message is written into its own writer, then
 * embedded as bytes). Repeated scalars are written unpacked, which every parser accepts.
 */
final class ProtoWriter {

	private static final int VARINT = 0, LENGTH_DELIMITED = 2, FIXED32 = 5;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private void tag(final int field, final int wireType) {
		varint(((long) field << 3) | wireType);
	}

	private void varint(final long value) {
		long v = value;
		while ((v & ~0x7FL) != 0) {
			out.write((int) ((v & 0x7F) | 0x80));
			v >>>= 7;
		}
		out.write((int) v);
	}

	/** An int32, int64 or enum field (a negative value takes ten bytes, as protobuf writes it). */
	ProtoWriter int64(final int field, final long value) {
		tag(field, VARINT);
		varint(value);
		return this;
	}

	ProtoWriter float32(final int field, final float value) {
		tag(field, FIXED32);
		final int bits = Float.floatToIntBits(value);
		for (int i = 0; i < 4; i++) out.write((bits >>> (8 * i)) & 0xFF);
		return this;
	}

	ProtoWriter bytes(final int field, final byte[] value) {
		tag(field, LENGTH_DELIMITED);
		varint(value.length);
		out.write(value, 0, value.length);
		return this;
	}

	ProtoWriter string(final int field, final String value) {
		return bytes(field, value.getBytes(StandardCharsets.UTF_8));
	}

	ProtoWriter message(final int field, final ProtoWriter message) {
		return bytes(field, message.toByteArray());
	}

	byte[] toByteArray() {
		return out.toByteArray();
	}
}
