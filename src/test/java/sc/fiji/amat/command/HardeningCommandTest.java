package sc.fiji.amat.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ij.ImagePlus;
import ij.measure.ResultsTable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.scijava.module.ModuleItem;
import org.scijava.prefs.PrefService;

import sc.fiji.amat.model.ImportedModelsTest;

/** Hardening a TorchScript model through AMAT Train (standard model + warm start), then attacking the result. */
class HardeningCommandTest {

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

	/**
	 * Runs the test's commands, then puts back the parameter values SciJava persisted before
	 * (the warm start, the normalisation, ...), as the preferences held them, so that other
	 * tests' commands (and other test runs on this machine) see them unchanged.
	 */
	static void keepingPersistedValues(final Class<? extends Command> type, final Body body) throws Exception {
		final PrefService prefs = context.service(PrefService.class);
		final Map<String, String> before = new HashMap<>();
		for (final ModuleItem<?> item : commands.getCommand(type).inputs()) {
			if (item.isPersisted()) before.put(item.getName(), prefs.get(type, item.getName()));
		}
		try {
			body.run();
		}
		finally {
			before.forEach((name, value) -> {
				if (value == null) prefs.remove(type, name);
				else prefs.put(type, name, value);
			});
		}
	}

	interface Body {

		void run() throws Exception;
	}

	static CommandModule run(final Class<? extends Command> type, final Object... keyValues) throws Exception {
		final Map<String, Object> inputs = new HashMap<>();
		for (int i = 0; i < keyValues.length; i += 2) inputs.put((String) keyValues[i], keyValues[i + 1]);
		return commands.run(type, true, inputs).get();
	}

	@Test
	void amatTrainHardensATorchScriptModelAndTheAttackTakesIt() throws Exception {
		keepingPersistedValues(AmatTrainCommand.class, () -> keepingPersistedValues(AdversarialAttackCommand.class,
			this::harden));
	}

	private void harden() throws Exception {
		final Path brought = dir.resolve("tiny-seg.pt");
		Files.copy(ImportedModelsTest.fixture("tiny-seg.pt"), brought);
		Files.copy(ImportedModelsTest.fixture("tiny-seg.json"), dir.resolve("tiny-seg.json"));
		final ImagePlus[] data = CommandsTest.squares(16);
		final Path out = dir.resolve("hardened.pt");
		final CommandModule train = run(AmatTrainCommand.class, "image_stack", data[0], "label_stack", data[1], "task",
			"segmentation", "method", "AMAT", "model_file", out.toFile(), "epochs", 2, "batch_size", 8, "network_depth", 2,
			"pgd_steps", 2, "amat_delta", 0.05, "device", "cpu", "validation_fraction", 0.25, "export_bioimageio", true,
			"patch_size", 0, "follow_model", true, "threshold_statistic", "quantile", "intensity_normalization",
			"zscore", "learning_rate", 0.002, "seed", 42, "network_width", 16, "norm_layer", "batch", "standard_model", brought
				.toFile(), "warm_start", true);
		assertFalse(train.isCanceled(), train.getCancelReason());
		assertTrue(Files.exists(out));
		final JsonObject description = JsonParser.parseString(new String(Files.readAllBytes(dir.resolve(
			"hardened.json")), StandardCharsets.UTF_8)).getAsJsonObject();
		assertEquals("square", description.getAsJsonArray("classes").get(1).getAsString(), "the model's own names");
		assertEquals("amat", description.getAsJsonObject("amat_training").get("method").getAsString());
		assertFalse(Files.readAllBytes(out).length == Files.readAllBytes(brought).length && java.util.Arrays.equals(Files
			.readAllBytes(out), Files.readAllBytes(brought)), "the weights were fine-tuned");

		// the checkbox packages the hardened module (torchscript weights), which imports back white-box
		final Path pkg = dir.resolve("hardened.pt.bioimageio.zip");
		assertTrue(Files.exists(pkg), "no package beside the model");
		try (sc.fiji.amat.model.AmatModel m = sc.fiji.amat.model.AmatModel.load(pkg, ai.djl.Device.cpu())) {
			assertTrue(m.hasInputGradients());
			assertEquals("TorchScript", m.info().importedFormat);
		}

		final CommandModule attack = run(AdversarialAttackCommand.class, "input_image", data[0], "label_image", data[1],
			"model_file", out.toFile(), "attack", "PGD", "norm", "L2", "noise_level", 0.2, "noise_unit", "rms",
			"iterations", 2, "device", "cpu");
		assertFalse(attack.isCanceled(), attack.getCancelReason());
		assertEquals(16, ResultsTable.getResultsTable().size());

		// a normalisation other than the model's is one sentence, and nothing is written
		final Path other = dir.resolve("other.pt");
		final CommandModule wrong = run(AmatTrainCommand.class, "image_stack", data[0], "label_stack", data[1], "task",
			"segmentation", "method", "SAT", "model_file", other.toFile(), "epochs", 1, "network_depth", 2, "pgd_steps", 1,
			"device", "cpu", "export_bioimageio", false, "patch_size", 0, "intensity_normalization", "percentile 1 99",
			"standard_model", brought.toFile(),
			"warm_start", true);
		assertTrue(wrong.isCanceled() && wrong.getCancelReason().contains("choose zscore"), wrong.getCancelReason());
		assertFalse(Files.exists(other));
	}
}
