package sc.fiji.amat.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;

import sc.fiji.amat.TinyData;
import sc.fiji.amat.data.NormalizedImages;
import sc.fiji.amat.model.ImportedModelsTest;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.model.ModelFile;

/** Runs the commands through SciJava's CommandService, headless, on the sample data. */
public class CommandsTest {

	static final Path SAMPLES = Paths.get("sample-data", "segmentation");
	private static Context context;
	private static CommandService commands;

	@TempDir
	static Path dir;

	@BeforeAll
	static void start() {
		context = sc.fiji.amat.TestContexts.commands();
		commands = context.service(CommandService.class);
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	/** The first n slices of a stack file. */
	static ImagePlus slices(final String file, final int n) {
		final ImagePlus all = NormalizedImages.open(SAMPLES.resolve(file));
		final ImageStack s = new ImageStack(all.getWidth(), all.getHeight());
		for (int i = 1; i <= n; i++) s.addSlice(all.getStack().getProcessor(i));
		return new ImagePlus(file, s);
	}

	static CommandModule run(final Class<? extends Command> type, final Object... keyValues) throws Exception {
		final Map<String, Object> inputs = new HashMap<>();
		for (int i = 0; i < keyValues.length; i += 2) inputs.put((String) keyValues[i], keyValues[i + 1]);
		final java.util.concurrent.Future<CommandModule> f = commands.run(type, true, inputs);
		if (f == null) {
			final CommandInfo info = commands.getCommand(type);
			if (info == null) throw new AssertionError(type + " is not discovered");
			info.createModule(); // throws what stopped the command service
			throw new AssertionError("CommandService could not run " + type);
		}
		return f.get();
	}

	static Object[] trainInputs(final ImagePlus images, final ImagePlus labels, final Path model, final String method) {
		return new Object[] { "image_stack", images, "label_stack", labels, "task", "segmentation", "method", method,
			"model_file", model.toFile(), "epochs", 2, "batch_size", 8, "network_depth", 2, "network_width", 8,
			"pgd_steps", 2, "device", "cpu", "validation_fraction", 0.25 };
	}

	@Test
	void trainThenAttackOnTheSampleData() throws Exception {
		final Path model = dir.resolve("seg.amat.zip");
		final CommandModule train = run(AmatTrainCommand.class, trainInputs(slices("train-images.tif", 16), slices(
			"train-labels.tif", 16), model, "AMAT"));
		assertFalse(train.isCanceled(), train.getCancelReason());
		assertTrue(Files.exists(model));
		assertTrue(Files.exists(dir.resolve("seg-standard.amat.zip")), "the calibration model is saved beside");
		final ModelFile file = ModelFile.read(model);
		assertEquals("amat", file.info().training.method);
		assertEquals(12, file.info().training.methodState.getAsJsonArray("margins").size());
		assertTrue(((Double) train.getOutput("validation_metric")) >= 0);

		final ImagePlus test = slices("test-images.tif", 4), labels = slices("test-labels.tif", 4);
		final CommandModule attack = run(AdversarialAttackCommand.class, "input_image", test, "label_image", labels,
			"model_file", model.toFile(), "attack", "PGD", "norm", "L2", "noise_level", 0.2, "noise_unit", "rms",
			"iterations", 3, "device", "cpu");
		assertFalse(attack.isCanceled(), attack.getCancelReason());
		final ImagePlus adv = (ImagePlus) attack.getOutput("adversarial");
		final ImagePlus noise = (ImagePlus) attack.getOutput("noise");
		final ImagePlus pred = (ImagePlus) attack.getOutput("prediction_adversarial");
		assertNotNull(adv);
		assertEquals(4, adv.getStackSize());
		assertEquals(test.getWidth(), adv.getWidth());
		assertEquals(4, pred.getStackSize());
		assertTrue(pred.getStatistics().max <= 2, "class indices");
		// the noise is the difference of adversarial and clean, in the image's own intensities
		final float a = adv.getStack().getProcessor(2).getf(10, 20), c = test.getStack().getProcessor(2).getf(10, 20);
		assertEquals(a - c, noise.getStack().getProcessor(2).getf(10, 20), 1e-2);
		final ResultsTable rt = ResultsTable.getResultsTable();
		assertEquals(4, rt.size());
		assertTrue(rt.getColumnIndex("dice adversarial") >= 0);
	}

	/** Squares as TinyData makes them, as an image stack and a label stack. */
	public static ImagePlus[] squares(final int n) {
		final List<Mask> masks = new ArrayList<>();
		final float[] raw = TinyData.rawSquares(n, 9, 0, 1, 0.3, masks);
		final int size = TinyData.SIZE;
		final ImageStack images = new ImageStack(size, size), labels = new ImageStack(size, size);
		for (int i = 0; i < n; i++) {
			images.addSlice(new FloatProcessor(size, size, Arrays.copyOfRange(raw, i * size * size, (i + 1) * size *
				size)));
			labels.addSlice(new ByteProcessor(size, size, masks.get(i).classes().clone()));
		}
		return new ImagePlus[] { new ImagePlus("squares", images), new ImagePlus("square-labels", labels) };
	}

	@Test
	void modelsUsersBringThroughTheCommands() throws Exception {
		final ImagePlus[] data = squares(4);
		final File torchScript = ImportedModelsTest.fixture("tiny-seg.pt").toFile(), onnx = ImportedModelsTest.fixture(
			"tiny-seg-nhwc.onnx").toFile();
		final CommandModule attack = run(AdversarialAttackCommand.class, "input_image", data[0], "label_image", data[1],
			"model_file", torchScript, "attack", "PGD", "norm", "L2", "noise_level", 0.5, "noise_unit", "rms",
			"iterations", 5, "device", "cpu");
		assertFalse(attack.isCanceled(), attack.getCancelReason());
		final ResultsTable rt = ResultsTable.getResultsTable();
		assertEquals(4, rt.size());
		double clean = 0, adversarial = 0;
		for (int i = 0; i < 4; i++) {
			clean += rt.getValue("dice clean", i) / 4;
			adversarial += rt.getValue("dice adversarial", i) / 4;
		}
		assertTrue(adversarial < clean - 0.2, "Dice " + clean + " -> " + adversarial);
		// ONNX: no gradients, so no white-box attack, but white noise
		CommandModule m = run(AdversarialAttackCommand.class, "input_image", data[0], "model_file", onnx, "attack", "PGD",
			"device", "cpu");
		assertTrue(m.isCanceled() && m.getCancelReason().contains("no gradients"), m.getCancelReason());
		m = run(AdversarialAttackCommand.class, "input_image", data[0], "label_image", data[1], "model_file", onnx,
			"attack", "White noise", "iterations", 2, "device", "cpu");
		assertFalse(m.isCanceled(), m.getCancelReason());
		// the report on the ONNX model, its gradient attacks crafted on the TorchScript model
		final Path out = dir.resolve("brought-report");
		m = run(RobustnessReportCommand.class, "model_files", onnx.toString(), "test_images", data[0], "test_labels",
			data[1], "attacks", "pgd,noise", "noise_levels", "0,0.5", "pgd_steps", 3, "transfer_source", torchScript,
			"output_folder", out.toFile(), "device", "cpu");
		assertFalse(m.isCanceled(), m.getCancelReason());
		final String csv = new String(Files.readAllBytes(out.resolve("report.csv")), java.nio.charset.StandardCharsets
			.UTF_8);
		assertTrue(csv.contains("transfer from tiny-seg.pt (not white-box)"), csv);
	}

	@Test
	void badInputIsOneClearMessageAndWritesNothing() throws Exception {
		final Path model = dir.resolve("never.amat.zip");
		final ImagePlus images = slices("train-images.tif", 4);
		// labels of another size
		final ImageStack small = new ImageStack(32, 32);
		for (int i = 0; i < 4; i++) small.addSlice(new ByteProcessor(32, 32));
		CommandModule m = run(AmatTrainCommand.class, trainInputs(images, new ImagePlus("small", small), model,
			"Standard"));
		assertTrue(m.isCanceled());
		assertTrue(m.getCancelReason().contains("same size"), m.getCancelReason());
		// a label image with a different number of slices
		m = run(AmatTrainCommand.class, trainInputs(images, slices("train-labels.tif", 3), model, "Standard"));
		assertTrue(m.getCancelReason().contains("one label image per image"), m.getCancelReason());
		// an output folder that does not exist
		m = run(AmatTrainCommand.class, trainInputs(images, slices("train-labels.tif", 4), dir.resolve("no/such/m.zip"),
			"Standard"));
		assertTrue(m.getCancelReason().contains("does not exist"), m.getCancelReason());
		// labels without any object
		final ImageStack empty = new ImageStack(64, 64);
		for (int i = 0; i < 4; i++) empty.addSlice(new ByteProcessor(64, 64));
		m = run(AmatTrainCommand.class, trainInputs(images, new ImagePlus("empty", empty), model, "Standard"));
		assertTrue(m.getCancelReason().contains("empty"), m.getCancelReason());
		// no data at all
		m = run(AmatTrainCommand.class, "task", "segmentation", "method", "Standard", "model_file", model.toFile());
		assertTrue(m.getCancelReason().contains("No training data"), m.getCancelReason());
		assertFalse(Files.exists(model));
		// a model file that is not one
		final Path junk = dir.resolve("junk.amat.zip");
		Files.write(junk, new byte[] { 1, 2, 3 });
		m = run(AdversarialAttackCommand.class, "input_image", images, "model_file", junk.toFile(), "device", "cpu");
		assertTrue(m.getCancelReason().contains("damaged or truncated") || m.getCancelReason().contains(
			"not an AMAT model"), m.getCancelReason());
	}

	@Test
	void theDiagnosticsCommandGivesTheDoctorsReportAndVerdict() throws Exception {
		final CommandModule m = run(DiagnosticsCommand.class);
		assertFalse(m.isCanceled(), m.getCancelReason());
		final String verdict = (String) m.getOutput("verdict");
		final String report = (String) m.getOutput("diagnostics");
		assertTrue(verdict.startsWith("OK"), verdict);
		assertTrue(report.contains("self-test cpu() convolution: passed") && report.endsWith("verdict: " + verdict),
			report);
	}

	@Test
	void macroKeysAreUniqueSnakeCaseAndNoneEndsWithAnother() {
		for (final Class<? extends Command> type : AmatCommands.ALL) {
			final CommandInfo info = commands.getCommand(type);
			assertNotNull(info, type + " is not discovered");
			assertTrue(info.getMenuPath().getMenuString().startsWith("Plugins > AMAT > "), info.getMenuPath()
				.getMenuString());
			final List<String> keys = new ArrayList<>();
			for (final ModuleItem<?> item : info.inputs()) {
				if (sc.fiji.amat.ij1.LegacyBridgeAccess.isUserInput(item)) keys.add(item.getName());
			}
			for (final String k : keys) {
				assertTrue(k.matches("[a-z][a-z0-9_]*"), k + " is not snake_case");
				for (final String other : keys) {
					if (!k.equals(other)) assertFalse(other.endsWith(k), "macro key " + k + " is found inside " + other +
						" in " + info.getTitle());
				}
			}
		}
		assertTrue(new File("plugins.config").exists());
	}
}
