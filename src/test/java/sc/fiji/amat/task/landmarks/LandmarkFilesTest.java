package sc.fiji.amat.task.landmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.data.NormalizedImages;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.task.ij.ImageJTasks;

class LandmarkFilesTest {

	@TempDir
	Path dir;

	private final ImageJTaskType type = ImageJTasks.type("landmarks");

	private static void write(final Path file, final String... lines) throws IOException {
		Files.createDirectories(file.getParent());
		Files.write(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
	}

	private Path stack(final int n, final int w, final int h) {
		final ImageStack s = new ImageStack(w, h);
		for (int i = 0; i < n; i++) s.addSlice("img" + (i + 1), new ByteProcessor(w, h));
		final Path f = dir.resolve("stack.tif");
		new FileSaver(new ImagePlus("stack", s)).saveAsTiffStack(f.toString());
		return f;
	}

	@SuppressWarnings("unchecked")
	private Labeled<Landmarks> read(final Path images, final Path labels) {
		return (Labeled<Landmarks>) type.fromFiles(images, labels, Normalization.zscore(), new NetworkConfig());
	}

	private String error(final Path images, final Path labels) {
		return assertThrows(AmatException.class, () -> read(images, labels)).getMessage();
	}

	@Test
	void csvByImageNameOrSliceNumberWithPixelSize() throws IOException {
		final Path images = stack(2, 16, 8);
		final Path csv = dir.resolve("lm.csv");
		write(csv, "# pixel_size_mm: 0.25", "x;y;landmark;image", "1.5;2;tip;img1", "3;4;base;img1", "5;6;base;2",
			"7.25;7;tip;img2.tif");
		final Labeled<Landmarks> l = read(images, csv);
		final LandmarkTask task = (LandmarkTask) l.task;
		assertEquals(Arrays.asList("tip", "base"), task.names());
		assertEquals(0.25, task.pixelSize(), 0);
		assertEquals(new Landmarks(new float[] { 1.5f, 3 }, new float[] { 2, 4 }), l.data.label(0));
		assertEquals(new Landmarks(new float[] { 7.25f, 5 }, new float[] { 7, 6 }), l.data.label(1));
		assertTrue(Double.isNaN(((LandmarkTask) read(images, writeAndGet("nopx.csv", "image,landmark,x,y", "1,a,1,1",
			"2,a,2,2")).task).pixelSize()));
	}

	private Path writeAndGet(final String name, final String... lines) throws IOException {
		final Path f = dir.resolve(name);
		write(f, lines);
		return f;
	}

	@Test
	void badCsvFilesAreOneSentenceNamingTheFileAndLine() throws IOException {
		final Path images = stack(2, 16, 8);
		String e = error(images, writeAndGet("out.csv", "image,landmark,x,y", "1,a,1,1", "2,a,16.5,2"));
		assertTrue(e.contains("out.csv, line 3") && e.contains("outside the 16x8 image"), e);
		e = error(images, writeAndGet("count.csv", "image,landmark,x,y", "1,a,1,1", "1,b,2,2", "2,a,2,2"));
		assertTrue(e.contains("count.csv") && e.contains("'img2' (2) has 1 landmark(s)") && e.contains("missing: [b]"), e);
		e = error(images, writeAndGet("who.csv", "image,landmark,x,y", "img9,a,1,1"));
		assertTrue(e.contains("who.csv, line 2: no image is called 'img9'"), e);
		e = error(images, writeAndGet("nan.csv", "image,landmark,x,y", "1,a,one,1"));
		assertTrue(e.contains("nan.csv, line 2: x 'one' is not a number"), e);
		e = error(images, writeAndGet("head.csv", "name,x,y", "1,1,1"));
		assertTrue(e.contains("head.csv: the first line must name the columns"), e);
		e = error(images, dir.resolve("missing.csv"));
		assertTrue(e.contains("missing.csv does not exist"), e);
	}

	/** The ISBI 2015 layout in miniature: BMP images, senior and junior folders of 19-line txt files. */
	@Test
	void isbi2015LayoutAveragesTheTwoAnnotators() throws IOException {
		final Path images = dir.resolve("RawImage").resolve("TrainingData");
		Files.createDirectories(images);
		for (final String n : new String[] { "001", "002" }) {
			final ByteProcessor bp = new ByteProcessor(40, 32);
			bp.set(3, 4, 200);
			assertTrue(new FileSaver(new ImagePlus(n, bp)).saveAsBmp(images.resolve(n + ".bmp").toString()));
		}
		final Path md = dir.resolve("AnnotationsByMD");
		for (final String who : new String[] { "400_senior", "400_junior" }) {
			for (final String n : new String[] { "001", "002" }) {
				final List<String> lines = new ArrayList<>();
				for (int k = 0; k < 19; k++) {
					final int x = k + (who.contains("senior") ? 1 : 2), y = 2 * k % 30 + (n.equals("002") ? 1 : 0);
					lines.add(x + "," + y);
				}
				lines.addAll(Arrays.asList("1", "2", "3")); // the challenge's classification labels follow
				write(md.resolve(who).resolve(n + ".txt"), lines.toArray(new String[0]));
			}
		}
		final Labeled<Landmarks> l = read(images, md);
		final LandmarkTask task = (LandmarkTask) l.task;
		assertEquals(LandmarkFiles.ISBI_2015_NAMES, task.names());
		assertEquals("sella", task.names().get(0));
		assertEquals(0.1, task.pixelSize(), 0);
		assertEquals(2, l.data.size());
		assertEquals(40, l.data.width());
		assertEquals(1.5f, l.data.label(0).x(0), 0, "mean of senior 1 and junior 2");
		assertEquals(12.5f, l.data.label(1).x(11), 0);
		assertEquals(23f, l.data.label(1).y(11), 0);
		// one annotator alone: give its folder
		assertEquals(2f, read(images, md.resolve("400_junior")).data.label(0).x(0), 0);

		// a missing file, a different count, a point outside: the file is named
		Files.delete(md.resolve("400_junior").resolve("002.txt"));
		String e = error(images, md);
		assertTrue(e.contains("No landmark file 002.txt for the image '002.bmp'"), e);
		write(md.resolve("400_junior").resolve("002.txt"), "1,1", "2,2");
		e = error(images, md);
		assertTrue(e.contains("002.txt has 2 landmarks, but") && e.contains("001.txt has 19"), e);
		write(md.resolve("400_junior").resolve("002.txt"), "1,1", "45,2");
		e = error(images, md.resolve("400_junior"));
		assertTrue(e.contains("002.txt, line 2: landmark 2 at (45, 2) lies outside the 40x32 image"), e);
	}

	@Test
	void theCommittedSampleDataIsWhatTheGeneratorMakes() throws IOException {
		final Path gen = dir.resolve("gen");
		type.writeSamples(gen, 1);
		final Path committed = Paths.get("sample-data", "landmarks");
		for (final String f : new String[] { "train-images.tif", "train-landmarks.csv", "test-images.tif",
			"test-landmarks.csv" })
		{
			assertArrayEquals(Files.readAllBytes(committed.resolve(f)), Files.readAllBytes(gen.resolve(f)), f);
		}
		// CSV, overlay and generator agree, every landmark lies well inside, and the data is small
		@SuppressWarnings("unchecked")
		final Labeled<Landmarks> csv = (Labeled<Landmarks>) type.fromFiles(committed.resolve("train-images.tif"), type
			.sampleLabels(committed, "train"), Normalization.zscore(), new NetworkConfig());
		final ImagePlus imp = NormalizedImages.open(committed.resolve("train-images.tif"));
		@SuppressWarnings("unchecked")
		final Labeled<Landmarks> rois = (Labeled<Landmarks>) type.fromImages(imp, null, Normalization.zscore(),
			new NetworkConfig());
		assertEquals(csv.task.spec(), rois.task.spec(), "names and pixel size from the CSV and the TIFF");
		assertEquals(LandmarkSamples.NAMES, ((LandmarkTask) csv.task).names());
		assertEquals(120, csv.data.size());
		final byte[] pixels = new byte[64 * 64];
		for (int i = 0; i < csv.data.size(); i++) {
			final Landmarks c = csv.data.label(i), r = rois.data.label(i), g = new LandmarkSamples(64, 1).sample(i, pixels);
			for (int k = 0; k < c.size(); k++) {
				assertEquals(g.x(k), c.x(k), 1e-3);
				assertEquals(g.x(k), r.x(k), 1e-5);
				assertEquals(g.y(k), r.y(k), 1e-5);
				assertTrue(c.x(k) > 2 && c.y(k) > 2 && c.x(k) < 61 && c.y(k) < 61, String.format(Locale.ROOT,
					"image %d landmark %d at %.1f, %.1f", i, k, c.x(k), c.y(k)));
			}
		}
		long bytes = 0;
		try (java.util.stream.Stream<Path> s = Files.list(committed)) {
			for (final Path p : (Iterable<Path>) s::iterator) bytes += Files.size(p);
		}
		assertTrue(bytes < 5_000_000, bytes + " bytes");
	}
}
