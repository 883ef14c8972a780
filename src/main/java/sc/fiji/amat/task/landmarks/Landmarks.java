package sc.fiji.amat.task.landmarks;

import java.util.Arrays;

/**
 * The landmarks of one 2D image: K points in the task's landmark order, in pixels, as ImageJ
 * gives point coordinates (x to the right, y down, the numbers a point ROI or ImageJ's Results
 * table shows). {@link #source()} says where they were read from (a file and line, a slice), so
 * that error messages can name it.
 */
public final class Landmarks {

	private final float[] x, y;
	private final String source;

	public Landmarks(final float[] x, final float[] y, final String source) {
		if (x.length != y.length) throw new IllegalArgumentException("x and y differ in length");
		this.x = x.clone();
		this.y = y.clone();
		this.source = source;
	}

	public Landmarks(final float[] x, final float[] y) {
		this(x, y, null);
	}

	public int size() {
		return x.length;
	}

	public float x(final int k) {
		return x[k];
	}

	public float y(final int k) {
		return y[k];
	}

	/** Where these landmarks were read from, or null. */
	public String source() {
		return source;
	}

	/** The same points with another source description. */
	public Landmarks withSource(final String s) {
		return new Landmarks(x, y, s);
	}

	@Override
	public boolean equals(final Object o) {
		return o instanceof Landmarks && Arrays.equals(x, ((Landmarks) o).x) && Arrays.equals(y, ((Landmarks) o).y);
	}

	@Override
	public int hashCode() {
		return 31 * Arrays.hashCode(x) + Arrays.hashCode(y);
	}

	@Override
	public String toString() {
		final StringBuilder b = new StringBuilder("[");
		for (int k = 0; k < x.length; k++) b.append(k == 0 ? "" : ", ").append("(").append(x[k]).append(", ").append(
			y[k]).append(")");
		return b.append("]").toString();
	}
}
