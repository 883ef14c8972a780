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
		in.put("slice_axis", "z");
		in.put("empty_slices", "keep");
		final CommandModule m = context.service(CommandService.class).run(AmatTrainCommand.class, true, in).get();
		assertFalse(m.isCanceled(), m.getCancelReason());
		assertTrue(Files.exists(model));
		final ModelFile f = ModelFile.read(model);
		assertEquals(Arrays.asList("background", "square"), sc.fiji.amat.task.AbstractTask.names(f.info().taskSpec,
			"classes"));
	}

	/**
	 * An MSD folder as the image folder (no labels): patches of each volume's slices with empty
	 * slices dropped, and whole x slices with every one kept, as {@code scripts/amat train} reads
	 * them (the slice parameters are TrainOptions', shared with the CLI).
	 */
	@Test
	void anMsdFolderWithTheSliceParametersAndPatches() throws Exception {
		final Path samples = Files.createDirectories(dir.resolve("Task09_Squares"));
		final Path images = Files.createDirectories(samples.resolve("imagesTr")), labels = Files.createDirectories(samples
			.resolve("labelsTr"));
		VolumeTrainingTest.volume(images, labels, "p1", 0);
		VolumeTrainingTest.volume(images, labels, "p2", 2);
		Files.write(samples.resolve("dataset.json"), ("{\"modality\": {\"0\": \"MRI\"}, \"labels\": {\"0\": " +
			"\"background\", \"1\": \"square\"}, \"training\": [{\"image\": \"./imagesTr/p1.nii.gz\", \"label\": " +
			"\"./labelsTr/p1.nii.gz\"}, {\"image\": \"./imagesTr/p2.nii.gz\", \"label\": \"./labelsTr/p2.nii.gz\"}]}")
				.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		final Path patches = dir.resolve("patches.amat.zip"), x = dir.resolve("x.amat.zip");
		CommandModule m = train(samples, patches, 4, "z", "drop");
		assertFalse(m.isCanceled(), m.getCancelReason());
		ModelFile f = ModelFile.read(patches);
		assertEquals(4, f.info().training.trainingSize, "2 volumes x 2 slices with the square");
		assertEquals(4, f.info().inputWidth, "4 x 4 patches");
		m = train(samples, x, 0, "x", "keep");
		assertFalse(m.isCanceled(), m.getCancelReason());
		f = ModelFile.read(x);
		assertEquals(14, f.info().training.trainingSize, "7 + 7 x slices");
		assertEquals(4, f.info().inputHeight, "x slices are 6 x 3 (Y x Z), padded to 8 x 4");
	}

	/**
	 * The Robustness Report command with its test set as files (a NIfTI image folder and label
	 * folder): the report has per-volume.csv; open images and files together, or neither, are one
	 * sentence and write nothing.
	 */
	@Test
	void theReportReadsItsTestSetFromNiftiFolders() throws Exception {
		final Path samples = Files.createDirectories(dir.resolve("Task09_Squares"));
		final Path images = Files.createDirectories(samples.resolve("imagesTs")), labels = Files.createDirectories(samples
			.resolve("labelsTs"));
		VolumeTrainingTest.volume(images, labels, "p1", 0);
		VolumeTrainingTest.volume(images, labels, "p2", 2);
		final Path model = dir.resolve("m.amat.zip");
		CommandModule m = train(images, labels, model);
		assertFalse(m.isCanceled(), m.getCancelReason());
		final Path out = dir.resolve("report");
		m = report(model, images.toFile(), labels.toFile(), null, out);
		assertFalse(m.isCanceled(), m.getCancelReason());
		final java.util.List<String> rows = Files.readAllLines(out.resolve("per-volume.csv"));
		// header + 1 model x noise x 2 levels x 2 volumes x 1 class
		assertEquals(5, rows.size(), String.join("\n", rows));
		assertTrue(rows.get(1).startsWith("m,noise,0,") && rows.get(1).contains(",p1,3,class 1,"), rows.get(1));
		assertTrue(rows.get(2).contains(",p2,3,class 1,"), rows.get(2));

		final Path none = dir.resolve("none");
		m = report(model, images.toFile(), labels.toFile(), new ij.ImagePlus("open", new ij.process.ByteProcessor(8, 8)),
			none);
		assertTrue(m.isCanceled());
		assertEquals("Give the test set either as an open image (test_images) or as a file or folder " +
			"(test_image_path), not both.", m.getCancelReason());
		m = report(model, null, null, null, none);
		assertTrue(m.getCancelReason().startsWith("Give the test set: an open image"), m.getCancelReason());
		assertFalse(Files.exists(none));
	}

	private static CommandModule report(final Path model, final java.io.File images, final java.io.File labels,
		final ij.ImagePlus open, final Path out) throws Exception
	{
		final Map<String, Object> in = new HashMap<>();
		in.put("model_files", model.toString());
		in.put("test_image_path", images);
		in.put("test_label_path", labels);
		in.put("test_images", open);
		in.put("evaluation", "custom");
		in.put("attacks", "noise");
		in.put("norm", "L2");
		in.put("noise_levels", "0,0.2");
		in.put("noise_unit", "rms");
		in.put("pgd_steps", 2);
		in.put("restarts", 1);
		in.put("seed", 1);
		in.put("output_folder", out.toFile());
		in.put("device", "cpu");
		return context.service(CommandService.class).run(RobustnessReportCommand.class, true, in).get();
	}

	private static CommandModule train(final Path images, final Path labels, final Path model) throws Exception {
		final Map<String, Object> in = new HashMap<>();
		in.put("image_folder", images.toFile());
		in.put("label_folder", labels.toFile());
		in.put("task", "segmentation");
		in.put("method", "Standard");
		in.put("model_file", model.toFile());
		in.put("epochs", 1);
		in.put("batch_size", 4);
		in.put("network_depth", 2);
		in.put("network_width", 4);
		in.put("device", "cpu");
		in.put("patch_size", 0);
		in.put("slice_axis", "z");
		in.put("empty_slices", "keep");
		in.put("validation_fraction", 0.0);
		in.put("intensity_normalization", "zscore");
		in.put("warm_start", false);
		in.put("export_bioimageio", false);
		return context.service(CommandService.class).run(AmatTrainCommand.class, true, in).get();
	}

	private static CommandModule train(final Path msd, final Path model, final int patch, final String axis,
		final String empty) throws Exception
	{
		final Map<String, Object> in = new HashMap<>();
		in.put("image_folder", msd.toFile());
		in.put("task", "segmentation");
		in.put("method", "Standard");
		in.put("model_file", model.toFile());
		in.put("epochs", 1);
		in.put("batch_size", 4);
		in.put("network_depth", 2);
		in.put("network_width", 4);
		in.put("device", "cpu");
		in.put("patch_size", patch);
		in.put("slice_axis", axis);
		in.put("empty_slices", empty);
		in.put("validation_fraction", 0.0);
		in.put("intensity_normalization", "zscore");
		in.put("warm_start", false);
		in.put("export_bioimageio", false);
		return context.service(CommandService.class).run(AmatTrainCommand.class, true, in).get();
	}
}
