package sc.fiji.amat.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import sc.fiji.amat.eval.VolumeTrainingTest;
import sc.fiji.amat.model.ModelFile;

/**
 * The AMAT Train command on volumes through its image and label folder parameters: an MSD
 * folder's imagesTr/ and labelsTr/ (NIfTI, paired by name, class names from its dataset.json).
 */
class VolumeCommandTest {

	private static Context context;

	@TempDir
	Path dir;

	@BeforeAll
	static void start() {
		context = sc.fiji.amat.TestContexts.commands();
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	@Test
	void trainsFromNiftiFoldersWithTheDatasetsClassNames() throws Exception {
		final Path samples = Files.createDirectories(dir.resolve("Task09_Squares"));
		final Path images = Files.createDirectories(samples.resolve("imagesTr")), labels = Files.createDirectories(samples
			.resolve("labelsTr"));
		VolumeTrainingTest.volume(images, labels, "p1", 0);
		VolumeTrainingTest.volume(images, labels, "p2", 2);
		Files.write(samples.resolve("dataset.json"), ("{\"modality\": {\"0\": \"MRI\"}, \"labels\": {\"0\": " +
			"\"background\", \"1\": \"square\"}, \"training\": [{\"image\": \"./imagesTr/p1.nii.gz\", \"label\": " +
			"\"./labelsTr/p1.nii.gz\"}, {\"image\": \"./imagesTr/p2.nii.gz\", \"label\": \"./labelsTr/p2.nii.gz\"}]}")
				.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		final Path model = dir.resolve("vol.amat.zip");
		final Map<String, Object> in = new HashMap<>();
		in.put("image_folder", samples.resolve("imagesTr").toFile());
		in.put("label_folder", samples.resolve("labelsTr").toFile());
		in.put("task", "segmentation");
		in.put("method", "Standard");
		in.put("model_file", model.toFile());
		in.put("epochs", 1);
		in.put("batch_size", 4);
		in.put("network_depth", 2);
		in.put("network_width", 4);
		in.put("device", "cpu");
		in.put("patch_size", 0); // SciJava persists parameters between runs (Java preferences): set it
		in.put("validation_fraction", 0.34);
		final CommandModule m = context.service(CommandService.class).run(AmatTrainCommand.class, true, in).get();
		assertFalse(m.isCanceled(), m.getCancelReason());
		assertTrue(Files.exists(model));
		final ModelFile f = ModelFile.read(model);
		assertEquals(Arrays.asList("background", "square"), sc.fiji.amat.task.AbstractTask.names(f.info().taskSpec,
			"classes"));
	}
}
