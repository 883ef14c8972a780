package sc.fiji.amat.task.detection;

import java.util.Locale;

/**
 * An axis-aligned box of one object class in pixel-edge coordinates: the box covers
 * {@code [x0, x1) x [y0, y1)}, so an ImageJ rectangle (x, y, w, h) is (x, y, x + w, y + h) and
 * the pixel (i, j) is the unit square from (i, j). A ground-truth box has no score (NaN); a
 * predicted box has a score in [0, 1].
 */
public final class Box {

	public final String className;
	public final double x0, y0, x1, y1;
	public final double score;

	public Box(final String className, final double x0, final double y0, final double x1, final double y1) {
		this(className, x0, y0, x1, y1, Double.NaN);
	}

	public Box(final String className, final double x0, final double y0, final double x1, final double y1,
		final double score)
	{
		if (className == null) throw new IllegalArgumentException("A box needs a class name");
		this.className = className;
		this.x0 = x0;
		this.y0 = y0;
		this.x1 = x1;
		this.y1 = y1;
		this.score = score;
	}

	public double width() {
		return x1 - x0;
	}

	public double height() {
		return y1 - y0;
	}

	public double centerX() {
		return (x0 + x1) / 2;
	}

	public double centerY() {
		return (y0 + y1) / 2;
	}

	public double area() {
		return Math.max(0, width()) * Math.max(0, height());
	}

	/** Intersection over union of two boxes (0 when both are empty). */
	public static double iou(final Box a, final Box b) {
		final double iw = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
		final double ih = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
		if (iw <= 0 || ih <= 0) return 0;
		final double inter = iw * ih;
		final double union = a.area() + b.area() - inter;
		return union <= 0 ? 0 : inter / union;
	}

	/** This box with a score. */
	public Box withScore(final double s) {
		return new Box(className, x0, y0, x1, y1, s);
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%s [%.1f, %.1f, %.1f, %.1f]%s", className, x0, y0, x1, y1, Double.isNaN(score)
			? "" : String.format(Locale.ROOT, " %.3f", score));
	}

	/** Same class, corners and score (NaN equals NaN): a value, as labels must be. */
	@Override
	public boolean equals(final Object o) {
		if (!(o instanceof Box)) return false;
		final Box b = (Box) o;
		return className.equals(b.className) && Double.compare(x0, b.x0) == 0 && Double.compare(y0, b.y0) == 0 && Double
			.compare(x1, b.x1) == 0 && Double.compare(y1, b.y1) == 0 && Double.compare(score, b.score) == 0;
	}

	@Override
	public int hashCode() {
		return java.util.Objects.hash(className, x0, y0, x1, y1, score);
	}
}
