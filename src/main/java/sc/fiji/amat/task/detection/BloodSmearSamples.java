package sc.fiji.amat.task.detection;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates the detection sample data: RGB blood-smear-like images on a pale pink plasma
 * background with an uneven illumination, holding three cell classes that differ in size, shape
 * and colour:
 * <ul>
 * <li><b>red cell</b>: the most frequent, medium, round to slightly elliptical, red-pink with a
 * paler centre (the biconcave disc), often overlapping one another;</li>
 * <li><b>white cell</b>: rare, the largest, a pale lilac cytoplasm around a dark purple, lobed
 * nucleus;</li>
 * <li><b>platelet</b>: small, dark violet, irregular.</li>
 * </ul>
 * Each box is the tight bounding box of its cell's drawn shape (pixel-edge coordinates), fully
 * inside the image. Images may have no white cell or no platelet. Per-pixel Gaussian noise.
 * Deterministic: the same seed gives the same images. The ImageJ side of the task writes them as
 * files ({@code sc.fiji.amat.task.detection.ij.DetectionImageJType#writeSamples}).
 */
public final class BloodSmearSamples {

	public static final List<String> CLASSES = List.of("red cell", "white cell", "platelet");

	private final int size;
	private final long seed;

	public BloodSmearSamples(final int size, final long seed) {
		this.size = size;
		this.seed = seed;
	}

	/** One generated image: packed RGB pixels and its boxes. */
	public static final class Sample {

		public final int[] rgb;
		public final Boxes boxes;

		Sample(final int[] rgb, final Boxes boxes) {
			this.rgb = rgb;
			this.boxes = boxes;
		}
	}

	/** Sample i. */
	public Sample sample(final int i) {
		final Random r = new Random(seed * 1_000_003L + i);
		final double s = size / 64.0;
		final double[][] img = new double[3][size * size];
		// plasma background with a smooth illumination gradient
		final double bg0 = 228 + 12 * r.nextDouble(), gx = (r.nextDouble() - 0.5) * 0.15, gy = (r.nextDouble() - 0.5) *
			0.15;
		for (int y = 0; y < size; y++) {
			for (int x = 0; x < size; x++) {
				final double light = 1 + gx * (x - size / 2.0) / size * 2 + gy * (y - size / 2.0) / size * 2;
				img[0][y * size + x] = bg0 * light;
				img[1][y * size + x] = (bg0 - 22) * light;
				img[2][y * size + x] = (bg0 - 12) * light;
			}
		}
		final List<Box> boxes = new ArrayList<>();
		final int reds = 4 + r.nextInt(6), whites = r.nextDouble() < 0.6 ? 1 + (r.nextDouble() < 0.2 ? 1 : 0) : 0,
				platelets = r.nextInt(5);
		// white cells are placed first and drawn last: other cells keep their centres out of them
		final double[][] white = new double[whites][];
		for (int k = 0; k < whites; k++) {
			final double rx = (9 + 2.5 * r.nextDouble()) * s, ry = rx * (0.9 + 0.2 * r.nextDouble());
			white[k] = new double[] { place(r, rx), place(r, ry), rx, ry };
		}
		for (int k = 0; k < reds; k++) {
			final double rx = (5 + 2 * r.nextDouble()) * s, ry = rx * (0.85 + 0.3 * r.nextDouble());
			final double[] c = placeOutside(r, rx, ry, white);
			if (c == null) continue;
			final double cx = c[0], cy = c[1];
			final double cr = 190 + 30 * r.nextDouble(), cg = 70 + 30 * r.nextDouble(), cb = 90 + 25 * r.nextDouble();
			final double pale = 0.35 + 0.25 * r.nextDouble();
			draw(img, cx, cy, rx, ry, 0, null, (d, t) -> {
				// biconcave: paler towards the centre
				final double f = d < 0.55 ? pale * (1 - d / 0.55) : 0;
				return new double[] { cr + (235 - cr) * f, cg + (190 - cg) * f, cb + (200 - cb) * f };
			});
			boxes.add(box("red cell", cx, cy, rx, ry));
		}
		for (int k = 0; k < platelets; k++) {
			final double rx = (1.6 + 1.2 * r.nextDouble()) * s, ry = rx * (0.7 + 0.5 * r.nextDouble());
			final double[] c = placeOutside(r, rx, ry, white);
			if (c == null) continue;
			final double[] amp = { 0, 0, 0.15 * r.nextDouble(), 0.15 * r.nextDouble() };
			final double ph = 2 * Math.PI * r.nextDouble();
			final double c0 = 95 + 30 * r.nextDouble();
			final double[] ext = draw(img, c[0], c[1], rx, ry, ph, amp, (d, t) -> new double[] { c0 + 10, c0 - 40, c0 +
				45 });
			boxes.add(new Box("platelet", ext[0], ext[1], ext[2], ext[3]));
		}
		for (final double[] wc : white) {
			final double cx = wc[0], cy = wc[1], rx = wc[2], ry = wc[3];
			final int lobes = 2 + r.nextInt(3);
			final double ph = 2 * Math.PI * r.nextDouble();
			final double nuc = 0.55 + 0.15 * r.nextDouble(), dark = 70 + 30 * r.nextDouble();
			draw(img, cx, cy, rx, ry, 0, null, (d, t) -> {
				final double nr = nuc * (1 + 0.22 * Math.cos(lobes * t + ph));
				return d < nr ? new double[] { dark + 20, dark - 25, dark + 75 } : new double[] { 205, 180, 215 };
			});
			boxes.add(box("white cell", cx, cy, rx, ry));
		}
		final double noise = 4 + 5 * r.nextDouble();
		final int[] rgb = new int[size * size];
		for (int p = 0; p < size * size; p++) {
			int v = 0;
			for (int c = 0; c < 3; c++) {
				final long q = Math.round(img[c][p] + noise * r.nextGaussian());
				v = v << 8 | (int) Math.max(0, Math.min(255, q));
			}
			rgb[p] = v;
		}
		return new Sample(rgb, new Boxes(boxes));
	}

	/**
	 * A centre for a cell of half-axes rx, ry inside the image whose box centre lies outside every
	 * white cell (so a white cell drawn over it leaves it visible); null after 20 tries.
	 */
	private double[] placeOutside(final Random r, final double rx, final double ry, final double[][] white) {
		for (int tries = 0; tries < 20; tries++) {
			final double cx = place(r, rx), cy = place(r, ry);
			boolean free = true;
			for (final double[] w : white) {
				final double dx = (cx - w[0]) / (w[2] + 0.5 * rx), dy = (cy - w[1]) / (w[3] + 0.5 * ry);
				if (dx * dx + dy * dy < 1) free = false;
			}
			if (free) return new double[] { cx, cy };
		}
		return null;
	}

	/** A centre such that a cell of that half-axis lies inside the image with a pixel to spare. */
	private double place(final Random r, final double radius) {
		final double lo = radius + 1, hi = size - radius - 1;
		return lo + (hi - lo) * r.nextDouble();
	}

	private Box box(final String cls, final double cx, final double cy, final double rx, final double ry) {
		return new Box(cls, cx - rx, cy - ry, cx + rx, cy + ry);
	}

	private interface Shade {

		/** Colour at normalised radius d (0 centre, 1 edge) and angle t. */
		double[] at(double d, double t);
	}

	/**
	 * Paints an ellipse (half-axes rx, ry; with {@code amp}, a radius that varies with angle by
	 * harmonics 2, 3) with a soft 1-pixel edge over the image; returns its extent
	 * [x0, y0, x1, y1] (the ellipse's, or the varied shape's when amp is given).
	 */
	private double[] draw(final double[][] img, final double cx, final double cy, final double rx, final double ry,
		final double phase, final double[] amp, final Shade shade)
	{
		double x0 = cx + rx, y0 = cy + ry, x1 = cx - rx, y1 = cy - ry;
		if (amp != null) {
			for (int a = 0; a < 360; a++) {
				final double t = Math.toRadians(a);
				final double f = radius(t, amp, phase);
				final double px = cx + rx * f * Math.cos(t), py = cy + ry * f * Math.sin(t);
				x0 = Math.min(x0, px);
				y0 = Math.min(y0, py);
				x1 = Math.max(x1, px);
				y1 = Math.max(y1, py);
			}
		}
		else {
			x0 = cx - rx;
			y0 = cy - ry;
			x1 = cx + rx;
			y1 = cy + ry;
		}
		final double scale = Math.max(rx, ry);
		for (int y = Math.max(0, (int) (cy - ry * 1.5) - 1); y <= Math.min(size - 1, (int) (cy + ry * 1.5) + 1); y++) {
			for (int x = Math.max(0, (int) (cx - rx * 1.5) - 1); x <= Math.min(size - 1, (int) (cx + rx * 1.5) + 1); x++) {
				final double dx = (x + 0.5 - cx) / rx, dy = (y + 0.5 - cy) / ry;
				final double t = Math.atan2(dy, dx);
				final double f = amp == null ? 1 : radius(t, amp, phase);
				final double d = Math.sqrt(dx * dx + dy * dy) / f;
				final double cover = Math.max(0, Math.min(1, (1 - d) * scale + 0.5));
				if (cover <= 0) continue;
				final double[] c = shade.at(Math.min(1, d), t);
				for (int ch = 0; ch < 3; ch++) {
					final int p = y * size + x;
					img[ch][p] = img[ch][p] * (1 - cover) + c[ch] * cover;
				}
			}
		}
		return new double[] { Math.max(0, x0), Math.max(0, y0), Math.min(size, x1), Math.min(size, y1) };
	}

	private static double radius(final double t, final double[] amp, final double phase) {
		return 1 + amp[2] * Math.cos(2 * t + phase) + amp[3] * Math.cos(3 * t + 2 * phase);
	}

	/** The README.md of sample data with {@code train} training and {@code test} test images. */
	public String readme(final int train, final int test) {
		return "# Detection sample data (generated)\n\n" + "Blood-smear-like RGB images of " + size + "x" + size +
			" pixels, " + train + " for training (`train-images.tif`) and " + test + " for testing (`test-images.tif`), " +
			"made by `BloodSmearSamples` (package `sc.fiji.amat.task.detection`) with seed " + seed + "; " +
			"`scripts/amat generate` writes them again, byte for byte.\n\n" +
			"Three classes (`classes.txt`), differing in size, shape and colour:\n\n" +
			"- **red cell**: 4 to 9 per image, 10 to 14 pixels across, round to slightly elliptical, red-pink with a " +
			"paler centre; they may overlap one another and the other cells;\n" +
			"- **white cell**: none, one or two, 18 to 23 pixels across, a pale lilac cytoplasm around a dark purple, " +
			"lobed nucleus, drawn on top;\n" +
			"- **platelet**: zero to four, 3 to 6 pixels across, dark violet, irregular.\n\n" +
			"Labels: `train-labels.csv` and `test-labels.csv`, one row per box: `image,class,xmin,ymin,xmax,ymax`, " +
			"image = slice number (1-based), coordinates in pixel edges (the box covers [xmin, xmax) x [ymin, ymax); " +
			"an ImageJ rectangle x, y, w, h is xmin = x, xmax = x + w). Each box is the tight bounding box of its " +
			"cell's drawn shape. Background: pale pink plasma with an uneven illumination; Gaussian noise on every " +
			"pixel.\n";
	}
}
