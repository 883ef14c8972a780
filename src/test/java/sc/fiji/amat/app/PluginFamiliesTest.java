package sc.fiji.amat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
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
import org.scijava.command.Command;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import sc.fiji.amat.attack.AttackTypes;
import sc.fiji.amat.command.AdversarialAttackCommand;
import sc.fiji.amat.command.AmatCommands;
import sc.fiji.amat.command.AmatTrainCommand;
import sc.fiji.amat.command.CommandsTest;
import sc.fiji.amat.model.ImportedModelsTest;
import sc.fiji.amat.model.ModelFile;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.plugin.ShiftAttackType;
import sc.fiji.amat.plugin.ShiftTrainingType;
import sc.fiji.amat.report.ReportSettings;
import sc.fiji.amat.report.ReportTable;
import sc.fiji.amat.report.WorstCase;
import sc.fiji.amat.train.TrainingMethods;

/**
 * A new attack or training method is one class: {@link ShiftAttackType} and
 * {@link ShiftTrainingType}, in the test sources and named nowhere in the main sources, appear in
 * every list: the registries, the commands' choices (and the commands run them), the report, the
 * command line and the benchmark.
 */
class PluginFamiliesTest {

	@TempDir
	static Path dir;

	private static Context context;
	private static CommandService commands;

	@BeforeAll
	static void start() {
		context = sc.fiji.amat.TestContexts.commands();
		commands = context.service(CommandService.class);
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	private static CommandModule run(final Class<? extends Command> type, final Object... keyValues) throws Exception {
		final Map<String, Object> inputs = new HashMap<>();
		for (int i = 0; i < keyValues.length; i += 2) inputs.put((String) keyValues[i], keyValues[i + 1]);
		final CommandModule m = commands.run(type, true, inputs).get();
		assertFalse(m.isCanceled(), m.getCancelReason());
		return m;
	}

	/** A model trained by the test method through the train command: 1 epoch of a tiny U-Net. */
	private static Path trainShifted(final ImagePlus[] data, final String name, final double eps) throws Exception {
		final Path model = dir.resolve(name);
		run(AmatTrainCommand.class, "image_stack", data[0], "label_stack", data[1], "task", "segmentation", "method",
			ShiftTrainingType.NAME, "model_file", model.toFile(), "epochs", 1, "batch_size", 4, "network_depth", 1,
			"network_width", 4, "sat_eps", eps, "device", "cpu", "validation_fraction", 0.25);
		return model;
	}

	@Test
	void theRegistriesAndTheCommandsChoicesListThem() {
		assertEquals(Arrays.asList("pgd", "apgd", "ifgsm", "fgsm", "noise", ShiftAttackType.KEY), AttackTypes.keys());
		assertEquals(Arrays.asList("standard", "sat", "amat", ShiftTrainingType.KEY), TrainingMethods.keys());
		assertEquals(Arrays.asList("PGD", "APGD", "IFGSM", "FGSM", "White noise", ShiftAttackType.NAME), AmatCommands.choices(
			AdversarialAttackCommand.class, "attack"));
		assertEquals(Arrays.asList("Standard", "SAT", "AMAT", ShiftTrainingType.NAME), AmatCommands.choices(
			AmatTrainCommand.class, "method"));
		// the commands take any name the registries know: these inputs have no fixed choices
		for (final Class<? extends Command> c : Arrays.asList(AdversarialAttackCommand.class, AmatTrainCommand.class)) {
			commands.getCommand(c).inputs().forEach(item -> assertTrue(item.getChoices() == null || !Arrays.asList(
				"attack", "method").contains(item.getName()), c.getSimpleName() + " " + item.getName()));
		}
		// the report's and the command line's attack names
		assertEquals(Arrays.asList("pgd", ShiftAttackType.KEY), ReportSettings.parseAttacks("PGD, Test_Shift"));
		assertTrue(Report.selection(null, null, "test_shift,clean", null).toString().contains(ShiftAttackType.KEY));
	}

	@Test
	void theCommandsRunThem() throws Exception {
		final ImagePlus[] data = CommandsTest.squares(8);
		final CommandModule m = run(AdversarialAttackCommand.class, "input_image", data[0], "label_image", data[1],
			"model_file", ImportedModelsTest.fixture("tiny-seg.pt").toFile(), "attack", ShiftAttackType.NAME, "norm", "L2",
			"noise_level", 0.5, "noise_unit", "rms", "device", "cpu");
		// a shift: the same noise everywhere in a slice
		final ImagePlus noise = (ImagePlus) m.getOutput("noise");
		noise.setSlice(3);
		final double mean = noise.getStatistics().mean;
		assertTrue(mean > 0 && noise.getStatistics().stdDev < 1e-3 * mean, noise.getStatistics().toString());

		final ModelInfo info = ModelFile.read(trainShifted(data, "shifted.amat.zip", 0.2)).info();
		assertEquals(ShiftTrainingType.KEY, info.training.method);
		assertEquals("test-method, shifted by L2 0.2 rms", TrainingMethods.label(info.training));
	}

	@Test
	void theReportAndTheCommandLineRunThem() throws Exception {
		final ImagePlus[] data = CommandsTest.squares(8);
		final Path images = dir.resolve("images.tif"), labels = dir.resolve("labels.tif"), out = dir.resolve("report");
		IJ.saveAsTiff(data[0], images.toString());
		IJ.saveAsTiff(data[1], labels.toString());
		final Path model = trainShifted(data, "cli.amat.zip", 0.4);
		Report.run(new Args(new String[] { "report", "--models", model.toString(), "--images", images.toString(),
			"--labels", labels.toString(), "--attacks", "pgd,test-shift", "--steps", "2", "--examples", "1", "--threads",
			"1", "--out", out.toString() }, 1));
		final ReportTable t = ReportTable.readCsv(out.resolve("report.csv"));
		for (final String a : Arrays.asList("pgd", ShiftAttackType.KEY, WorstCase.NAME)) {
			assertTrue(t.rows().stream().anyMatch(r -> r.attack.equals(a)), a + " is not in the report");
		}
		assertTrue(t.rows().stream().filter(r -> r.attack.equals(ShiftAttackType.KEY)).allMatch(r -> r.craftedOn.equals(
			ReportTable.RANDOM)), "a shift follows no gradient");
		final String html = new String(Files.readAllBytes(out.resolve("report.html")), StandardCharsets.UTF_8);
		assertTrue(html.contains("test-method, shifted by L2 0.4 rms"), "the report shows the method's own label");
		// without levels given, they reach 1.5 x the budget the method recorded: 0.6 rms
		assertTrue(t.rows().stream().anyMatch(r -> Math.abs(r.eps - 0.6) < 1e-9), "levels from the trained budget");
	}

	@Test
	void theBenchmarkTimesThem() throws UnsupportedEncodingException {
		final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		final PrintStream stdout = System.out;
		try (PrintStream capture = new PrintStream(bytes, true, "UTF-8")) {
			System.setOut(capture);
			Bench.run(new Args(new String[] { "bench", "--size", "32", "--depth", "1", "--width", "4", "--batch", "2",
				"--steps", "1", "--repeats", "1", "--warmup", "0", "--attack-repeats", "1", "--tasks", "segmentation",
				"--attacks", "pgd,TestShift" }, 1));
		}
		finally {
			System.setOut(stdout);
		}
		final String text = new String(bytes.toByteArray(), StandardCharsets.UTF_8);
		for (final String line : new String[] { "PGD-1 attack", ShiftAttackType.NAME + " attack", "AMAT training step",
			ShiftTrainingType.NAME + " training step", "ratio AMAT/SAT" })
		{
			assertTrue(text.contains(line), line + " is not in\n" + text);
		}
	}
}
