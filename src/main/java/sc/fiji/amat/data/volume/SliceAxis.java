package sc.fiji.amat.data.volume;

import java.util.Locale;

import sc.fiji.amat.AmatException;

/**
 * The axis a volume is cut along into 2D slices. For a volume of X x Y x Z voxels (x fastest):
 * {@code z} slices are X wide and Y high (axial in a RAS-ordered scan), {@code y} slices X wide
 * and Z high, {@code x} slices Y wide and Z high; rows run along the second axis, in index order.
 */
public enum SliceAxis {
	X, Y, Z;

	public static SliceAxis parse(final String text) {
		final String t = text.trim().toLowerCase(Locale.ROOT);
		for (final SliceAxis a : values()) {
			if (a.label().equals(t)) return a;
		}
		throw new AmatException("Unknown slice axis '" + text + "': use x, y or z.");
	}

	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The number of slices of a volume of the given x, y, z size. */
	public int count(final int[] xyz) {
		return xyz[ordinal()];
	}

	/** {width, height} of a slice of a volume of the given x, y, z size. */
	public int[] plane(final int[] xyz) {
		switch (this) {
			case X:
				return new int[] { xyz[1], xyz[2] };
			case Y:
				return new int[] { xyz[0], xyz[2] };
			default:
				return new int[] { xyz[0], xyz[1] };
		}
	}

	/** The flat index in the volume (x fastest) of pixel (col, row) of slice k. */
	public long index(final int[] xyz, final int k, final int col, final int row) {
		final long x, y, z;
		switch (this) {
			case X:
				x = k;
				y = col;
				z = row;
				break;
			case Y:
				x = col;
				y = k;
				z = row;
				break;
			default:
				x = col;
				y = row;
				z = k;
		}
		return x + (long) xyz[0] * (y + (long) xyz[1] * z);
	}

	/** Copies slice k of channel volume {@code c} (offset c x X x Y x Z) into {@code plane} (row by row). */
	public void copy(final float[] volume, final int[] xyz, final int c, final int k, final float[] plane,
		final int planeOffset)
	{
		final int[] wh = plane(xyz);
		final long base = (long) c * xyz[0] * xyz[1] * xyz[2];
		for (int row = 0; row < wh[1]; row++) {
			for (int col = 0; col < wh[0]; col++) {
				plane[planeOffset + row * wh[0] + col] = volume[(int) (base + index(xyz, k, col, row))];
			}
		}
	}

	/** Writes a slice (row by row, {@code width} wide, possibly padded) back into the volume. */
	public void paste(final float[] plane, final int width, final int[] xyz, final int k, final float[] volume) {
		final int[] wh = plane(xyz);
		for (int row = 0; row < wh[1]; row++) {
			for (int col = 0; col < wh[0]; col++) {
				volume[(int) index(xyz, k, col, row)] = plane[row * width + col];
			}
		}
	}
}
