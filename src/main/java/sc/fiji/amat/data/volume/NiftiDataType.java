package sc.fiji.amat.data.volume;

import java.nio.ByteBuffer;

import sc.fiji.amat.AmatException;

/** The scalar NIfTI data types this project reads and writes (NIfTI's code and bits per voxel). */
public enum NiftiDataType {
	UINT8(2, 8, 0, 255), INT16(4, 16, Short.MIN_VALUE, Short.MAX_VALUE), INT32(8, 32, Integer.MIN_VALUE,
		Integer.MAX_VALUE), FLOAT32(16, 32, 0, 0), FLOAT64(64, 64, 0, 0), INT8(256, 8, Byte.MIN_VALUE, Byte.MAX_VALUE),
	UINT16(512, 16, 0, 65535), UINT32(768, 32, 0, 4294967295.0), INT64(1024, 64, Long.MIN_VALUE, Long.MAX_VALUE),
	UINT64(1280, 64, 0, 18446744073709551615.0);

	public final int code;
	public final int bitpix;
	private final double min, max;

	NiftiDataType(final int code, final int bitpix, final double min, final double max) {
		this.code = code;
		this.bitpix = bitpix;
		this.min = min;
		this.max = max;
	}

	public int bytes() {
		return bitpix / 8;
	}

	public boolean isInteger() {
		return this != FLOAT32 && this != FLOAT64;
	}

	/** The type of a NIfTI datatype code, or an error naming the file. */
	public static NiftiDataType of(final int code, final Object file) {
		for (final NiftiDataType t : values()) {
			if (t.code == code) return t;
		}
		throw new AmatException(file + " stores NIfTI data type " + code +
			", which is not supported: convert it to a scalar type (uint8, int16, uint16, int32, float32 or float64).");
	}

	/** The next value of the buffer as a double. */
	double read(final ByteBuffer b) {
		switch (this) {
			case UINT8:
				return b.get() & 0xff;
			case INT8:
				return b.get();
			case INT16:
				return b.getShort();
			case UINT16:
				return b.getShort() & 0xffff;
			case INT32:
				return b.getInt();
			case UINT32:
				return b.getInt() & 0xffffffffL;
			case INT64:
				return b.getLong();
			case UINT64: {
				final long v = b.getLong();
				return v >= 0 ? v : (v >>> 1) * 2.0 + (v & 1);
			}
			case FLOAT32:
				return b.getFloat();
			default:
				return b.getDouble();
		}
	}

	/** Puts a value, rounded and clamped to the type's range for integer types (NaN becomes 0). */
	void write(final ByteBuffer b, final double value) {
		double v = value;
		if (isInteger()) v = Double.isNaN(v) ? 0 : Math.max(min, Math.min(max, Math.rint(v)));
		switch (this) {
			case UINT8:
			case INT8:
				b.put((byte) (long) v);
				break;
			case INT16:
			case UINT16:
				b.putShort((short) (long) v);
				break;
			case INT32:
			case UINT32:
				b.putInt((int) (long) v);
				break;
			case INT64:
				b.putLong((long) v);
				break;
			case UINT64:
				b.putLong(v >= 9.223372036854775807E18 ? (long) (v - 9.223372036854775807E18) ^ Long.MIN_VALUE : (long) v);
				break;
			case FLOAT32:
				b.putFloat((float) v);
				break;
			default:
				b.putDouble(v);
		}
	}
}
