package sc.fiji.amat.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.TinyData;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.Pgd;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.export.BioImageExport;
import sc.fiji.amat.export.ExportSettings;
import sc.fiji.amat.export.WeightsEntry;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ImportedModelsTest;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;

/**
 * Hardening a TorchScript model a user brought: AMAT fine-tunes the tiny fixture's module
 * through DJL's trainer (its parameters are the module's tensors), the fine-tuned module is
 * saved back as TorchScript and reloads with the same outputs.
 */
class HardeningTest {

	@TempDir
	Path dir;

	static final double EPS = 0.2;

	static SegmentationTask task() {
		return new SegmentationTask(Arrays.asList("background", "square"), 1, new NetworkConfig(2, 4,
			NetworkConfig.Norm.BATCH));
	}

	static double pgdDice(final AmatModel m, final LabeledData<Mask> data) {
		Engines.pytorch().setRandomSeed(17);
		return Evaluator.evaluate(m, data, 8, Pgd.pgd(Norm.L2, 10, 2.5f), EPS, EpsUnit.RMS, null).primaryMean();
	}

	@Test
	void amatFineTuneMakesTheTorchScriptModelMoreRobust() throws Exception {
		final Path original = ImportedModelsTest.fixture("tiny-seg.pt");
		final LabeledData<Mask> train = TinyData.squares(32, 11), test = TinyData.squares(24, 77);
		final TrainingRecipe recipe = TrainingRecipe.defaults("amat");
		recipe.standardModel = original;
		recipe.warmStart = true;
		recipe.amatDelta = 0.1;
		recipe.steps = 5;
		final TrainingSettings s = new TrainingSettings();
		s.epochs = 4;
		s.batchSize = 8;
		s.learningRate = 1e-2f;
		s.validationFraction = 0;
		s.seed = 5;
		try (AmatModel before = AmatModel.load(original, Device.cpu());
			AmatModel hardened = recipe.train(task(), train, Normalization.zscore(), s, null))
		{
			final double cleanBefore = Evaluator.evaluate(before, test, 8).primaryMean();
			final double cleanAfter = Evaluator.evaluate(hardened, test, 8).primaryMean();
			final double pgdBefore = pgdDice(before, test), pgdAfter = pgdDice(hardened, test);
			// seeds 5, 6, 8 gave +0.024 to +0.027 (0.775 -> 0.80); the clean Dice rose too (0.90 -> 0.97).
			// On this hand-set 3x3 model plain (standard) fine-tuning with the same settings raised the
			// PGD Dice as much or more (to 0.82): the test checks that hardening trains the module and
			// makes it better under attack than it came, not that AMAT beats standard fine-tuning here.
			assertTrue(pgdAfter > pgdBefore + 0.01, "PGD Dice at " + EPS + " rms: " + pgdBefore + " -> " + pgdAfter);
			assertTrue(cleanAfter > cleanBefore - 0.02, "clean Dice: " + cleanBefore + " -> " + cleanAfter);
			assertEquals("amat", hardened.info().training.method);

			final Path pt = dir.resolve("hardened.pt");
			hardened.torchScript().save(pt);
			final Path zip = dir.resolve("hardened.amat.zip");
			hardened.save(zip);
			hardened.save(dir.resolve("hardened2.pt"));
			try (AmatModel reloaded = AmatModel.load(dir.resolve("hardened2.pt"), Device.cpu());
				AmatModel fromZip = AmatModel.load(zip, Device.cpu());
				NDManager sub = hardened.manager().newSubManager())
			{
				final float[] a = hardened.forward(test.batch(sub, new int[] { 0, 1, 2 }), false).singletonOrThrow()
					.toFloatArray();
				final float[] b = reloaded.forward(test.batch(sub, new int[] { 0, 1, 2 }), false).singletonOrThrow()
					.toFloatArray();
				final float[] c = fromZip.forward(test.batch(sub, new int[] { 0, 1, 2 }), false).singletonOrThrow()
					.toFloatArray();
				assertTrue(Arrays.equals(a, b), "the saved TorchScript gives other outputs");
				assertTrue(Arrays.equals(a, c), "the saved model file gives other outputs");
				assertEquals("amat", fromZip.info().training.method);
			}
			// a checkpoint's weights (a TorchScript file's bytes) load back into the module in place
			try (AmatModel fresh = AmatModel.forFineTuning(original, task(), new ModelInfo(), Device.cpu());
				NDManager sub = hardened.manager().newSubManager())
			{
				final NDArray x = test.batch(sub, new int[] { 5 });
				final float[] tuned = hardened.forward(x, false).singletonOrThrow().toFloatArray();
				assertFalse(Arrays.equals(tuned, fresh.forward(x, false).singletonOrThrow().toFloatArray()));
				fresh.loadWeights(Files.readAllBytes(pt));
				assertTrue(Arrays.equals(tuned, fresh.forward(x, false).singletonOrThrow().toFloatArray()));
			}
			// exported again as a bioimage.io package (TorchScript weights), it imports with the same outputs
			final ExportSettings es = new ExportSettings();
			es.name = "hardened squares";
			es.description = "tiny-seg.pt fine-tuned with AMAT";
			es.authors.add("AMAT test");
			es.image(Arrays.copyOf(TinyData.rawSquares(1, 4, 0, 1, 0.3, new java.util.ArrayList<>()), TinyData.SIZE *
				TinyData.SIZE), TinyData.SIZE, TinyData.SIZE);
			final Map<String, Object> version = new LinkedHashMap<>();
			version.put("pytorch_version", "2.5.1");
			final Path pkg = BioImageExport.export(hardened, dir.resolve("hardened.bioimageio.zip"), es, Collections
				.singletonList(WeightsEntry.of("torchscript", "weights.pt", hardened.torchScript().torchScriptBytes(),
					version)));
			try (AmatModel imported = AmatModel.load(pkg, Device.cpu()); NDManager sub = hardened.manager()
				.newSubManager())
			{
				assertTrue(imported.hasInputGradients());
				final float[] a = hardened.forward(test.batch(sub, new int[] { 3, 4 }), false).singletonOrThrow()
					.toFloatArray();
				final float[] b = imported.forward(test.batch(sub, new int[] { 3, 4 }), false).singletonOrThrow()
					.toFloatArray();
				assertTrue(Arrays.equals(a, b), "the exported package gives other outputs");
			}
		}
	}
}
