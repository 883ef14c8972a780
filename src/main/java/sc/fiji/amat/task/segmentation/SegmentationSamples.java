package sc.fiji.amat.task.segmentation;

import java.util.Arrays;
import java.util.Random;

/**
 * Generates the segmentation sample data: MRI-like 2D slices of a body with an organ-like ring
 * (class 1, like the myocardium around a bright cavity) and an irregular blob (class 2), with
 * varied shape, size and contrast, a smooth multiplicative bias field and Rician noise.
 * Deterministic: the same seed gives the same images. The ImageJ side of the task writes them as
 * files ({@code sc.fiji.amat.task.segmentation.ij.SegmentationImageJType#writeSamples}).
 */
public final class SegmentationSamples {

	public static final String[] CLASSES = { "background", "ring", "blob" };

	private final int size;
	private final long seed;

	public SegmentationSamples(final int size, final long seed) {
		this.size = size;
		this.seed = seed;
	}

	/** Sample i: 16-bit intensities and class labels, row by row. */
	public void sample(final int i, final short[] image, final byte[] label) {
		final Random r = new Random(seed * 1_000_003L + i);
		final double s = size / 64.0; // geometry is designed at 64x64 and scales with the size
		final double bx = size / 2.0 + (r.nextDouble() - 0.5) * 6 * s, by = size / 2.0 + (r.nextDouble() - 0.5) * 6 * s;
		final double bodyA = (26 + 4 * r.nextDouble()) * s, bodyB = (22 + 6 * r.nextDouble()) * s;
		final double bodyI = 250 + 150 * r.nextDouble();

		// ring: annulus around a bright cavity, slightly elliptical and rotated
		final double ringR = (8 + 5 * r.nextDouble()) * s, ringT = (3.5 + 2.5 * r.nextDouble()) * s;
		final double ringE = 0.85 + 0.3 * r.nextDouble(), ringRot = Math.PI * r.nextDouble();
		final double ringI = 120 + 250 * r.nextDouble(), cavityI = 700 + 600 * r.nextDouble();
		final double ringDist = (2 + 8 * r.nextDouble()) * s, ringAngle = 2 * Math.PI * r.nextDouble();
		final double rx = bx + ringDist * Math.cos(ringAngle), ry = by + ringDist * Math.sin(ringAngle);

		// blob: a radius that varies with angle (harmonics 2..4), away from the ring
		final double blobR = (5 + 5 * r.nextDouble()) * s;
		final double[] amp = new double[5], phase = new double[5];
		for (int k = 2; k <= 4; k++) {
			amp[k] = 0.25 * r.nextDouble() / (k - 1);
			phase[k] = 2 * Math.PI * r.nextDouble();
		}
		final double away = ringR + ringT / 2 + blobR * 1.3 + 2 * s;
		final double blobAngle = ringAngle + Math.PI + (r.nextDouble() - 0.5) * 1.6;
		final double cx = clamp(rx + away * Math.cos(blobAngle), blobR + 2, size - blobR - 2);
		final double cy = clamp(ry + away * Math.sin(blobAngle), blobR + 2, size - blobR - 2);
		final boolean darkBlob = r.nextDouble() < 0.3;
		final double blobI = darkBlob ? 60 + 80 * r.nextDouble() : 550 + 600 * r.nextDouble();

		// texture, bias field and noise
		final double[] tx = new double[3], ty = new double[3], tp = new double[3];
		for (int k = 0; k < 3; k++) {
			tx[k] = (0.1 + 0.3 * r.nextDouble()) / s;
			ty[k] = (0.1 + 0.3 * r.nextDouble()) / s;
			tp[k] = 2 * Math.PI * r.nextDouble();
		}
		final double b1 = (r.nextDouble() - 0.5) * 0.6, b2 = (r.nextDouble() - 0.5) * 0.6, b3 = (r.nextDouble() - 0.5) *
			0.4;
		final double sigma = 15 + 35 * r.nextDouble();
		final double gain = 0.6 + 0.8 * r.nextDouble();

		for (int y = 0; y < size; y++) {
			for (int x = 0; x < size; x++) {
				final double ex = (x - bx) / bodyA, ey = (y - by) / bodyB;
				final double body = soft(1 - Math.sqrt(ex * ex + ey * ey), 1.5 / bodyA);
				double texture = 0;
				for (int k = 0; k < 3; k++) texture += Math.sin(tx[k] * x + ty[k] * y + tp[k]);
				double v = 20 + body * (bodyI * (1 + 0.08 * texture) - 20);

				final double dx = x - rx, dy = y - ry;
				final double u = dx * Math.cos(ringRot) + dy * Math.sin(ringRot);
				final double w = (-dx * Math.sin(ringRot) + dy * Math.cos(ringRot)) / ringE;
				final double d = Math.sqrt(u * u + w * w);
				final double ring = soft(ringT / 2 - Math.abs(d - ringR), 0.6);
				final double cavity = soft(ringR - ringT / 2 - d, 0.6);
				v = v * (1 - ring - cavity) + ringI * ring + cavityI * cavity;

				final double bdx = x - cx, bdy = y - cy;
				final double theta = Math.atan2(bdy, bdx);
				double radius = blobR;
				for (int k = 2; k <= 4; k++) radius += blobR * amp[k] * Math.cos(k * theta + phase[k]);
				final double blobDist = radius - Math.sqrt(bdx * bdx + bdy * bdy);
				final double blob = soft(blobDist, 0.6);
				v = v * (1 - blob) + blobI * blob;

				final double nx = (x - size / 2.0) / size * 2, ny = (y - size / 2.0) / size * 2;
				v *= gain * Math.exp(b1 * nx + b2 * ny + b3 * nx * ny);
				final double n1 = r.nextGaussian() * sigma, n2 = r.nextGaussian() * sigma;
				v = Math.sqrt((v + n1) * (v + n1) + n2 * n2);

				image[y * size + x] = (short) Math.min(65535, Math.round(v));
				label[y * size + x] = (byte) (blobDist > 0 ? 2 : Math.abs(d - ringR) < ringT / 2 ? 1 : 0);
			}
		}
	}

	/** A smooth step: 0 well below 0, 1 well above, with the given edge width. */
	private static double soft(final double signedDistance, final double width) {
		return 1 / (1 + Math.exp(-signedDistance / width));
	}

	private static double clamp(final double v, final double lo, final double hi) {
		return Math.max(lo, Math.min(hi, v));
	}

	@Override
	public String toString() {
		return "segmentation samples " + size + "x" + size + ", seed " + seed + ", classes " + Arrays.toString(CLASSES);
	}
}
