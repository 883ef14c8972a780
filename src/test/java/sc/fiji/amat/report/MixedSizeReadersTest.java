package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.data.volume.Nifti;
import sc.fiji.amat.data.volume.NiftiDataType;
import sc.fiji.amat.data.volume.NiftiHeader;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.ij.ImageJTasks;
import sc.fiji.amat.task.segmentation.Mask;

/**
 * The test-set readers take images of different sizes: NIfTI volumes of different in-plane
 * sizes (one size group per size, each volume padded only to the size multiple) and folders of
 * images and label images of different sizes; sources of one size read as they always did.
 */
class MixedSizeReadersTest {

	private static final Normalization RAW = Normalization.range(0, 1);

	/** A volume of n slices of h x w squares and its label volume, as name.nii.gz in both folders. */
	static LabeledData<Mask> volume(final Path images, final Path labels, final String name, final int n, final int h,
		final int w, final long seed)
	{
		final LabeledData<Mask> d = MixedSizeReportTest.squares(n, h, w, seed);
		final float[] raw = new float[n * h * w], lab = new float[n * h * w];
		for (int z = 0; z < n; z++) {
			System.arraycopy(d.image(z), 0, raw, z * h * w, h * w);
			final byte[] m = d.label(z).classes();
			for (int p = 0; p < m.length; p++) lab[z * h * w + p] = m[p];
		}
		final long[] dims = { w, h, n };
		final double[][] affine = { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 2, 0 } };
		Nifti.write(images.resolve(name + ".nii.gz"), raw, dims, NiftiHeader.create(1, dims, NiftiDataType.FLOAT32,
			new double[] { 1, 1, 2 }, affine), NiftiDataType.FLOAT32);
		Nifti.write(labels.resolve(name + ".nii.gz"), lab, dims, NiftiHeader.create(1, dims, NiftiDataType.UINT8,
			new double[] { 1, 1, 2 }, affine), NiftiDataType.UINT8);
		return d;
	}

	@Test
	void niftiVolumesOfDifferentSizesMakeATestSetOfTwoSizes(@TempDir final Path dir) throws Exception {
		final Path images = Files.createDirectories(dir.resolve("imagesTs")), labels = Files.createDirectories(dir
			.resolve("labelsTs"));
		final LabeledData<Mask> a = volume(images, labels, "a", 3, 16, 16, 3);
		final LabeledData<Mask> b = volume(images, labels, "b", 2, 24, 32, 4);
		final TestSet<?> test = TestSet.fromFiles("segmentation", images, labels);
		assertEquals(Arrays.asList("a", "a", "a", "b", "b"), test.volumes());
		assertEquals(2, test.groups());
		assertEquals(24, test.height(1));
		assertEquals(32, test.width(1));
		assertArrayEquals(b.image(1), test.groupsFor(RAW).get(1).image(1), 1e-4f, "not padded to another volume's size");
		assertEquals(a.label(2), test.labels().get(2));
		// through the report: each volume's slices give what that volume alone gives
		final List<Path> models = Collections.singletonList(RobustnessReportTest.train(dir, Normalization.zscore(),
			"zscore", 24, 4));
		final ReportResult whole = RobustnessReport.evaluate(models, test, ReportVolumesTest.settings(), null);
		final ReportResult ra = RobustnessReport.evaluate(models, TestSet.fromFiles("segmentation", images.resolve(
			"a.nii.gz"), labels.resolve("a.nii.gz")), ReportVolumesTest.settings(), null);
		final ReportResult rb = RobustnessReport.evaluate(models, TestSet.fromFiles("segmentation", images.resolve(
			"b.nii.gz"), labels.resolve("b.nii.gz")), ReportVolumesTest.settings(), null);
		MixedSizeReportTest.assertGroupsMakeTheReport(test, whole, Arrays.asList(ra, rb));
		final Path out = dir.resolve("report");
		ReportWriter.write(whole, out, null);
		final List<String> lines = Files.readAllLines(out.resolve(PerVolumeCsv.FILE));
		assertTrue(lines.stream().anyMatch(l -> l.startsWith("zscore,pgd,0,") && l.contains(",a,3,")), String.join("\n",
			lines));
		assertTrue(lines.stream().anyMatch(l -> l.startsWith("zscore,pgd,0,") && l.contains(",b,2,")), String.join("\n",
			lines));
	}

	@Test
	void volumesOfOneSizeReadAsBefore(@TempDir final Path dir) throws Exception {
		final Path images = Files.createDirectories(dir.resolve("imagesTs")), labels = Files.createDirectories(dir
			.resolve("labelsTs"));
		volume(images, labels, "a", 3, 16, 16, 3);
		volume(images, labels, "b", 2, 16, 16, 4);
		final TestSet<?> test = TestSet.fromFiles("segmentation", images, labels);
		assertEquals(1, test.groups());
		assertEquals(before(images, labels).fingerprint(), test.fingerprint());
	}

	/** The test set as TestSet.fromFiles read it before size groups: the task type's reader, one set. */
	private static TestSet<?> before(final Path images, final Path labels) {
		final sc.fiji.amat.task.Labeled<?> l = ImageJTasks.type("segmentation").testFromFiles(images, labels, RAW,
			new NetworkConfig());
		return TestSet.of("segmentation", images.getFileName().toString(), l.data, l.volumeOfSample);
	}

	/** Writes h x w images (16-bit) and label images (8-bit) of the same names into two folders. */
	private static void write(final Path images, final Path labels, final String name, final LabeledData<Mask> d,
		final int i)
	{
		final short[] pixels = new short[d.height() * d.width()];
		final float[] v = d.image(i);
		for (int p = 0; p < pixels.length; p++) pixels[p] = (short) Math.max(0, Math.round(v[p]));
		assertTrue(new FileSaver(new ImagePlus(name, new ShortProcessor(d.width(), d.height(), pixels, null))).saveAsTiff(
			images.resolve(name + ".tif").toString()));
		assertTrue(new FileSaver(new ImagePlus(name, new ByteProcessor(d.width(), d.height(), d.label(i).classes()
			.clone()))).saveAsTiff(labels.resolve(name + ".tif").toString()));
	}

	@Test
	void foldersOfImagesOfDifferentSizesMakeATestSetOfTwoSizes(@TempDir final Path dir) throws Exception {
		final Path images = Files.createDirectories(dir.resolve("images")), labels = Files.createDirectories(dir.resolve(
			"labels"));
		final LabeledData<Mask> small = MixedSizeReportTest.squares(2, 16, 16, 5), tall = MixedSizeReportTest.squares(1,
			24, 16, 6);
		write(images, labels, "1", small, 0);
		write(images, labels, "2", tall, 0);
		write(images, labels, "3", small, 1);
		final TestSet<?> test = TestSet.fromFiles("segmentation", images, labels);
		assertEquals(3, test.size());
		assertEquals(2, test.groups());
		assertArrayEquals(new int[] { 0, 2 }, test.positions(0));
		assertEquals(24, test.height(1));
		assertEquals(tall.label(0), test.labels().get(1));
		assertEquals(small.label(1), test.labels().get(2));
		assertEquals(Math.round(tall.image(0)[37]), test.groupsFor(RAW).get(1).image(0)[37], 1e-6);
		// one size: the same test set as the task type's reader gives
		Files.delete(images.resolve("2.tif"));
		Files.delete(labels.resolve("2.tif"));
		final TestSet<?> one = TestSet.fromFiles("segmentation", images, labels);
		assertEquals(1, one.groups());
		assertEquals(before(images, labels).fingerprint(), one.fingerprint());
	}
}
