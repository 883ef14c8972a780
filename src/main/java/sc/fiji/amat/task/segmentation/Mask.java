package sc.fiji.amat.task.segmentation;

/** A 2D label image: one class index (0 to 255, 0 is background) per pixel, row by row. */
public final class Mask {

	private final byte[] classes;
	private final int width, height;

	public Mask(final byte[] classes, final int width, final int height) {
		if (classes.length != width * height) throw new IllegalArgumentException("Mask size mismatch");
		this.classes = classes;
		this.width = width;
		this.height = height;
	}

	public byte[] classes() {
		return classes;
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	/** The part of this mask in the rectangle, as a mask of its own. */
	public Mask crop(final int x0, final int y0, final int w, final int h) {
		if (x0 < 0 || y0 < 0 || x0 + w > width || y0 + h > height) throw new IllegalArgumentException("crop outside");
		final byte[] out = new byte[w * h];
		for (int y = 0; y < h; y++) System.arraycopy(classes, (y0 + y) * width + x0, out, y * w, w);
		return new Mask(out, w, h);
	}

	public int get(final int x, final int y) {
		return classes[y * width + x] & 0xff;
	}

	public int maxClass() {
		int max = 0;
		for (final byte b : classes) max = Math.max(max, b & 0xff);
		return max;
	}

	/** True when no pixel belongs to a foreground class. */
	public boolean isEmpty() {
		return maxClass() == 0;
	}

	@Override
	public boolean equals(final Object o) {
		return o instanceof Mask && ((Mask) o).width == width && java.util.Arrays.equals(((Mask) o).classes, classes);
	}

	@Override
	public int hashCode() {
		return 31 * width + java.util.Arrays.hashCode(classes);
	}
}
