package sc.fiji.amat.task.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.data.volume.EmptySlices;
import sc.fiji.amat.data.volume.Nifti;
import sc.fiji.amat.data.volume.NiftiDataType;
import sc.fiji.amat.data.volume.NiftiHeader;
import sc.fiji.amat.data.volume.SliceAxis;
import sc.fiji.amat.data.volume.VolumeSlicer;

/**
 * An MSD folder of two tiny volumes as slices: ids, class names, values, axes, padding, the
 * empty-slice option, and bad input (one sentence each, nothing written).
 */
class SegmentationVolumesTest {

	@TempDir
	Path dir;

	static final double[][] AFFINE = { { 0.8, 0.1, 0, -5 }, { -0.1, 0.8, 0, 3 }, { 0, 0, 2.5, 10 } };

	/** Image value at (x, y, z, c): x + 10 y + 100 z + 1000 c. */
	static float value(final int x, final int y, final int z, final int c) {
		return x + 10 * y + 100 * z + 1000 * c;
	}

	static void image(final Path f, final int[] xyz, final int channels, final double[][] affine) {
		final long[] dims = channels == 1 ? new long[] { xyz[0], xyz[1], xyz[2] } : new long[] { xyz[0], xyz[1], xyz[2],
			channels };
		final float[] v = new float[xyz[0] * xyz[1] * xyz[2] * channels];
		int i = 0;
		for (int c = 0; c < channels; c++) {
			for (int z = 0; z < xyz[2]; z++) {
				for (int y = 0; y < xyz[1]; y++) {
					for (int x = 0; x < xyz[0]; x++) v[i++] = value(x, y, z, c);
				}
			}
		}
		Nifti.write(f, v, dims, NiftiHeader.create(1, dims, NiftiDataType.INT16, new double[] { 0.8, 0.8, 2.5 }, affine),
			NiftiDataType.INT16);
	}

	/** Label: class 1 at (1, 1) and class 2 at (2, 3) in the listed z slices; background elsewhere. */
	static void label(final Path f, final int[] xyz, final double[][] affine, final int... foregroundZ) {
		final long[] dims = { xyz[0], xyz[1], xyz[2] };
		final float[] v = new float[xyz[0] * xyz[1] * xyz[2]];
		for (final int z : foregroundZ) {
			v[1 + xyz[0] * (1 + xyz[1] * z)] = 1;
			v[2 + xyz[0] * (3 + xyz[1] * z)] = 2;
		}
		Nifti.write(f, v, dims, NiftiHeader.create(1, dims, NiftiDataType.UINT8, new double[] { 0.8, 0.8, 2.5 }, affine),
			NiftiDataType.UINT8);
	}

	static final int[] A = { 6, 5, 4 }, B = { 6, 5, 3 };

	/** Volume a (6x5x4, foreground in z 1 and 2), volume b (6x5x3, foreground in z 0). */
	Path msd(final String modalities) throws IOException {
		final Path d = dir.resolve("Task01_Tiny");
		Files.createDirectories(d.resolve("imagesTr"));
		Files.createDirectories(d.resolve("labelsTr"));
		final int channels = modalities.split(",").length;
		image(d.resolve("imagesTr/a.nii.gz"), A, channels, AFFINE);
		label(d.resolve("labelsTr/a.nii.gz"), A, AFFINE, 1, 2);
		image(d.resolve("imagesTr/b.nii.gz"), B, channels, AFFINE);
		label(d.resolve("labelsTr/b.nii.gz"), B, AFFINE, 0);
		Files.write(d.resolve("dataset.json"), ("{\"name\": \"Tiny\", \"modality\": {" + modalities + "}, " +
			"\"labels\": {\"0\": \"background\", \"1\": \"ring\", \"2\": \"blob\"}, \"numTraining\": 2, " +
			"\"training\": [{\"image\": \"./imagesTr/a.nii.gz\", \"label\": \"./labelsTr/a.nii.gz\"}, " +
			"{\"image\": \"./imagesTr/b.nii.gz\", \"label\": \"./labelsTr/b.nii.gz\"}], \"test\": []}").getBytes(
				StandardCharsets.UTF_8));
		return d;
	}

	static VolumeSlicer.Options options(final String empty) {
		final VolumeSlicer.Options o = new VolumeSlicer.Options();
		o.normalization = Normalization.range(0, 1000);
		o.emptySlices = EmptySlices.parse(empty);
		return o;
	}

	@Test
	void msdFolderBecomesSlicesWithStableIdsAndClassNames() throws IOException {
		final SegmentationVolumes.Data d = SegmentationVolumes.open(msd("\"0\": \"MRI\""), null, options("keep"));
		final LabeledData<Mask> data = d.data;
		assertEquals(Arrays.asList("background", "ring", "blob"), d.classNames);
		assertEquals(Arrays.asList("MRI"), d.channelNames);
		assertEquals(7, data.size());
		assertEquals(1, data.channels());
		assertEquals(6, data.width());
		assertEquals(5, data.height());
		final String[] refs = { "a:z:0", "a:z:1", "a:z:2", "a:z:3", "b:z:0", "b:z:1", "b:z:2" };
		for (int i = 0; i < 7; i++) {
			assertEquals(i, data.id(i));
			assertEquals(refs[i], d.slices.ref(i).toString());
			assertEquals(refs[i], d.slices.byId(i).toString());
		}
		// slice a:z:2 pixel (col 4, row 3) is voxel (4, 3, 2): (4 + 30 + 200) / 1000
		assertEquals(0.234f, data.image(2)[3 * 6 + 4], 1e-6f);
		assertEquals(1, data.label(1).get(1, 1));
		assertEquals(2, data.label(1).get(2, 3));
		assertEquals(0, data.label(1).get(2, 2));
		assertTrue(data.label(0).isEmpty());
		assertEquals(2, data.label(4).get(2, 3));
		assertEquals(Arrays.asList("a", "a", "a", "a", "b", "b", "b"), d.slices.volumeOfEachSlice());
	}

	@Test
	void otherAxesAndPadding() throws IOException {
		final Path d = msd("\"0\": \"MRI\"");
		final VolumeSlicer.Options o = options("keep");
		o.axis = SliceAxis.X;
		// x slices are Y x Z: 5x4 for a, 5x3 for b
		final AmatException e = assertThrows(AmatException.class, () -> SegmentationVolumes.open(d, null, o));
		assertTrue(e.getMessage().contains("b:x:0") && e.getMessage().contains("5x3"), e.getMessage());
		assertOneSentence(e.getMessage());
		o.padMultiple = 4;
		final SegmentationVolumes.Data s = SegmentationVolumes.open(d, null, o);
		assertEquals(12, s.data.size());
		assertEquals(8, s.data.width());
		assertEquals(4, s.data.height());
		assertEquals("b:x:2", s.slices.ref(8).toString());
		assertEquals(8, s.data.id(8), "ids count a's 6 x slices first");
		// slice a:x:1 pixel (col y=1, row z=2) is voxel (1, 1, 2)
		assertEquals(0.211f, s.data.image(1)[2 * 8 + 1], 1e-6f);
		assertEquals(1, s.data.label(1).get(1, 1), "class 1 at (x 1, y 1, z 1)");
		// b's slices have 3 rows of 4: the 4th row and the columns past y = 4 are padding
		final float[] b2 = s.data.image(8);
		final float min = 0.002f; // voxel (2, 0, 0)
		assertEquals(min, b2[3 * 8], 1e-6f);
		assertEquals(min, b2[7], 1e-6f);
		assertEquals(0, s.data.label(8).get(7, 3));
		// y slices: X x Z
		o.axis = SliceAxis.Y;
		o.padMultiple = 1;
		final SegmentationVolumes.Data y = SegmentationVolumes.open(d, null, o);
		assertEquals(10, y.data.size());
		assertEquals(6, y.data.width());
		assertEquals(0.234f, y.data.image(3)[2 * 6 + 4], 1e-6f); // a:y:3, voxel (4, 3, 2)
	}

	@Test
	void emptySliceOptions() throws IOException {
		final Path d = msd("\"0\": \"MRI\"");
		// empty slices: a z 0 and 3, b z 1 and 2 (ids 0, 3, 5, 6); foreground: ids 1, 2, 4
		assertArrayEquals(new int[] { 0, 1, 2, 3, 4, 5, 6 }, ids(d, "keep"));
		assertArrayEquals(new int[] { 1, 2, 4 }, ids(d, "drop"));
		assertArrayEquals(new int[] { 0, 1, 2, 4, 5 }, ids(d, "every 2"), "the first of every 2 empty slices per volume");
		assertArrayEquals(new int[] { 1, 2, 4 }, ids(d, "fraction 0"));
		assertArrayEquals(new int[] { 0, 1, 2, 3, 4, 5, 6 }, ids(d, "fraction 1"));
		final int[] half = ids(d, "fraction 0.5");
		assertArrayEquals(half, ids(d, "fraction 0.5"), "seeded");
		for (final int id : new int[] { 1, 2, 4 }) assertTrue(Arrays.stream(half).anyMatch(i -> i == id));
		// another seed keeps another subset of the 4 empty slices (for at least one of a few seeds)
		boolean differs = false;
		for (long seed = 2; seed < 8 && !differs; seed++) {
			final VolumeSlicer.Options o = options("fraction 0.5");
			o.seed = seed;
			differs = !Arrays.equals(half, SegmentationVolumes.open(d, null, o).data.ids(range(SegmentationVolumes.open(d,
				null, o).data.size())));
		}
		assertTrue(differs);
		final AmatException e = assertThrows(AmatException.class, () -> EmptySlices.parse("some"));
		assertOneSentence(e.getMessage());
	}

	@Test
	void twoModalitiesBecomeChannels() throws IOException {
		final SegmentationVolumes.Data d = SegmentationVolumes.open(msd("\"0\": \"T2\", \"1\": \"ADC\""), null, options(
			"drop"));
		assertEquals(Arrays.asList("T2", "ADC"), d.channelNames);
		assertEquals(2, d.data.channels());
		// a:z:1 (position 0), channel 1, pixel (3, 2): 3 + 20 + 100 + 1000
		assertEquals(1.123f, d.data.image(0)[30 + 2 * 6 + 3], 1e-6f);
		assertEquals(0.123f, d.data.image(0)[2 * 6 + 3], 1e-6f);
	}

	@Test
	void singleFileWithClassesTxt() throws IOException {
		final Path im = dir.resolve("case.nii"), lab = dir.resolve("labels").resolve("case.nii.gz");
		image(im, A, 1, AFFINE);
		label(lab, A, AFFINE, 3);
		Files.write(dir.resolve("labels").resolve("classes.txt"), Arrays.asList("bg", "one", "two"));
		final SegmentationVolumes.Data d = SegmentationVolumes.open(im, lab, options("keep"));
		assertEquals(Arrays.asList("bg", "one", "two"), d.classNames);
		assertEquals("case:z:3", d.slices.ref(3).toString());
		assertEquals(1, d.data.label(3).get(1, 1));
		assertTrue(SegmentationVolumes.isVolumeSource(im));
		assertTrue(SegmentationVolumes.isVolumeSource(dir), "a folder holding a .nii file");
		assertFalse(SegmentationVolumes.isVolumeSource(Files.createDirectories(dir.resolve("tiffs"))));
		assertFalse(SegmentationVolumes.isVolumeSource(Files.write(dir.resolve("tiffs/a.tif"), new byte[8])));
		assertFalse(SegmentationVolumes.isVolumeSource(dir.resolve("tiffs")));
	}

	@Test
	void slicesAreNormalisedOneByOneAsImagesAre() throws IOException {
		final VolumeSlicer.Options o = options("keep");
		o.normalization = Normalization.zscore();
		final SegmentationVolumes.Data d = SegmentationVolumes.open(msd("\"0\": \"MRI\""), null, o);
		for (int i = 0; i < d.data.size(); i++) {
			double s = 0, s2 = 0;
			for (final float v : d.data.image(i)) {
				s += v;
				s2 += v * v;
			}
			assertEquals(0, s / 30, 1e-5, "mean of slice " + i);
			assertEquals(1, s2 / 30, 1e-4, "variance of slice " + i);
		}
		final sc.fiji.amat.task.Labeled<Mask> l = SegmentationVolumes.labeled(d, null);
		assertEquals(3, ((SegmentationTask) l.task).numClasses());
		assertEquals(1, l.task.inputChannels());
	}

	@Test
	void masksWrittenBackOverlayTheImage() throws IOException {
		final Path d = msd("\"0\": \"MRI\"");
		final SegmentationVolumes.Data s = SegmentationVolumes.open(d, null, options("drop"));
		final Path out = dir.resolve("out").resolve("a-prediction.nii.gz");
		SegmentationVolumes.writeMasks(out, s.slices, "a", s.data.labels());
		final sc.fiji.amat.data.volume.NiftiImage written = Nifti.read(out), truth = Nifti.read(d.resolve(
			"labelsTr/a.nii.gz"));
		assertArrayEquals(truth.values(), written.values(), "a's empty slices were dropped; they come back empty");
		assertArrayEquals(new long[] { 6, 5, 4 }, written.dims());
		for (int r = 0; r < 3; r++) assertArrayEquals(AFFINE[r], written.affine()[r], 1e-6);
	}

	private static int[] ids(final Path d, final String empty) {
		final LabeledData<Mask> data = SegmentationVolumes.open(d, null, options(empty)).data;
		return data.ids(range(data.size()));
	}

	private static int[] range(final int n) {
		final int[] r = new int[n];
		for (int i = 0; i < n; i++) r[i] = i;
		return r;
	}

	// ---- bad input: one sentence each, nothing written

	private List<String> tree() throws IOException {
		try (Stream<Path> s = Files.walk(dir)) {
			return s.map(p -> dir.relativize(p).toString()).sorted().collect(Collectors.toList());
		}
	}

	private void assertRefused(final Path d, final String... words) throws IOException {
		final List<String> before = tree();
		final AmatException e = assertThrows(AmatException.class, () -> SegmentationVolumes.open(d, null, options(
			"keep")));
		for (final String w : words) assertTrue(e.getMessage().contains(w), w + " in: " + e.getMessage());
		assertOneSentence(e.getMessage());
		assertEquals(before, tree(), "nothing written");
	}

	@Test
	void labelOfAnotherShape() throws IOException {
		final Path d = msd("\"0\": \"MRI\"");
		label(d.resolve("labelsTr/b.nii.gz"), new int[] { 6, 5, 4 }, AFFINE, 0);
		assertRefused(d, "b.nii.gz", "6x5x4", "6x5x3", "shape");
	}

	@Test
	void labelOfAnotherAffine() throws IOException {
		final Path d = msd("\"0\": \"MRI\"");
		final double[][] shifted = { AFFINE[0].clone(), AFFINE[1], AFFINE[2] };
		shifted[0][3] += 1;
		label(d.resolve("labelsTr/a.nii.gz"), A, shifted, 1);
		assertRefused(d, "a.nii.gz", "affine");
	}

	@Test
	void fourDImageWhereTheDatasetNamesOneModality() throws IOException {
		final Path d = msd("\"0\": \"MRI\"");
		image(d.resolve("imagesTr/b.nii.gz"), B, 2, AFFINE);
		assertRefused(d, "b.nii.gz", "4D", "one modality");
	}

	@Test
	void datasetJsonNamingAMissingFile() throws IOException {
		final Path d = msd("\"0\": \"MRI\"");
		Files.delete(d.resolve("labelsTr/b.nii.gz"));
		assertRefused(d, "dataset.json", "labelsTr/b.nii.gz", "does not exist");
	}

	@Test
	void labelValuesBeyondTheNamedClasses() throws IOException {
		final Path d = msd("\"0\": \"MRI\"");
		final float[] v = new float[6 * 5 * 3];
		v[7] = 3;
		Nifti.write(d.resolve("labelsTr/b.nii.gz"), v, new long[] { 6, 5, 3 }, NiftiHeader.create(1, new long[] { 6, 5, 3 },
			NiftiDataType.UINT8, new double[] { 1, 1, 1 }, AFFINE), NiftiDataType.UINT8);
		assertRefused(d, "b.nii.gz", "3.0", "0 to 2");
	}

	@Test
	void aFolderVolumeWithoutALabelOfItsName() throws IOException {
		final Path d = msd("\"0\": \"MRI\"");
		Files.move(d.resolve("labelsTr/b.nii.gz"), d.resolve("labelsTr/c.nii.gz"));
		final List<String> before = tree();
		final AmatException e = assertThrows(AmatException.class, () -> SegmentationVolumes.open(d.resolve("imagesTr"), d
			.resolve("labelsTr"), options("keep")));
		assertTrue(e.getMessage().contains("b.nii.gz") && e.getMessage().contains("no label volume"), e.getMessage());
		assertOneSentence(e.getMessage());
		assertEquals(before, tree());
		// the MSD folder itself refuses a label folder beside it
		final AmatException f = assertThrows(AmatException.class, () -> SegmentationVolumes.open(d, d.resolve("labelsTr"),
			options("keep")));
		assertOneSentence(f.getMessage());
	}

	private static final Pattern TWO_SENTENCES = Pattern.compile("[.!?]\\s+[A-Z]");

	static void assertOneSentence(final String message) {
		assertTrue(message.endsWith("."), message);
		assertFalse(TWO_SENTENCES.matcher(message).find(), message);
		assertNotEquals(-1, message.indexOf(' '));
	}
}
