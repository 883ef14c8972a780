package sc.fiji.amat.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;

class SegmentationTaskTest {

	private final SegmentationTask task = new SegmentationTask(Arrays.asList("bg", "a", "b"), 1, new NetworkConfig());

	private static Mask mask(final int w, final int... classes) {
		final byte[] b = new byte[classes.length];
		for (int i = 0; i < b.length; i++) b[i] = (byte) classes[i];
		return new Mask(b, w, classes.length / w);
	}

	/** Logits that predict the given masks with a confidence (logit gap) of {@code gap}. */
	private NDArray logits(final NDManager m, final List<Mask> masks, final float gap) {
		final int k = task.numClasses(), hw = masks.get(0).classes().length;
		final float[] v = new float[masks.size() * k * hw];
		for (int n = 0; n < masks.size(); n++) {
			for (int p = 0; p < hw; p++) v[(n * k + (masks.get(n).classes()[p] & 0xff)) * hw + p] = gap;
		}
		return m.create(v, new Shape(masks.size(), k, masks.get(0).height(), masks.get(0).width()));
	}

	@Test
	void lossIsOneValuePerSampleAndNearZeroForConfidentCorrectPredictions() {
		final List<Mask> masks = Arrays.asList(mask(2, 0, 1, 2, 2), mask(2, 1, 1, 0, 0), mask(2, 0, 0, 0, 2));
		try (NDManager m = Engines.pytorch().newBaseManager()) {
			final NDList y = task.encodeLabels(m, masks, 2, 2);
			final NDArray good = task.loss(new NDList(logits(m, masks, 30f)), y);
			assertEquals(new Shape(3), good.getShape());
			for (final float v : good.toFloatArray()) assertTrue(v < 0.35f, "loss " + v);
			// predicting all background is worse for every sample
			final List<Mask> bg = Arrays.asList(mask(2, 0, 0, 0, 0), mask(2, 0, 0, 0, 0), mask(2, 0, 0, 0, 0));
			final float[] bad = task.loss(new NDList(logits(m, bg, 30f)), y).toFloatArray();
			for (int i = 0; i < 3; i++) assertTrue(bad[i] > good.toFloatArray()[i] + 1, Arrays.toString(bad));
		}
	}

	@Test
	void lossOfASampleDoesNotDependOnTheOtherSamples() {
		final List<Mask> masks = Arrays.asList(mask(2, 0, 1, 2, 2), mask(2, 1, 1, 0, 0));
		try (NDManager m = Engines.pytorch().newBaseManager()) {
			final NDArray random = m.randomNormal(new Shape(2, 3, 2, 2));
			final float[] both = task.loss(new NDList(random), task.encodeLabels(m, masks, 2, 2)).toFloatArray();
			final float[] first = task.loss(new NDList(random.get("0:1")), task.encodeLabels(m, masks.subList(0, 1), 2, 2))
				.toFloatArray();
			assertEquals(both[0], first[0], 1e-6);
		}
	}

	@Test
	void uniformPredictionHasKnownCrossEntropyAndDice() {
		// all logits equal: p = 1/3 everywhere; CE = ln 3; soft Dice for a class with t true pixels of 4:
		// (2 * t/3 + 1) / (4/3 + t + 1)
		final List<Mask> masks = Arrays.asList(mask(2, 1, 1, 2, 0));
		try (NDManager m = Engines.pytorch().newBaseManager()) {
			final float loss = task.loss(new NDList(m.zeros(new Shape(1, 3, 2, 2))), task.encodeLabels(m, masks, 2, 2))
				.getFloat(0);
			final double dA = (2 * 2 / 3.0 + 1) / (4 / 3.0 + 2 + 1), dB = (2 * 1 / 3.0 + 1) / (4 / 3.0 + 1 + 1);
			assertEquals(Math.log(3) + 1 - (dA + dB) / 2, loss, 1e-5);
		}
	}

	@Test
	void hardDiceOnKnownCases() {
		final List<Mask> truth = Arrays.asList(mask(2, 1, 1, 0, 0), mask(2, 0, 0, 0, 0), mask(2, 1, 0, 0, 2));
		final List<Mask> pred = Arrays.asList(mask(2, 1, 0, 0, 0), mask(2, 0, 0, 0, 0), mask(2, 1, 1, 0, 0));
		try (NDManager m = Engines.pytorch().newBaseManager()) {
			final NDList out = new NDList(logits(m, pred, 5f));
			final MetricTable t = task.metrics(out, truth);
			final int a = t.column("dice a"), b = t.column("dice b");
			// sample 0: class a: 2*1/(1+2); class b absent in both: 1
			assertEquals(2.0 / 3, t.value(0, a), 1e-9);
			assertEquals(1.0, t.value(0, b), 1e-9);
			assertEquals((2.0 / 3 + 1) / 2, t.value(0, 0), 1e-9);
			// sample 1: everything empty: perfect
			assertEquals(1.0, t.value(1, 0), 1e-9);
			// sample 2: class a 2*1/(2+1), class b missed entirely: 0
			assertEquals(2.0 / 3, t.value(2, a), 1e-9);
			assertEquals(0.0, t.value(2, b), 1e-9);
			// pooled counts are kept
			assertEquals(2, t.sum(t.column("intersection a")), 1e-9);
			// AMAT boundary: max over classes present in the truth; NaN without foreground
			final float[][] q = task.boundaryQuantities(out, truth);
			assertEquals(2.0 / 3, q[0][0], 1e-6);
			assertTrue(Float.isNaN(q[1][0]));
			assertEquals(2.0 / 3, q[2][0], 1e-6);
			assertTrue(task.boundarySpec().isOver(0, Float.NaN, 0.5f));
			assertTrue(task.boundarySpec().isOver(0, 0.4f, 0.5f));
		}
	}

	@Test
	void labelsWithUnknownClassesOrWrongSizeAreRefusedWithTheirIndex() {
		final SegmentationTask two = new SegmentationTask(SegmentationTask.defaultClassNames(2), 1, new NetworkConfig(1, 4,
			NetworkConfig.Norm.BATCH));
		final LabeledData<Mask> bad = new LabeledData<>(new float[8], 1, 2, 2, Arrays.asList(mask(2, 0, 1, 0, 0), mask(2,
			0, 3, 0, 0)));
		final AmatException e = assertThrows(AmatException.class, () -> two.checkLabels(bad));
		assertTrue(e.getMessage().contains("Label 2 contains class 3"), e.getMessage());
		final LabeledData<Mask> odd = new LabeledData<>(new float[9], 1, 3, 3, Arrays.asList(mask(3, 0, 0, 0, 0, 0, 0, 0,
			0, 0)));
		assertTrue(assertThrows(AmatException.class, () -> two.checkLabels(odd)).getMessage().contains("multiples of 2"));
	}

	@Test
	void taskTypesAreDiscoveredAndRebuildFromTheirSpec() {
		assertTrue(Tasks.names().contains("segmentation"));
		final Task<?> back = Tasks.fromSpec("segmentation", task.spec(), 1, new NetworkConfig());
		assertEquals(task.spec(), back.spec());
		assertThrows(AmatException.class, () -> Tasks.type("classification"));
	}
}
