package sc.fiji.amat.task.segmentation;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

import sc.fiji.amat.data.volume.MsdDataset;
import sc.fiji.amat.data.volume.Nifti;
import sc.fiji.amat.data.volume.NiftiDataType;
import sc.fiji.amat.data.volume.NiftiHeader;

/**
 * Generates the volume sample data: a Medical Segmentation Decathlon style folder of small
 * MRI-like volumes (4 training, 2 test; 64 x 64 in-plane, 1.25 mm, 14 to 20 slices of 3 mm) of a
 * body with an organ-like ring (class 1, a thick-walled shell around a bright cavity, over part
 * of the slices) and an irregular blob (class 2, an ellipsoid with a wavy outline, over other
 * slices), with a smooth bias field and Rician noise; slices near the ends show neither, so the
 * empty-slice option matters. Deterministic: the same seed gives the same files.
 */
public final class VolumeSamples {

	public static final int SIZE = 64, TRAINING = 4, TEST = 2;
	public static final String[] CLASSES = SegmentationSamples.CLASSES;

	private final long seed;

	public VolumeSamples(final long seed) {
		this.seed = seed;
	}

	/** The number of slices of volume i. */
	public int depth(final int i) {
		return 14 + new Random(seed * 7919 + i).nextInt(7);
	}

	/** Volume i: intensities and labels, x fastest, SIZE x SIZE x depth(i). */
	public void volume(final int i, final float[] image, final float[] label) {
		final Random r = new Random(seed * 1_000_003L + 17 * i + 5);
		final int n = depth(i), s = SIZE;
		final double bx = s / 2.0 + (r.nextDouble() - 0.5) * 6, by = s / 2.0 + (r.nextDouble() - 0.5) * 6;
		final double bodyA = 26 + 4 * r.nextDouble(), bodyB = 22 + 5 * r.nextDouble(), bodyI = 250 + 150 * r.nextDouble();
		// ring: an ellipsoidal shell, in mm-like voxel units (z counts 2.4 in-plane voxels per slice)
		final double rx = bx + (r.nextDouble() - 0.5) * 12, ry = by + (r.nextDouble() - 0.5) * 8;
		final double rz = n * (0.35 + 0.1 * r.nextDouble()), ringR = 9 + 4 * r.nextDouble(), ringT = 3.5 + 2 * r
			.nextDouble();
		final double ringZ = n * (0.25 + 0.1 * r.nextDouble()) * 2.4, ringI = 120 + 200 * r.nextDouble();
		final double cavityI = 700 + 500 * r.nextDouble();
		// blob: an ellipsoid on the other side, its outline wavy with angle
		final double angle = Math.atan2(ry - by, rx - bx) + Math.PI + (r.nextDouble() - 0.5);
		final double blobR = 6 + 4 * r.nextDouble();
		final double cx = Math.max(blobR + 2, Math.min(s - blobR - 2, bx + (ringR + blobR) * Math.cos(angle)));
		final double cy = Math.max(blobR + 2, Math.min(s - blobR - 2, by + (ringR + blobR) * Math.sin(angle)));
		final double cz = n * (0.55 + 0.1 * r.nextDouble()), blobZ = n * (0.2 + 0.1 * r.nextDouble()) * 2.4;
		final double amp = 0.15 + 0.1 * r.nextDouble(), phase = 2 * Math.PI * r.nextDouble();
		final double blobI = r.nextDouble() < 0.3 ? 60 + 80 * r.nextDouble() : 550 + 500 * r.nextDouble();
		final double b1 = (r.nextDouble() - 0.5) * 0.6, b2 = (r.nextDouble() - 0.5) * 0.6, b3 = (r.nextDouble() - 0.5) *
			0.4;
		final double sigma = 15 + 25 * r.nextDouble();
		int v = 0;
		for (int z = 0; z < n; z++) {
			for (int y = 0; y < s; y++) {
				for (int x = 0; x < s; x++, v++) {
					final double ex = (x - bx) / bodyA, ey = (y - by) / bodyB;
					final double body = soft(1 - Math.sqrt(ex * ex + ey * ey), 1.5 / bodyA);
					double val = 20 + body * (bodyI * (1 + 0.06 * Math.sin(0.21 * x + 0.17 * y + 0.4 * z)) - 20);
					final double dz = (z - rz) * 2.4 / ringZ;
					final double inPlane = Math.sqrt((x - rx) * (x - rx) + (y - ry) * (y - ry));
					final double d = Math.sqrt(inPlane * inPlane + dz * dz * ringR * ringR);
					final double ring = Math.abs(dz) < 1 ? soft(ringT / 2 - Math.abs(d - ringR), 0.6) : 0;
					final double cavity = Math.abs(dz) < 1 ? soft(ringR - ringT / 2 - d, 0.6) : 0;
					val = val * (1 - ring - cavity) + ringI * ring + cavityI * cavity;
					final double theta = Math.atan2(y - cy, x - cx);
					final double rad = blobR * (1 + amp * Math.cos(3 * theta + phase + 0.3 * z));
					final double bz = (z - cz) * 2.4 / blobZ;
					final double bd = Math.sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)) / rad;
					final double blobDist = (1 - Math.sqrt(bd * bd + bz * bz)) * rad;
					final double blob = soft(blobDist, 0.6);
					val = val * (1 - blob) + blobI * blob;
					final double nx = (x - s / 2.0) / s * 2, ny = (y - s / 2.0) / s * 2;
					val *= Math.exp(b1 * nx + b2 * ny + b3 * nx * ny);
					final double n1 = r.nextGaussian() * sigma, n2 = r.nextGaussian() * sigma;
					image[v] = Math.round(Math.sqrt((val + n1) * (val + n1) + n2 * n2));
					label[v] = blobDist > 0 ? 2 : Math.abs(dz) < 1 && Math.abs(d - ringR) < ringT / 2 ? 1 : 0;
				}
			}
		}
	}

	private static double soft(final double signedDistance, final double width) {
		return 1 / (1 + Math.exp(-signedDistance / width));
	}

	/** The affine of every volume: 1.25 mm in-plane, 3 mm slices, x and y flipped (as scanners' LPS in RAS). */
	public static double[][] affine() {
		return new double[][] { { -1.25, 0, 0, 40 }, { 0, -1.25, 0, 40 }, { 0, 0, 3, -30 } };
	}

	/** Writes the dataset: dataset.json, imagesTr/, labelsTr/, imagesTs/, labelsTs/, README.md. */
	public void write(final Path folder) {
		final StringBuilder training = new StringBuilder(), test = new StringBuilder();
		for (int i = 0; i < TRAINING + TEST; i++) {
			final boolean tr = i < TRAINING;
			final String name = String.format(Locale.ROOT, "vol_%03d.nii.gz", i);
			final long[] dims = { SIZE, SIZE, depth(i) };
			final float[] image = new float[SIZE * SIZE * depth(i)], label = new float[image.length];
			volume(i, image, label);
			final NiftiHeader h = NiftiHeader.create(1, dims, NiftiDataType.INT16, new double[] { 1.25, 1.25, 3 }, affine());
			Nifti.write(folder.resolve(tr ? "imagesTr" : "imagesTs").resolve(name), image, dims, h, NiftiDataType.INT16);
			Nifti.write(folder.resolve(tr ? "labelsTr" : "labelsTs").resolve(name), label, dims, h, NiftiDataType.UINT8);
			if (tr) training.append(training.length() == 0 ? "" : ",\n    ").append("{\"image\": \"./imagesTr/").append(
				name).append("\", \"label\": \"./labelsTr/").append(name).append("\"}");
			else test.append(test.length() == 0 ? "" : ", ").append("\"./imagesTs/").append(name).append('"');
		}
		final String json = "{\n  \"name\": \"AMAT volume samples\",\n" +
			"  \"description\": \"Synthetic MRI-like volumes: a ring and a blob (scripts/amat generate, seed " + seed +
			")\",\n  \"tensorImageSize\": \"3D\",\n  \"modality\": {\"0\": \"MRI\"},\n" +
			"  \"labels\": {\"0\": \"background\", \"1\": \"ring\", \"2\": \"blob\"},\n  \"numTraining\": " + TRAINING +
			",\n  \"numTest\": " + TEST + ",\n  \"training\": [\n    " + training + "\n  ],\n  \"test\": [" + test +
			"]\n}\n";
		sc.fiji.amat.AtomicFiles.writeText(folder.resolve(MsdDataset.JSON), "the dataset description", json);
		sc.fiji.amat.AtomicFiles.writeText(folder.resolve("README.md"), "the sample data's README", readme());
	}

	private String readme() {
		return "# Volume sample data\n\n" + //
			"Generated by `scripts/amat generate` (class `sc.fiji.amat.task.segmentation.VolumeSamples`, seed " + seed +
			"):\ndeterministic, so the same command writes the same files. A Medical Segmentation Decathlon style\n" +
			"folder (see [docs/volumes.md](../../docs/volumes.md)):\n\n" + //
			"- `dataset.json`: one modality (MRI), labels 0 background, 1 ring, 2 blob; 4 training and 2 test volumes;\n" +
			"- `imagesTr/`, `imagesTs/`: 64 x 64 x 14 to 20 voxels of 1.25 x 1.25 x 3 mm, int16, .nii.gz: a body\n" +
			"  with an organ-like ring (a thick-walled shell around a bright cavity) and an irregular blob, over\n" +
			"  different slices, a smooth bias field and Rician noise; the first and last slices are empty;\n" +
			"- `labelsTr/`, `labelsTs/`: uint8 label volumes on the same grid (same header and affine).\n";
	}
}
