package sc.fiji.amat.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.TinyData;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;

class ModelFileTest {

	@TempDir
	Path dir;

	static ModelInfo info(final SegmentationTask task) {
		return ModelInfoFixture.info(task);
	}

	@Test
	void savedModelReloadsWithIdenticalPredictions() {
		final SegmentationTask task = TinyData.task();
		final LabeledData<Mask> data = TinyData.squares(4, 1);
		final Path file = dir.resolve("m.amat.zip");
		final float[] before;
		try (AmatModel model = AmatModel.create(task, info(task), Device.cpu());
			NDManager m = model.manager().newSubManager())
		{
			before = model.forward(data.batch(m, new int[] { 0, 1, 2, 3 }), false).singletonOrThrow().toFloatArray();
			model.save(file);
		}
		try (AmatModel model = AmatModel.load(file, "segmentation", Device.cpu());
			NDManager m = model.manager().newSubManager())
		{
			final float[] after = model.forward(data.batch(m, new int[] { 0, 1, 2, 3 }), false).singletonOrThrow()
				.toFloatArray();
			assertArrayEquals(before, after, 0f);
			assertEquals(Arrays.asList("background", "class 1"), ((SegmentationTask) model.task()).classNames());
			assertEquals("zscore", model.info().normalization);
			assertEquals(ModelInfo.FORMAT_VERSION, model.info().formatVersion);
		}
		// no temporary files are left beside the model
		assertEquals(1, dir.toFile().list().length);
	}

	@Test
	void aModelForAnotherTaskIsRefused() {
		final SegmentationTask task = TinyData.task();
		final Path file = dir.resolve("m.amat.zip");
		try (AmatModel model = AmatModel.create(task, info(task), Device.cpu())) {
			model.save(file);
		}
		final AmatException e = assertThrows(AmatException.class, () -> AmatModel.load(file, "landmarks", Device.cpu()));
		assertTrue(e.getMessage().contains("is for segmentation, not for landmarks"), e.getMessage());
	}

	@Test
	void newerFormatTruncatedAndForeignFilesGiveClearMessages() throws IOException {
		final SegmentationTask task = TinyData.task();
		final ModelInfo newer = info(task);
		newer.formatVersion = ModelInfo.FORMAT_VERSION + 1;
		final Path future = dir.resolve("future.amat.zip");
		new ModelFile(newer, Collections.singletonMap(ModelFile.WEIGHTS, new byte[0])).write(future);
		assertTrue(assertThrows(AmatException.class, () -> ModelFile.read(future)).getMessage().contains("update AMAT"));

		final Path good = dir.resolve("good.amat.zip");
		try (AmatModel model = AmatModel.create(task, info(task), Device.cpu())) {
			model.save(good);
		}
		final byte[] bytes = Files.readAllBytes(good);
		final Path cut = dir.resolve("cut.amat.zip");
		Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
		final String m = assertThrows(AmatException.class, () -> AmatModel.load(cut, Device.cpu())).getMessage();
		assertTrue(m.contains("truncated"), m);

		final Path text = dir.resolve("notes.txt");
		Files.write(text, "hello".getBytes());
		assertThrows(AmatException.class, () -> ModelFile.read(text));
		assertTrue(assertThrows(AmatException.class, () -> ModelFile.read(dir.resolve("missing.zip"))).getMessage()
			.contains("does not exist"));
	}

	@Test
	void anUnwritableDestinationFailsWithoutLeavingFiles() throws IOException {
		final SegmentationTask task = TinyData.task();
		final Path blocker = dir.resolve("file");
		Files.write(blocker, new byte[] { 1 });
		try (AmatModel model = AmatModel.create(task, info(task), Device.cpu())) {
			final AmatException e = assertThrows(AmatException.class, () -> model.save(blocker.resolve("m.amat.zip")));
			assertTrue(e.getMessage().startsWith("Cannot"), e.getMessage());
		}
		assertEquals(1, dir.toFile().list().length);
		assertFalse(Files.isDirectory(blocker));
	}
}
