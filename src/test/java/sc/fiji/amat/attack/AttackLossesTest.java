package sc.fiji.amat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.task.AttackLoss;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.detection.Box;
import sc.fiji.amat.task.detection.Boxes;
import sc.fiji.amat.task.detection.DetectionTask;
import sc.fiji.amat.task.landmarks.LandmarkTask;
import sc.fiji.amat.task.landmarks.Landmarks;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;

/** The attack losses each task offers, on hand-made outputs whose values are computed here by hand. */
class AttackLossesTest {

	private static final SegmentationTask SEG = new SegmentationTask(SegmentationTask.defaultClassNames(3), 1, null);
	/** Three pixels (1 x 3) of true classes 0, 1, 2. */
	private static final Mask TRUTH = new Mask(new byte[] { 0, 1, 2 }, 3, 1);
	/** Logits per pixel: pixel 0 right, pixel 1 wrong (predicts 0), pixel 2 right. */
	private static final double[][] LOGITS = { { 2, 0, 0 }, { 1, 0.5, -1 }, { 0, 0.3, 1 } };

	private NDManager m;

	@BeforeEach
	void open() {
		m = Engines.pytorch().newBaseManager();
	}

	@AfterEach
	void close() {
		m.close();
	}

	/** (1, K, 1, P) logits from per-pixel rows. */
	private NDArray logits(final double[][] perPixel) {
		final int p = perPixel.length, k = perPixel[0].length;
		final float[] v = new float[k * p];
		for (int i = 0; i < p; i++) {
			for (int c = 0; c < k; c++) v[c * p + i] = (float) perPixel[i][c];
		}
		return m.create(v, new Shape(1, k, 1, p));
	}

	private NDList segTarget() {
		return SEG.encodeLabels(m, List.of(TRUTH), 1, 3);
	}

	private static float value(final Task<?> task, final String key, final NDArray out, final NDList y,
		final double progress)
	{
		return task.attackLoss(key).loss(new NDList(out), y, progress).getFloat(0);
	}

	private static double[] softmax(final double[] z) {
		final double[] p = new double[z.length];
		double s = 0;
		for (int i = 0; i < z.length; i++) s += p[i] = Math.exp(z[i]);
		for (int i = 0; i < z.length; i++) p[i] /= s;
		return p;
	}

	private static double ce(final double[] z, final int truth) {
		return -Math.log(softmax(z)[truth]);
	}

	/** The gradient of a loss with respect to the logits, per pixel row. */
	private float[][] gradient(final String key, final NDArray logits, final NDList y, final double progress) {
		final NDArray z = logits.duplicate();
		z.setRequiresGradient(true);
		try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
			gc.backward(SEG.attackLoss(key).loss(new NDList(z), y, progress).sum());
		}
		final float[] g = z.getGradient().toFloatArray();
		final int k = (int) z.getShape().get(1), p = (int) z.getShape().get(3);
		final float[][] rows = new float[p][k];
		for (int i = 0; i < p; i++) {
			for (int c = 0; c < k; c++) rows[i][c] = g[c * p + i];
		}
		return rows;
	}

	@Test
	void eachTaskOffersItsLossesTrainingLossFirst() {
		assertEquals(Arrays.asList("loss", "js", "masked-ce", "segpgd", "cospgd", "ce"), keys(SEG));
		assertEquals(Arrays.asList("loss", "coordinate", "heatmap", "cospgd"), keys(new LandmarkTask(Arrays.asList("A"),
			Double.NaN, 1, null)));
		assertEquals(Arrays.asList("loss", "box", "centre", "class"), keys(new DetectionTask(Arrays.asList("a"), 1,
			null)));
		for (final AttackLoss l : SEG.attackLosses()) assertTrue(!l.description().isEmpty(), l.key());
	}

	private static List<String> keys(final Task<?> t) {
		return t.attackLosses().stream().map(AttackLoss::key).collect(Collectors.toList());
	}

	@Test
	void anUnknownKeyNamesTheAvailableOnes() {
		final AmatException e = assertThrows(AmatException.class, () -> SEG.attackLoss("dice"));
		assertTrue(e.getMessage().contains("'dice'") && e.getMessage().contains("masked-ce") && e.getMessage().contains(
			"segpgd") && e.getMessage().contains("js"), e.getMessage());
		assertEquals("masked-ce", SEG.attackLoss("Masked_CE").key());
		assertEquals(AttackLoss.TRAINING, SEG.attackLoss(null).key());
	}

	@Test
	void theTrainingLossAndCeAreWhatTheyClaim() {
		final NDArray z = logits(LOGITS);
		final NDList y = segTarget();
		assertEquals(SEG.loss(new NDList(z), y).getFloat(0), value(SEG, "loss", z, y, 0.3), 1e-6f);
		final double ce = (ce(LOGITS[0], 0) + ce(LOGITS[1], 1) + ce(LOGITS[2], 2)) / 3;
		assertEquals(ce, value(SEG, "ce", z, y, 0.3), 1e-5);
	}

	@Test
	void maskedCeIgnoresPixelsAlreadyWrong() {
		final NDList y = segTarget();
		final double expected = (ce(LOGITS[0], 0) + ce(LOGITS[2], 2)) / 2;
		assertEquals(expected, value(SEG, "masked-ce", logits(LOGITS), y, 0), 1e-5);
		// pixel 1 stays wrong, with other logits: masked CE unchanged, CE changed
		final double[][] other = { LOGITS[0], { 3, -2, 0 }, LOGITS[2] };
		assertEquals(expected, value(SEG, "masked-ce", logits(other), y, 0), 1e-5);
		assertNotEquals(value(SEG, "ce", logits(LOGITS), y, 0), value(SEG, "ce", logits(other), y, 0), 1e-3f);
		final float[][] masked = gradient("masked-ce", logits(LOGITS), y, 0);
		final float[][] ce = gradient("ce", logits(LOGITS), y, 0);
		for (int c = 0; c < 3; c++) {
			assertEquals(0.0, masked[1][c], 0.0, "masked CE has a gradient at the wrong pixel");
			// at a correct pixel: d CE / d z = (softmax - onehot) / 2 correct pixels
			final double expectedGrad = (softmax(LOGITS[0])[c] - (c == 0 ? 1 : 0)) / 2;
			assertEquals(expectedGrad, masked[0][c], 1e-5);
		}
		assertTrue(Math.abs(ce[1][0]) > 1e-3, "CE has no gradient at the wrong pixel");
	}

	@Test
	void segPgdMovesTheWeightOfCorrectPixelsFromOneToAHalf() {
		final NDList y = segTarget();
		final double right = ce(LOGITS[0], 0) + ce(LOGITS[2], 2), wrong = ce(LOGITS[1], 1);
		for (final double progress : new double[] { 0, 0.5, 1 }) {
			final double lambda = progress / 2;
			assertEquals(((1 - lambda) * right + lambda * wrong) / 3, value(SEG, "segpgd", logits(LOGITS), y, progress),
				1e-5, "progress " + progress);
		}
		// all pixels right: the loss is CE at the start, half of it at the end
		final double[][] allRight = { LOGITS[0], { 0, 1, 0 }, LOGITS[2] };
		final double ce = value(SEG, "ce", logits(allRight), y, 0);
		assertEquals(ce, value(SEG, "segpgd", logits(allRight), y, 0), 1e-6);
		assertEquals(ce / 2, value(SEG, "segpgd", logits(allRight), y, 1), 1e-6);
	}

	@Test
	void cosPgdWeightsEachPixelByItsCosineSimilarityWithoutGradient() {
		final NDList y = segTarget();
		double expected = 0;
		final double[] w = new double[3];
		for (int i = 0; i < 3; i++) {
			final double[] p = softmax(LOGITS[i]);
			w[i] = p[i] / Math.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
			expected += w[i] * ce(LOGITS[i], i) / 3;
		}
		assertEquals(expected, value(SEG, "cospgd", logits(LOGITS), y, 0), 1e-5);
		// the weight is a constant: the gradient is the weighted CE gradient
		final float[][] g = gradient("cospgd", logits(LOGITS), y, 0);
		for (int i = 0; i < 3; i++) {
			for (int c = 0; c < 3; c++) {
				assertEquals(w[i] * (softmax(LOGITS[i])[c] - (c == i ? 1 : 0)) / 3, g[i][c], 1e-5, "pixel " + i);
			}
		}
	}

	@Test
	void jsIsZeroForAPerfectPredictionAndAtMostLn2() {
		final NDList y = segTarget();
		final double[][] perfect = { { 40, -40, -40 }, { -40, 40, -40 }, { -40, -40, 40 } };
		assertEquals(0, value(SEG, "js", logits(perfect), y, 0), 1e-6);
		final double[][] hopeless = { { -40, 40, -40 }, { 40, -40, -40 }, { 40, -40, -40 } };
		assertEquals(Math.log(2), value(SEG, "js", logits(hopeless), y, 0), 1e-5);
		// in between: the divergence of its definition, 0.5 KL(p || m) + 0.5 KL(y || m), m = (p + y) / 2
		double expected = 0;
		for (int i = 0; i < 3; i++) {
			final double[] p = softmax(LOGITS[i]);
			for (int c = 0; c < 3; c++) {
				final double t = c == i ? 1 : 0, mid = (p[c] + t) / 2;
				expected += (0.5 * p[c] * Math.log(p[c] / mid) + (t > 0 ? 0.5 * t * Math.log(t / mid) : 0)) / 3;
			}
		}
		final float js = value(SEG, "js", logits(LOGITS), y, 0);
		assertEquals(expected, js, 1e-5);
		assertTrue(js > 0 && js < Math.log(2));
	}

	@Test
	void theLandmarkCoordinateLossIsTheSoftArgmaxDistance() {
		final LandmarkTask task = new LandmarkTask(Arrays.asList("A"), Double.NaN, 1, null);
		final int h = 4, w = 6;
		final NDList y = task.encodeLabels(m, List.of(new Landmarks(new float[] { 0.5f }, new float[] { 1.5f })), h, w);
		// a flat map: its soft-argmax is the image centre (2.5, 1.5), 2 pixels from the point
		final NDArray flat = m.zeros(new Shape(1, 1, h, w));
		assertEquals(Math.sqrt(4 + 1e-4), value(task, "coordinate", flat, y, 0), 1e-5);
		// a sharp peak at (4, 3): the distance to (0.5, 1.5)
		final float[] peak = new float[h * w];
		peak[3 * w + 4] = 40;
		final NDArray sharp = m.create(peak, new Shape(1, 1, h, w));
		assertEquals(Math.hypot(3.5, 1.5), value(task, "coordinate", sharp, y, 0), 1e-3);
		// the training loss is heatmap + coordinate weight x coordinate
		final double heatmap = value(task, "heatmap", sharp, y, 0);
		assertEquals(heatmap + task.options().coordinateWeight * Math.hypot(3.5, 1.5), value(task, "loss", sharp, y, 0),
			1e-3);
		// CosPGD-style: the heatmap term times cos(p, g); on the flat map p = 1/24, so cos = sum g / (sqrt(24) ||g||)
		final float[] g = y.get(0).toFloatArray();
		double sum = 0, norm = 0;
		for (final float v : g) {
			sum += v;
			norm += v * v;
		}
		final double cos = sum / (Math.sqrt(h * w) * Math.sqrt(norm));
		assertEquals(value(task, "heatmap", flat, y, 0) * cos, value(task, "cospgd", flat, y, 0), 1e-5);
	}

	@Test
	void detectionComponentsSumToTheTrainingLossAndReadTheirOwnChannels() {
		final DetectionTask task = new DetectionTask(Arrays.asList("a", "b"), 1, null);
		final NDList y = task.encodeLabels(m, List.of(new Boxes(Arrays.asList(new Box("b", 4, 4, 12, 12), new Box("a",
			1, 9, 5, 15)))), 16, 16);
		m.getEngine().setRandomSeed(1);
		final NDArray out = m.randomNormal(new Shape(1, 7, 16, 16));
		final double box = value(task, "box", out, y, 0), centre = value(task, "centre", out, y, 0), cls = value(task,
			"class", out, y, 0);
		assertEquals(box + centre + cls, value(task, "loss", out, y, 0), 1e-5);
		assertTrue(box > 0 && centre > 0 && cls > 0);
		// changing only the class logits (channels 1, 2) changes only the class component
		final NDArray shift = m.zeros(new Shape(1, 7, 16, 16));
		shift.set(new ai.djl.ndarray.index.NDIndex(":, 1:3"), 3f);
		final NDArray classShifted = out.add(shift.mul(m.randomNormal(new Shape(1, 7, 16, 16))));
		assertEquals(box, value(task, "box", classShifted, y, 0), 1e-6);
		assertEquals(centre, value(task, "centre", classShifted, y, 0), 1e-6);
		assertNotEquals(cls, value(task, "class", classShifted, y, 0), 1e-3);
		// changing only the box channels (3 to 6) changes only the box component
		final NDArray boxShift = m.zeros(new Shape(1, 7, 16, 16));
		boxShift.set(new ai.djl.ndarray.index.NDIndex(":, 3:7"), 0.5f);
		final NDArray boxShifted = out.add(boxShift);
		assertNotEquals(box, value(task, "box", boxShifted, y, 0), 1e-3);
		assertEquals(centre, value(task, "centre", boxShifted, y, 0), 1e-6);
		assertEquals(cls, value(task, "class", boxShifted, y, 0), 1e-6);
	}

	@Test
	void anAttackTargetMaximisesTheLossItWasGiven() {
		final NDArray z = logits(LOGITS);
		final NDList y = segTarget();
		final AttackTarget<Mask> training = new AttackTarget<>(null, null, SEG, false, null);
		assertNull(training.attackLoss());
		assertEquals(SEG.loss(new NDList(z), y).getFloat(0), training.loss(new NDList(z), y).getFloat(0), 0f);
		final AttackTarget<Mask> segPgd = training.withLoss(SEG.attackLoss("segpgd"));
		assertSame(SEG, segPgd.task());
		assertEquals("segpgd", segPgd.attackLoss().key());
		assertEquals(value(SEG, "segpgd", z, y, 0.4), segPgd.loss(new NDList(z), y, 0.4).getFloat(0), 0f);
		// without progress: the end of the attack
		assertEquals(value(SEG, "segpgd", z, y, 1), segPgd.loss(new NDList(z), y).getFloat(0), 0f);
		assertNull(segPgd.withLoss(null).attackLoss());
	}
}
