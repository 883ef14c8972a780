package sc.fiji.amat.task.landmarks;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Generates the landmark sample data: X-ray-like lateral skull profiles (a phantom, not
 * anatomy): a cranial vault with a bony shell, sella turcica, ear canal, orbit, nasal bone,
 * maxilla, incisors, a mandible and cervical vertebrae, each bone with its own random density,
 * soft tissue, a varied shape, pose (rotation, scale, shift), exposure, a heel-effect gradient
 * and noise; and 10 landmarks defined on that geometry, marked as a human annotator marks them:
 * off the geometric point by a random error of {@link #ANNOTATION_SD_MM} per axis, so that, as on
 * real cephalograms, no model can reach every annotation within 2 mm. Deterministic: the same seed
 * gives the same images. The ImageJ side of the task writes them as files
 * ({@code sc.fiji.amat.task.landmarks.ij.LandmarkImageJType#writeSamples}).
 */
public final class LandmarkSamples {

	public static final List<String> NAMES = Collections.unmodifiableList(Arrays.asList("sella", "nasion", "orbitale",
		"porion", "anterior nasal spine", "upper incisor tip", "lower incisor tip", "pogonion", "menton", "gonion"));

	/** The phantom's nominal pixel size at 64 x 64 pixels, mm (a scaled-down skull). */
	public static final double PIXEL_SIZE_64 = 1.0;

	/**
	 * The annotator's error, mm per axis (Gaussian, truncated at 2.5 sd): a mean radial error of about 1.25 mm, the size
	 * of the differences between two experts marking the same cephalogram.
	 */
	public static final double ANNOTATION_SD_MM = 1.0;

	private final int size;
	private final long seed;

	public LandmarkSamples(final int size, final long seed) {
		this.size = size;
		this.seed = seed;
	}

	public double pixelSize() {
		return PIXEL_SIZE_64 * 64.0 / size;
	}

	/** Sample i: 8-bit intensities row by row into {@code image}; returns its landmarks. */
	public Landmarks sample(final int i, final byte[] image) {
		final Random r = new Random(seed * 1_000_003L + i);
		final Phantom p = new Phantom(r);
		// pose: rotation, scale and shift about the image centre, in 64-pixel units
		final double rot = (r.nextDouble() - 0.5) * 0.24, scale = 0.92 + 0.12 * r.nextDouble();
		final double sx = (r.nextDouble() - 0.5) * 5, sy = (r.nextDouble() - 0.5) * 5 - 1.5;
		final double cos = Math.cos(rot), sin = Math.sin(rot), s = size / 64.0;
		// exposure, heel effect, noise
		final double gain = 200 + 50 * r.nextDouble(), base = 6 + 10 * r.nextDouble();
		final double heel = (r.nextDouble() - 0.5) * 0.3, noise = 2 + 4 * r.nextDouble();
		for (int y = 0; y < size; y++) {
			for (int x = 0; x < size; x++) {
				// image pixel -> phantom coordinates (64-pixel frame)
				final double ux = (x + 0.5) / s - 0.5 - 32 - sx, uy = (y + 0.5) / s - 0.5 - 32 - sy;
				final double px = 32 + (cos * ux + sin * uy) / scale, py = 32 + (-sin * ux + cos * uy) / scale;
				final double density = p.density(px, py);
				double v = base + gain * (1 - Math.exp(-1.3 * density)) * (1 + heel * (x / (double) size - 0.5));
				v += noise * r.nextGaussian();
				image[y * size + x] = (byte) Math.max(0, Math.min(255, Math.round(v)));
			}
		}
		final double[][] canon = p.landmarks();
		final double annotator = ANNOTATION_SD_MM / pixelSize();
		final float[] lx = new float[canon.length], ly = new float[canon.length];
		for (int k = 0; k < canon.length; k++) {
			final double dx = (canon[k][0] - 32) * scale, dy = (canon[k][1] - 32) * scale;
			// inverse of the pixel -> phantom map above
			final double ix = 32 + sx + cos * dx - sin * dy, iy = 32 + sy + sin * dx + cos * dy;
			lx[k] = (float) ((ix + 0.5) * s - 0.5 + annotator * error(r));
			ly[k] = (float) ((iy + 0.5) * s - 0.5 + annotator * error(r));
		}
		return new Landmarks(lx, ly);
	}

	/** A standard normal error truncated at 2.5: an annotator misses by a little, never by a bone. */
	private static double error(final Random r) {
		double e;
		do e = r.nextGaussian(); while (Math.abs(e) > 2.5);
		return e;
	}

	/** One skull profile in a 64 x 64 frame facing right, y down. */
	static final class Phantom {

		final double cx, cy, a, b, shell, vault, brain, soft;
		final double[] nasion, orbit, sella, porion, ans, uit, lit, pog, me, go, co;
		final double orbitR, nasalTipX, nasalTipY, maxilla, teeth, mandible, spine, petrous, mandibleW;

		Phantom(final Random r) {
			cx = 29 + 2 * u(r);
			cy = 25 + 1.5 * u(r);
			a = 20 + 1.5 * u(r);
			b = 16.5 + 1.5 * u(r);
			shell = 2.2 + 0.8 * r.nextDouble();
			final double tn = 0.42 + 0.08 * u(r);
			nasion = new double[] { cx + a * Math.cos(tn), cy + b * Math.sin(tn) };
			orbitR = 3 + 0.4 * u(r);
			orbit = new double[] { nasion[0] - 6.5 + 0.8 * u(r), nasion[1] + 0.5 + 0.8 * u(r) };
			sella = new double[] { cx - 4 + 1.5 * u(r), cy + 4.5 + 1.2 * u(r) };
			porion = new double[] { cx - 13 + 1.2 * u(r), cy + 9 + 1.0 * u(r) };
			nasalTipX = nasion[0] + 3.5 + 0.8 * u(r);
			nasalTipY = nasion[1] + 5 + 0.8 * u(r);
			ans = new double[] { nasion[0] + 2 + 1.0 * u(r), nasion[1] + 10 + 1.2 * u(r) };
			uit = new double[] { ans[0] - 1 + 0.8 * u(r), ans[1] + 8 + 1.0 * u(r) };
			lit = new double[] { uit[0] - 1.6 + 0.4 * u(r), uit[1] + 1.2 + 0.5 * u(r) };
			go = new double[] { cx - 9 + 1.5 * u(r), cy + 24 + 1.5 * u(r) };
			me = new double[] { lit[0] - 4 + 1.2 * u(r), go[1] + 6 + 1.0 * u(r) };
			pog = new double[] { me[0] + 3 + 0.8 * u(r), me[1] - 3.5 + 0.6 * u(r) };
			co = new double[] { porion[0] + 4, porion[1] + 2.5 };
			vault = 0.7 + 0.35 * r.nextDouble();
			brain = 0.18 + 0.1 * r.nextDouble();
			soft = 0.12 + 0.12 * r.nextDouble();
			maxilla = 0.45 + 0.35 * r.nextDouble();
			teeth = 1.0 + 0.4 * r.nextDouble();
			mandible = 0.55 + 0.45 * r.nextDouble();
			mandibleW = 2.6 + 0.8 * r.nextDouble();
			spine = 0.35 + 0.35 * r.nextDouble();
			petrous = 0.4 + 0.4 * r.nextDouble();
		}

		private static double u(final Random r) {
			return 2 * r.nextDouble() - 1;
		}

		/** The landmarks in {@link LandmarkSamples#NAMES} order, in the 64-pixel frame. */
		double[][] landmarks() {
			return new double[][] { sella, nasion, { orbit[0], orbit[1] + orbitR }, { porion[0], porion[1] - 1.6 }, ans,
				uit, lit, pog, me, go };
		}

		/** Radiographic density (sum of tissue along the beam) at a point. */
		double density(final double x, final double y) {
			// cranial vault: shell of bone around the brain
			final double e = Math.sqrt(sq((x - cx) / a) + sq((y - cy) / b));
			final double depth = (1 - e) * Math.min(a, b); // > 0 inside the outer surface
			double d = brain * soft(depth - shell, 0.6) + vault * soft(Math.min(depth, shell - depth), 0.5);
			// soft tissue: the head and the face and neck below it
			final double skin = Math.max(1.06 - Math.sqrt(sq((x - cx) / (a + 3)) + sq((y - cy - 1) / (b + 3))), 0);
			final double face = Math.max(1 - Math.sqrt(sq((x - (nasion[0] - 6)) / 11.5) + sq((y - (me[1] - 12)) / 15)), 0);
			final double neck = x > go[0] - 12 && x < go[0] + 8 && y > cy + 10 ? 1 : 0;
			d += soft * Math.min(1, 8 * Math.max(Math.max(skin, face), neck * 0.2));
			// sella turcica: a dark pit with a bright floor in the skull base
			final double ds = dist(x, y, sella[0], sella[1]);
			d += 0.7 * soft(0.7 - Math.abs(ds - 2.4), 0.35) * (y > sella[1] - 0.5 ? 1 : 0) - 0.12 * soft(2.2 - ds, 0.4);
			// petrous bone with the ear canal (dark) in it
			final double dp = dist(x, y, porion[0], porion[1]);
			d += petrous * soft(4.5 - Math.sqrt(sq((x - porion[0] - 1) / 1.3) + sq(y - porion[1])), 0.8);
			d -= (petrous + 0.2) * soft(1.6 - dp, 0.35);
			// orbit rim
			final double dor = dist(x, y, orbit[0], orbit[1]);
			d += 0.45 * soft(0.6 - Math.abs(dor - orbitR), 0.35);
			// nasal bone
			d += 0.6 * soft(0.7 - segment(x, y, nasion[0], nasion[1], nasalTipX, nasalTipY), 0.3);
			// maxilla, ending in the anterior nasal spine
			d += maxilla * soft(1.4 - segment(x, y, ans[0] - 11, ans[1] + 1.5, ans[0] - 1.2, ans[1]), 0.5);
			d += maxilla * soft(2.5 - segment(x, y, ans[0] - 10, ans[1] + 3.5, uit[0] - 2, uit[1] - 5), 0.6);
			// incisors
			d += teeth * soft(0.9 - segment(x, y, uit[0] - 2.2, uit[1] - 6.5, uit[0], uit[1]), 0.3);
			d += teeth * soft(0.8 - segment(x, y, pog[0] - 3, pog[1] - 2, lit[0], lit[1]), 0.3);
			// mandible: ramus, lower border, symphysis
			double m = segment(x, y, co[0], co[1], go[0], go[1]);
			m = Math.min(m, segment(x, y, go[0], go[1], me[0], me[1]));
			m = Math.min(m, segment(x, y, me[0], me[1], pog[0], pog[1]));
			m = Math.min(m, segment(x, y, pog[0], pog[1], lit[0] - 1, lit[1] + 2));
			d += mandible * soft(mandibleW / 2 - m, 0.45);
			// cervical vertebrae
			for (int v = 0; v < 4; v++) {
				final double vy = go[1] - 6 + v * 5.5, vx = go[0] - 7 - 0.6 * v;
				d += spine * soft(Math.min(Math.min(x - (vx - 2.5), vx + 2.5 - x), Math.min(y - (vy - 2), vy + 2 - y)), 0.5);
			}
			return Math.max(0, d);
		}

		private static double sq(final double v) {
			return v * v;
		}

		private static double dist(final double x, final double y, final double px, final double py) {
			return Math.sqrt(sq(x - px) + sq(y - py));
		}

		/** Distance from (x, y) to the segment from (x0, y0) to (x1, y1). */
		static double segment(final double x, final double y, final double x0, final double y0, final double x1,
			final double y1)
		{
			final double vx = x1 - x0, vy = y1 - y0;
			final double t = Math.max(0, Math.min(1, ((x - x0) * vx + (y - y0) * vy) / (vx * vx + vy * vy)));
			return dist(x, y, x0 + t * vx, y0 + t * vy);
		}

		/** A smooth step: 0 well below 0, 1 well above. */
		private static double soft(final double signedDistance, final double width) {
			return 1 / (1 + Math.exp(-signedDistance / width));
		}
	}

}
