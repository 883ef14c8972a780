package sc.fiji.amat.task.detection.ij;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.io.FileSaver;
import ij.process.ColorProcessor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.detection.Box;
import sc.fiji.amat.task.detection.Boxes;
import sc.fiji.amat.task.detection.DetectionTask;
import sc.fiji.amat.task.detection.VocFiles;
import sc.fiji.amat.task.ij.ImageJTasks;

/** Reading boxes from ROIs, CSV, Pascal VOC and the BCCD layout, and the errors for bad labels. */
class DetectionImagesTest {

	@TempDir
	Path dir;

	private static ImagePlus stack(final int n) {
		final ImageStack s = new ImageStack(32, 24);
		for (int i = 0; i < n; i++) s.addSlice("cell" + (i + 1) + ".png", new ColorProcessor(32, 24));
		return new ImagePlus("smears", s);
	}

	private Path write(final String name, final String text) throws IOException {
		final Path p = dir.resolve(name);
		Files.write(p, text.getBytes(StandardCharsets.UTF_8));
		return p;
	}

	private Path saveStack(final int n) {
		final Path p = dir.resolve("images.tif");
		if (n == 1) new FileSaver(stack(1)).saveAsTiff(p.toString());
		else new FileSaver(stack(n)).saveAsTiffStack(p.toString());
		return p;
	}

	@Test
	void csvRowsGoToTheirImagesBySliceNumberOrLabel() throws IOException {
		final Path images = saveStack(3);
		final Path csv = write("labels.csv", "image,class,xmin,ymin,xmax,ymax\n1,red cell,0,0,10,8\n" +
			"cell3.png,platelet,30,20,32,24\n\"cell3\",\"red cell\",1.5,2.5,4,5\n");
		final DetectionImages.Read r = DetectionImages.fromFiles(images, csv, Normalization.zscore());
		assertEquals(List.of("platelet", "red cell"), r.classes, "sorted names used");
		assertEquals(3, r.data.channels());
		assertEquals(1, r.data.label(0).size());
		assertEquals(0, r.data.label(1).size(), "an image without rows is background only");
		assertEquals(2, r.data.label(2).size());
		final Box b = r.data.label(2).get(1);
		assertArrayEquals(new double[] { 1.5, 2.5, 4, 5 }, new double[] { b.x0, b.y0, b.x1, b.y1 }, 0);
		assertEquals("red cell", b.className);
		// through the task type, as the commands read it
		final Labeled<?> l = ImageJTasks.type(DetectionTask.TYPE).fromFiles(images, csv, Normalization.zscore(),
			new NetworkConfig());
		assertEquals(List.of("platelet", "red cell"), ((DetectionTask) l.task).classNames());
	}

	@Test
	void csvErrorsNameTheLine() throws IOException {
		final Path images = saveStack(2);
		final AmatException negative = assertThrows(AmatException.class, () -> DetectionImages.fromFiles(images, write(
			"a.csv", "1,red,10,0,5,8\n"), Normalization.zscore()));
		assertTrue(negative.getMessage().contains("a.csv line 1") && negative.getMessage().contains("positive width"),
			negative.getMessage());
		final AmatException outside = assertThrows(AmatException.class, () -> DetectionImages.fromFiles(images, write(
			"b.csv", "image,class,xmin,ymin,xmax,ymax\n2,red,20,10,33,20\n"), Normalization.zscore()));
		assertTrue(outside.getMessage().contains("b.csv line 2") && outside.getMessage().contains("outside"), outside
			.getMessage());
		final AmatException image = assertThrows(AmatException.class, () -> DetectionImages.fromFiles(images, write("c.csv",
			"7,red,1,1,3,3\n"), Normalization.zscore()));
		assertTrue(image.getMessage().contains("'7'"), image.getMessage());
		final AmatException none = assertThrows(AmatException.class, () -> DetectionImages.fromFiles(images, write(
			"d.csv", "image,class,xmin,ymin,xmax,ymax\n"), Normalization.zscore()));
		assertTrue(none.getMessage().contains("has a box"), none.getMessage());
	}

	@Test
	void classesTxtFixesTheClassesAndRejectsUnknownNames() throws IOException {
		final Path images = saveStack(1);
		write("classes.txt", "red cell\nwhite cell\nplatelet\n");
		final DetectionImages.Read r = DetectionImages.fromFiles(images, write("l.csv", "1,platelet,1,1,3,3\n"),
			Normalization.zscore());
		assertEquals(List.of("red cell", "white cell", "platelet"), r.classes);
		final AmatException e = assertThrows(AmatException.class, () -> DetectionImages.fromFiles(images, write("m.csv",
			"1,monocyte,1,1,3,3\n"), Normalization.zscore()));
		assertTrue(e.getMessage().contains("'monocyte'"), e.getMessage());
	}

	@Test
	void bccdLayoutIsReadFromJpegsAndVocXml() throws IOException {
		// a tiny fixture in the BCCD layout: JPEGImages, Annotations (VOC, 1-based inclusive), ImageSets/Main
		final Path root = dir.resolve("BCCD");
		Files.createDirectories(root.resolve("JPEGImages"));
		Files.createDirectories(root.resolve("Annotations"));
		Files.createDirectories(root.resolve("ImageSets").resolve("Main"));
		final String[] ids = { "BloodImage_00000", "BloodImage_00001", "BloodImage_00002" };
		for (final String id : ids) {
			final ColorProcessor cp = new ColorProcessor(40, 30);
			cp.setColor(java.awt.Color.red);
			cp.fillOval(5, 5, 12, 12);
			new FileSaver(new ImagePlus(id, cp)).saveAsJpeg(root.resolve("JPEGImages").resolve(id + ".jpg").toString());
		}
		write("BCCD/Annotations/" + ids[0] + ".xml", VocFiles.write(ids[0] + ".jpg", 40, 30, 3, new Boxes(List.of(
			new Box("RBC", 5, 5, 17, 17), new Box("WBC", 20, 2, 40, 30)))));
		write("BCCD/Annotations/" + ids[1] + ".xml", "<annotation><filename>" + ids[1] + ".jpg</filename>" +
			"<object><name>Platelets</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>4</xmax><ymax>6</ymax></bndbox>" +
			"</object></annotation>");
		write("BCCD/Annotations/" + ids[2] + ".xml", "<annotation><filename>" + ids[2] + ".jpg</filename></annotation>");
		write("BCCD/ImageSets/Main/train.txt", ids[0] + "\n" + ids[2] + "\n");

		final DetectionImages.Read all = DetectionImages.fromFiles(root, null, Normalization.zscore());
		assertEquals(3, all.data.size());
		assertEquals(3, all.data.channels());
		assertEquals(List.of("Platelets", "RBC", "WBC"), all.classes);
		final Box rbc = all.data.label(0).get(0);
		assertArrayEquals(new double[] { 5, 5, 17, 17 }, new double[] { rbc.x0, rbc.y0, rbc.x1, rbc.y1 }, 0);
		final Box platelet = all.data.label(1).get(0);
		assertArrayEquals(new double[] { 0, 1, 4, 6 }, new double[] { platelet.x0, platelet.y0, platelet.x1,
			platelet.y1 }, 0, "VOC is 1-based and inclusive");
		assertEquals(0, all.data.label(2).size(), "no objects: background only");

		final DetectionImages.Read train = DetectionImages.bccd(root, "train", Normalization.zscore());
		assertEquals(2, train.data.size());
		assertEquals(2, train.data.label(0).size());
		// the same annotations as a folder of VOC files beside an image folder
		final DetectionImages.Read voc = DetectionImages.fromFiles(root.resolve("JPEGImages"), root.resolve("Annotations"),
			Normalization.zscore());
		assertEquals(1, voc.data.label(1).size());

		write("BCCD/Annotations/" + ids[2] + ".xml", "<annotation><object><name>RBC</name><bndbox><xmin>30</xmin>" +
			"<ymin>2</ymin><xmax>45</xmax><ymax>9</ymax></bndbox></object></annotation>");
		final AmatException outside = assertThrows(AmatException.class, () -> DetectionImages.fromFiles(root, null,
			Normalization.zscore()));
		assertTrue(outside.getMessage().contains(ids[2] + ".xml") && outside.getMessage().contains("outside"), outside
			.getMessage());
	}

	@Test
	void namedRectangleRoisOnTheImagesAreLabels() {
		final ImagePlus imp = stack(2);
		final Overlay o = new Overlay();
		final Roi a = new Roi(1, 2, 5, 6);
		a.setName("red cell");
		a.setPosition(2);
		final Roi b = new Roi(10, 10, 4, 4);
		b.setProperty("class", "platelet");
		b.setName("0001-0010-0010");
		b.setPosition(1);
		o.add(a);
		o.add(b);
		imp.setOverlay(o);
		final Labeled<?> l = ImageJTasks.type(DetectionTask.TYPE).fromImages(imp, null, Normalization.zscore(),
			new NetworkConfig());
		final DetectionTask task = (DetectionTask) l.task;
		assertEquals(List.of("platelet", "red cell"), task.classNames());
		assertEquals("platelet", ((Boxes) l.data.label(0)).get(0).className);
		assertEquals(6, ((Boxes) l.data.label(1)).get(0).x1, 0);
		// a configured task reads the same ROIs, and refuses a class it does not know
		assertEquals(1, ImageJTasks.of(task).labelsFrom(imp, null).get(1).size());
		final DetectionTask other = new DetectionTask(List.of("red cell"), 3, new NetworkConfig());
		final AmatException e = assertThrows(AmatException.class, () -> ImageJTasks.of(other).labelsFrom(imp, null));
		assertTrue(e.getMessage().contains("platelet"), e.getMessage());
		// an unnamed rectangle and an image without ROIs are errors
		final ImagePlus unnamed = stack(1);
		unnamed.setOverlay(new Overlay(new Roi(1, 1, 3, 3)));
		assertThrows(AmatException.class, () -> ImageJTasks.type(DetectionTask.TYPE).fromImages(unnamed, null, Normalization
			.zscore(), new NetworkConfig()));
		final AmatException no = assertThrows(AmatException.class, () -> ImageJTasks.type(DetectionTask.TYPE).fromImages(
			stack(1), null, Normalization.zscore(), new NetworkConfig()));
		assertTrue(no.getMessage().contains("no rectangle ROIs"), no.getMessage());
	}
}
