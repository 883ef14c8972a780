package sc.fiji.amat.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.TinyData;
import sc.fiji.amat.attack.AttackTarget;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.Pgd;
import sc.fiji.amat.attack.WhiteNoise;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.landmarks.LandmarkTask;
import sc.fiji.amat.task.segmentation.Mask;

/**
 * Models users bring, on the tiny fixtures that {@code imported-models/make-tiny-models.py}
 * made: a hand-written network that finds bright squares, as TorchScript (NCHW logits) and as
 * ONNX the way a Keras export looks (NHWC in, softmax probabilities NHWC out).
 */
public class ImportedModelsTest {

	@TempDir
	Path dir;

	/** A fixture of {@code src/test/resources/imported-models}. */
	public static Path fixture(final String name) {
		try {
			return Paths.get(ImportedModelsTest.class.getResource("/imported-models/" + name).toURI());
		}
		catch (final URISyntaxException e) {
			throw new IllegalStateException(e);
		}
	}

	static LabeledData<Mask> squares() {
		return TinyData.squares(12, 5);
	}

	static AmatModel load(final String name) {
		return AmatModel.load(fixture(name), Device.cpu());
	}

	@Test
	void torchScriptLoadsAndSegmentsSquares() {
		final LabeledData<Mask> data = squares();
		try (AmatModel m = load("tiny-seg.pt")) {
			assertTrue(m.isImported());
			assertTrue(m.hasInputGradients());
			assertEquals("segmentation", m.task().type());
			assertEquals("zscore", m.normalization().toString());
			assertEquals("TorchScript", m.info().importedFormat);
			try (NDManager sub = m.manager().newSubManager()) {
				final NDArray out = m.forward(data.batch(sub, new int[] { 0, 1, 2 }), false).singletonOrThrow();
				assertEquals(new ai.djl.ndarray.types.Shape(3, 2, TinyData.SIZE, TinyData.SIZE), out.getShape());
			}
			final MetricTable clean = Evaluator.evaluate(m, data, 4);
			assertTrue(clean.primaryMean() > 0.8, "Dice of the hand-written square finder: " + clean.primaryMean());
		}
	}

	@Test
	void torchScriptRunsInEvaluationMode() {
		// the fixture's batch norm has running statistics far from the batch's: in training mode an
		// image's output would depend on the other images of its batch
		final LabeledData<Mask> data = squares();
		try (AmatModel m = load("tiny-seg.pt"); NDManager sub = m.manager().newSubManager()) {
			final float[] alone = m.forward(data.batch(sub, new int[] { 3 }), false).singletonOrThrow().toFloatArray();
			final float[] inBatch = m.forward(data.batch(sub, new int[] { 3, 7, 9 }), false).singletonOrThrow().get(0)
				.toFloatArray();
			for (int i = 0; i < alone.length; i++) assertEquals(alone[i], inBatch[i], 1e-5);
		}
	}

	@Test
	void pgdOnTorchScriptIsWhiteBoxAndStaysInItsBall() {
		final LabeledData<Mask> data = squares();
		final int[] pos = { 0, 1, 2, 3, 4, 5 };
		try (AmatModel m = load("tiny-seg.pt"); NDManager sub = m.manager().newSubManager()) {
			@SuppressWarnings("unchecked")
			final Task<Mask> task = (Task<Mask>) m.task();
			final AttackTarget<Mask> target = new AttackTarget<>(m.block(), m.parameterStore(), task, false, null);
			final NDArray x = data.batch(sub, pos);
			final NDList y = task.encodeLabels(sub, data.labels(pos), data.height(), data.width());
			final float eps = 0.5f * (float) Math.sqrt(data.sampleSize()); // 0.5 rms
			final float[] epsPerSample = new float[pos.length];
			Arrays.fill(epsPerSample, eps);
			Engines.pytorch().setRandomSeed(3);
			final NDArray xa = Pgd.pgd(Norm.L2, 10, 2.5f).perturb(target, x, y, epsPerSample);
			final float[] norms = Norm.L2.of(xa.sub(x)).toFloatArray();
			for (final float n : norms) {
				assertTrue(n <= eps * 1.0001f, "L2 norm " + n + " > eps " + eps);
				assertTrue(n > 0.5f * eps, "the attack barely moved: " + n);
			}
			final float[] lossClean = task.loss(m.forward(x, false), y).toFloatArray();
			final float[] lossAdv = task.loss(m.forward(xa, false), y).toFloatArray();
			for (int i = 0; i < pos.length; i++) {
				assertTrue(lossAdv[i] > lossClean[i], "loss " + lossClean[i] + " -> " + lossAdv[i]);
			}
			final double diceClean = task.metrics(m.forward(x, false), data.labels(pos)).primaryMean();
			final double diceAdv = task.metrics(m.forward(xa, false), data.labels(pos)).primaryMean();
			assertTrue(diceAdv < diceClean - 0.2, "Dice " + diceClean + " -> " + diceAdv);
			// white noise of the same size hurts far less than the gradient attack
			final NDArray xn = new WhiteNoise(Norm.L2, WhiteNoise.Distribution.UNIFORM, 1).perturb(target, x, y,
				epsPerSample);
			assertTrue(task.metrics(m.forward(xn, false), data.labels(pos)).primaryMean() > diceAdv + 0.1);
			// the imported weights took no gradient: PyTorch would add it into any later use
			for (final Parameter p : m.djlModel().getBlock().getParameters().values()) {
				assertFalse(p.getArray().hasGradient() && p.getArray().getGradient().abs().sum().getFloat() > 0,
					"parameter " + p.getName() + " accumulated a gradient");
				assertFalse(p.requiresGradient(), "parameter " + p.getName() + " was unfrozen");
			}
		}
	}

	@Test
	void linfAttackThroughTheEvaluatorStaysInItsBox() {
		final LabeledData<Mask> data = squares();
		try (AmatModel m = load("tiny-seg.pt")) {
			final double clean = Evaluator.evaluate(m, data, 4).primaryMean();
			final double[] maxChange = { 0 };
			final MetricTable adv = Evaluator.evaluate(m, data, 4, Pgd.ifgsm(Norm.LINF, 5), 0.4, EpsUnit.ABSOLUTE,
				new Evaluator.BatchListener() {

					@Override
					public void batch(final int[] positions, final NDArray c, final NDArray input, final NDList output) {
						maxChange[0] = Math.max(maxChange[0], input.sub(c).abs().max().getFloat());
					}
				});
			assertTrue(maxChange[0] <= 0.4 + 1e-5 && maxChange[0] > 0.3, "Linf change " + maxChange[0]);
			assertTrue(adv.primaryMean() < clean - 0.2, "Dice " + clean + " -> " + adv.primaryMean());
		}
	}

	@Test
	void onnxChannelsLastGivesTheSamePredictionsWithoutGradients() {
		final LabeledData<Mask> data = squares();
		final int[] pos = { 0, 1, 2, 3 };
		try (AmatModel ts = load("tiny-seg.pt"); AmatModel onnx = load("tiny-seg-nhwc.onnx");
			NDManager a = ts.manager().newSubManager(); NDManager b = onnx.manager().newSubManager())
		{
			assertTrue(onnx.isImported());
			assertFalse(onnx.hasInputGradients());
			assertEquals("ONNX", onnx.info().importedFormat);
			assertEquals(Engines.PYTORCH, onnx.manager().getEngine().getEngineName(), "AMAT's side is PyTorch");
			final NDArray logits = ts.forward(data.batch(a, pos), false).singletonOrThrow();
			final NDArray out = onnx.forward(data.batch(b, pos), false).singletonOrThrow();
			assertEquals(Engines.PYTORCH, out.getManager().getEngine().getEngineName());
			assertEquals(logits.getShape(), out.getShape());
			// the ONNX model ends with a softmax: its log-probabilities are the TorchScript model's log-softmax
			final float[] expected = logits.logSoftmax(1).toFloatArray(), got = out.toFloatArray();
			for (int i = 0; i < got.length; i++) assertEquals(expected[i], got[i], 1e-4, "value " + i);
			assertEquals(Evaluator.evaluate(ts, data, 4).primaryMean(), Evaluator.evaluate(onnx, data, 4).primaryMean(),
				1e-9);
			// a gradient attack on it needs a source model
			final AmatException e = assertThrows(AmatException.class, () -> Evaluator.evaluate(onnx, data, 4, Pgd.fgsm(
				Norm.L2), 0.3, EpsUnit.RMS));
			assertTrue(e.getMessage().contains("no gradients"), e.getMessage());
		}
	}

	@Test
	void transferAttackFromTheTorchScriptTwinHurtsTheOnnxModel() {
		final LabeledData<Mask> data = squares();
		final double[] ratio = new double[data.size()];
		Arrays.fill(ratio, 1); // same normalisation on both sides
		try (AmatModel ts = load("tiny-seg.pt"); AmatModel onnx = load("tiny-seg-nhwc.onnx")) {
			final double clean = Evaluator.evaluate(onnx, data, 4).primaryMean();
			Engines.pytorch().setRandomSeed(7);
			final double whiteBox = Evaluator.evaluate(ts, data, 4, Pgd.pgd(Norm.L2, 5, 2.5f), 0.5, EpsUnit.RMS, null)
				.primaryMean();
			Engines.pytorch().setRandomSeed(7);
			final double transfer = Evaluator.evaluate(onnx, data, 4, Pgd.pgd(Norm.L2, 5, 2.5f), 0.5, EpsUnit.RMS, null,
				new Evaluator.Transfer(ts, data, ratio)).primaryMean();
			assertTrue(transfer < clean - 0.2, "Dice " + clean + " -> " + transfer);
			// the twin computes the same function, so the transferred images hurt it as much as white-box ones
			assertEquals(whiteBox, transfer, 0.02);
			final double noise = Evaluator.evaluate(onnx, data, 4, new WhiteNoise(Norm.L2, WhiteNoise.Distribution.UNIFORM,
				2), 0.5, EpsUnit.RMS).primaryMean();
			assertTrue(noise > transfer + 0.1, "noise " + noise + " vs transfer " + transfer);
			assertThrows(AmatException.class, () -> new Evaluator.Transfer(onnx, data, ratio));
		}
	}

	@Test
	void pytorchStaysTheDefaultEngine() {
		Engines.onnxRuntime();
		assertEquals(Engines.PYTORCH, Engine.getDefaultEngineName());
		assertEquals(Engines.PYTORCH, Engine.getInstance().getEngineName());
	}

	// ---- what users get wrong: one sentence each

	Path copy(final String fixture, final String as) throws IOException {
		final Path p = dir.resolve(as);
		Files.copy(fixture(fixture), p);
		return p;
	}

	static String describe(final String classes, final String inLayout, final String outLayout, final String values) {
		return "{\"task\": \"segmentation\", \"classes\": " + classes + ", \"input\": {\"channels\": 1, \"layout\": \"" +
			inLayout + "\", \"normalization\": \"zscore\"}, \"output\": {\"layout\": \"" + outLayout +
			"\", \"values\": \"" + values + "\"}}";
	}

	String error(final Path model) {
		return assertThrows(AmatException.class, () -> AmatModel.load(model, Device.cpu()).close()).getMessage();
	}

	void write(final String name, final String text) throws IOException {
		Files.write(dir.resolve(name), text.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void missingOrBrokenDescriptions() throws IOException {
		final Path model = copy("tiny-seg.pt", "seg.pt");
		assertTrue(error(model).contains("needs a description beside it (seg.json"), error(model));
		write("seg.json", "{\"task\": \"segmentation\", \"classes\": [\"background\", ");
		assertTrue(error(model).contains("is not valid JSON"), error(model));
		write("seg.json", "{\"task\": \"segmentation\", \"input\": {\"channels\": 1}}");
		assertTrue(error(model).contains("lacks \"classes\""), error(model));
		write("seg.json", describe("[\"background\", \"square\"]", "NCHW", "NCHW", "logits").replace("zscore",
			"whiten"));
		assertTrue(error(model).contains("Unknown normalisation 'whiten'"), error(model));
		write("seg.json", describe("[\"background\", \"square\"]", "NCHW", "NCHW", "logits").replace("\"segmentation\"",
			"\"classification\""));
		assertTrue(error(model).contains("'classification', which is not a task AMAT knows"), error(model));
		// the same model with a good description, also found as NAME.pt.json
		Files.delete(dir.resolve("seg.json"));
		write("seg.pt.json", describe("[\"background\", \"square\"]", "NCHW", "NCHW", "logits"));
		try (AmatModel m = AmatModel.load(model, Device.cpu())) {
			assertEquals(Arrays.asList("background", "square"), ((sc.fiji.amat.task.segmentation.SegmentationTask) m
				.task()).classNames());
		}
	}

	@Test
	void outputsThatDoNotMatchTheDescription() throws IOException {
		final Path model = copy("tiny-seg.pt", "seg.pt");
		write("seg.json", describe("[\"background\", \"a\", \"b\"]", "NCHW", "NCHW", "logits"));
		final String classes = error(model);
		assertTrue(classes.contains("outputs 1 x 2 x 16 x 17") && classes.contains("3 classes"), classes);
		write("seg.json", describe("[\"background\", \"square\"]", "NCHW", "NHWC", "logits"));
		assertTrue(error(model).contains("fix its classes or output.layout"), error(model));
		write("seg.json", describe("[\"background\", \"square\"]", "NHWC", "NCHW", "logits"));
		assertTrue(error(model).contains("fails on a 1 x 16 x 17 x 1 input"), error(model));
		write("seg.json", describe("[\"background\", \"square\"]", "NCHW", "NCHW", "probabilities"));
		assertTrue(error(model).contains("do not sum to 1"), error(model));
	}

	/**
	 * A description naming another task reaches that task's type: it reads its own keys, and the
	 * model must output what the task's own network does.
	 */
	@Test
	void descriptionsOfOtherTasksGoThroughTheirTaskType() throws IOException {
		final Path model = copy("tiny-seg.pt", "other.pt");
		final String landmarks = "{\"task\": \"landmarks\", \"landmarks\": [\"tip\", \"base\"], \"pixel_size_mm\": 0.5, " +
			"\"input\": {\"channels\": 1, \"normalization\": \"zscore\"}, \"output\": {\"values\": \"logits\"}}";
		write("other.json", landmarks);
		final ModelDescription d = ModelDescription.read(model);
		assertTrue(d.rebuilt instanceof LandmarkTask, d.rebuilt.getClass().getName());
		assertEquals(Arrays.asList("tip", "base"), ((LandmarkTask) d.rebuilt).names());
		assertEquals(2, d.outputChannels());
		assertTrue(d.toString().startsWith("landmarks, landmarks [tip, base], pixel_size_mm 0.5"), d.toString());
		// the square finder outputs two maps: as two landmark heatmaps it loads as a landmark model
		try (AmatModel m = AmatModel.load(model, Device.cpu())) {
			assertEquals("landmarks", m.task().type());
			assertEquals(0.5, ((LandmarkTask) m.task()).pixelSize(), 0);
			try (NDManager sub = m.manager().newSubManager()) {
				final LabeledData<Mask> data = squares();
				assertEquals(2, ((LandmarkTask) m.task()).predict(m.forward(data.batch(sub, new int[] { 0 }), false)).get(0)
					.size());
			}
		}
		write("other.json", landmarks.replace("\"landmarks\": [\"tip\", \"base\"], ", ""));
		assertTrue(error(model).contains("lacks \"landmarks\": the landmark names"), error(model));
		write("other.json", landmarks.replace("logits", "probabilities"));
		assertTrue(error(model).contains("but a landmarks model outputs what the task's own network does, logits"),
			error(model));
		// a detector outputs 5 + K maps: the two maps of the square finder are not one
		write("other.json", describe("[\"square\"]", "NCHW", "NCHW", "logits").replace("\"segmentation\"",
			"\"detection\""));
		final String detection = error(model);
		assertTrue(detection.contains("outputs 1 x 2 x 16 x 17") && detection.contains("states 6 maps (a centre logit, " +
			"1 class logits [square]") && detection.contains("fix its classes or output.layout"), detection);
	}

	@Test
	void modelsOfAnotherTaskOrNoModelAtAll() throws IOException {
		final String classifier = error(fixture("tiny-classifier.pt"));
		assertTrue(classifier.contains("outputs an array of shape 1 x 2") && classifier.contains("another task"),
			classifier);
		final Path junk = dir.resolve("junk.pt");
		Files.write(junk, "not a model".getBytes(StandardCharsets.UTF_8));
		write("junk.json", describe("[\"background\", \"square\"]", "NCHW", "NCHW", "logits"));
		assertTrue(error(junk).contains("is not a TorchScript model"), error(junk));
		final Path junkOnnx = dir.resolve("junk.onnx");
		Files.write(junkOnnx, "not a model".getBytes(StandardCharsets.UTF_8));
		assertTrue(error(junkOnnx).contains("is not an ONNX model"), error(junkOnnx));
		try (AmatModel m = load("tiny-seg.pt")) {
			assertTrue(assertThrows(AmatException.class, () -> m.save(dir.resolve("x.amat.zip"))).getMessage().contains(
				"brought from outside AMAT"));
		}
	}
}
