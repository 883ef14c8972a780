package sc.fiji.amat.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

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

import sc.fiji.amat.export.BioImageExport;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ModelInfoFixture;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.segmentation.SegmentationTask;

/** Export to BioImage.IO through SciJava's CommandService, headless: the package beside the model, or nothing. */
class ExportBioImageIoCommandTest {

	private static Context context;
	private static CommandService commands;

	@TempDir
	Path dir;

	@BeforeAll
	static void start() {
		context = sc.fiji.amat.TestContexts.commands();
		commands = context.service(CommandService.class);
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	private CommandModule run(final Object... keyValues) throws Exception {
		return run(ExportBioImageIoCommand.class, keyValues);
	}

	private static CommandModule run(final Class<? extends org.scijava.command.Command> type,
		final Object... keyValues) throws Exception
	{
		final Map<String, Object> inputs = new HashMap<>();
		for (int i = 0; i < keyValues.length; i += 2) inputs.put((String) keyValues[i], keyValues[i + 1]);
		return commands.run(type, true, inputs).get();
	}

	@Test
	void amatTrainsCheckboxWritesThePackageWithTheFirstTrainingImage() throws Exception {
		final ij.ImagePlus images = CommandsTest.slices("train-images.tif", 4);
		final Path model = dir.resolve("seg.amat.zip");
		final java.util.List<Object> in = new java.util.ArrayList<>(Arrays.asList(CommandsTest.trainInputs(images,
			CommandsTest.slices("train-labels.tif", 4), model, "Standard")));
		in.addAll(Arrays.asList("epochs", 1, "network_depth", 1, "network_width", 2, "export_bioimageio", true));
		final CommandModule r = run(AmatTrainCommand.class, in.toArray());
		assertFalse(r.isCanceled(), r.getCancelReason());
		final Path pkg = dir.resolve("seg.bioimageio.zip");
		try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(pkg.toFile())) {
			final byte[] npy = readAll(z.getInputStream(z.getEntry("test_input.npy")));
			final float[] first = sc.fiji.amat.data.NdImages.toFloats(sc.fiji.amat.data.ImagePlusImages.wrap(images));
			final float[] values = new float[images.getWidth() * images.getHeight()];
			java.nio.ByteBuffer.wrap(npy, npy.length - 4 * values.length, 4 * values.length).order(
				java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
			org.junit.jupiter.api.Assertions.assertArrayEquals(Arrays.copyOf(first, values.length), values);
			assertEquals(4 * values.length + 128, npy.length, "one 1 x 1 x H x W image after a 128-byte header");
		}
	}

	private static byte[] readAll(final java.io.InputStream in) throws java.io.IOException {
		final java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
		final byte[] buf = new byte[8192];
		for (int r; (r = in.read(buf)) > 0;) b.write(buf, 0, r);
		return b.toByteArray();
	}

	@Test
	void writesThePackageBesideTheModelAndNothingForABadFile() throws Exception {
		final SegmentationTask task = new SegmentationTask(Arrays.asList("background", "cell"), 1, new NetworkConfig(1,
			2, NetworkConfig.Norm.BATCH));
		final Path model = dir.resolve("cells.amat.zip");
		try (AmatModel m = AmatModel.create(task, ModelInfoFixture.info(task), Device.cpu())) {
			m.save(model);
		}
		CommandModule r = run("model_file", model.toFile(), "authors", "A, B");
		assertFalse(r.isCanceled(), r.getCancelReason());
		final Path expected = dir.resolve("cells.bioimageio.zip");
		assertEquals(BioImageExport.packageBeside(model), expected);
		assertEquals(expected.toAbsolutePath().toString(), r.getOutput("package_path"));
		// the sample tensor is a float TIFF that ImageJ reads as the test input's pixels
		final Path tif = dir.resolve("sample_input.tif");
		try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(expected.toFile())) {
			Files.copy(z.getInputStream(z.getEntry("sample_input.tif")), tif);
			final byte[] npy = readAll(z.getInputStream(z.getEntry("test_input.npy")));
			final ij.ImagePlus imp = ij.IJ.openImage(tif.toString());
			assertEquals(ij.ImagePlus.GRAY32, imp.getType());
			final float[] pixels = (float[]) imp.getProcessor().getPixels();
			final float[] values = new float[pixels.length];
			java.nio.ByteBuffer.wrap(npy, npy.length - 4 * values.length, 4 * values.length).order(
				java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
			org.junit.jupiter.api.Assertions.assertArrayEquals(values, pixels);
		}

		final Path junk = Files.write(dir.resolve("junk.amat.zip"), new byte[] { 1, 2, 3 });
		r = run("model_file", junk.toFile());
		assertTrue(r.isCanceled());
		assertFalse(Files.exists(dir.resolve("junk.bioimageio.zip")), r.getCancelReason());
	}
}
