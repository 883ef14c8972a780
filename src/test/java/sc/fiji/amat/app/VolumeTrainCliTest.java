package sc.fiji.amat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.eval.VolumeTrainingTest;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.AbstractTask;

/** {@code scripts/amat train} on volumes: an MSD folder, slices along an axis, empty slices dropped, patches. */
class VolumeTrainCliTest {

	@TempDir
	Path dir;

	private static String run(final String... more) {
		final List<String> a = new ArrayList<>(Arrays.asList("--method", "standard", "--network-depth", "2",
			"--network-width", "4", "--batch-size", "4", "--threads", "1", "--device", "cpu", "--epochs", "1",
			"--validation-fraction", "0"));
		a.addAll(Arrays.asList(more));
		final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (PrintStream out = new PrintStream(bytes, true)) {
			Train.run(new Args(a.toArray(new String[0]), 0), out);
		}
		return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
	}

	/** An MSD folder of two 7 x 6 x 3 volumes, a square (class 1) in z slices 1 and 2. */
	private Path msd() throws IOException {
		final Path d = Files.createDirectories(dir.resolve("Task09_Squares"));
		final Path images = Files.createDirectories(d.resolve("imagesTr")), labels = Files.createDirectories(d.resolve(
			"labelsTr"));
		VolumeTrainingTest.volume(images, labels, "p1", 0);
		VolumeTrainingTest.volume(images, labels, "p2", 2);
		Files.write(d.resolve("dataset.json"), ("{\"modality\": {\"0\": \"MRI\"}, \"labels\": {\"0\": \"background\", " +
			"\"1\": \"square\"}, \"training\": [{\"image\": \"./imagesTr/p1.nii.gz\", \"label\": \"./labelsTr/p1.nii.gz\"}, " +
			"{\"image\": \"./imagesTr/p2.nii.gz\", \"label\": \"./labelsTr/p2.nii.gz\"}]}").getBytes(
				StandardCharsets.UTF_8));
		return d;
	}

	@Test
	void trainsOnAnMsdFolderSliceBySlice() throws IOException {
		final Path d = msd(), out = dir.resolve("m.amat.zip");
		run("--images", d.toString(), "--out", out.toString(), "--empty-slices", "drop");
		try (AmatModel m = AmatModel.load(out, Device.cpu())) {
			assertEquals(Arrays.asList("background", "square"), AbstractTask.names(m.info().taskSpec, "classes"));
			assertEquals(4, m.info().training.trainingSize, "2 volumes x 2 slices with the square");
			assertEquals(8, m.info().inputWidth, "7 padded to the U-Net's multiple of 4");
		}
		// x slices are 6 x 3 (Y x Z), padded to 8 x 4; every one of the 14 kept
		final Path x = dir.resolve("x.amat.zip");
		run("--images", d.toString(), "--out", x.toString(), "--slice-axis", "x");
		try (AmatModel m = AmatModel.load(x, Device.cpu())) {
			assertEquals(14, m.info().training.trainingSize);
			assertEquals(4, m.info().inputHeight);
		}
	}

	@Test
	void patchesOfEachVolumesSlices() throws IOException {
		final Path d = msd(), out = dir.resolve("p.amat.zip");
		final String console = run("--images", d.resolve("imagesTr").toString(), "--labels", d.resolve("labelsTr")
			.toString(), "--out", out.toString(), "--patch-size", "4");
		assertTrue(console.contains("4x4 patches"), console);
		try (AmatModel m = AmatModel.load(out, Device.cpu())) {
			assertEquals(4, m.info().inputWidth);
			assertEquals(6, m.info().training.trainingSize, "one margin per slice");
		}
	}

	@Test
	void badSliceOptionsAreOneSentence() throws IOException {
		final Path d = msd(), out = dir.resolve("bad.amat.zip");
		final AmatException axis = assertThrows(AmatException.class, () -> run("--images", d.toString(), "--out", out
			.toString(), "--slice-axis", "w"));
		assertEquals("Unknown slice axis 'w': use x, y or z.", axis.getMessage());
		final AmatException task = assertThrows(AmatException.class, () -> run("--images", d.toString(), "--out", out
			.toString(), "--task", "landmarks"));
		assertTrue(task.getMessage().contains("segmentation"), task.getMessage());
		assertFalse(Files.exists(out));
	}
}
