package sc.fiji.amat.task.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.report.Metrics;
import sc.fiji.amat.report.WorstCase;
import sc.fiji.amat.task.MetricTable;

class DetectionTaskTest {

	static final List<String> CLASSES = Arrays.asList("a", "b");
	private final DetectionTask task = new DetectionTask(CLASSES, 1, new NetworkConfig(2, 4, NetworkConfig.Norm.BATCH));

	static Boxes boxes(final Box... b) {
		return new Boxes(Arrays.asList(b));
	}

	/**
	 * An ideal network output for the given boxes: the encoded targets turned into logits (centre
	 * logit +/- 20 at/away from centres, class logits +/- 10, offset and log size as targets).
	 */
	private NDArray idealOutput(final NDManager m, final List<Boxes> labels, final int h, final int w) {
		final NDList t = task.encodeLabels(m, labels, h, w);
		final NDArray centre = t.get(3).mul(40).sub(20).sub(DetectionTask.PRIOR);
		final NDArray cls = t.get(1).mul(20).sub(10);
		return centre.concat(cls, 1).concat(t.get(2), 1);
	}

	@Test
	void encodingThenDecodingGivesTheBoxesBack() {
		final Boxes truth = boxes(new Box("a", 2.5, 3, 10.5, 9), new Box("b", 12, 1, 15, 6.25), new Box("a", 0, 10, 4,
			16));
		try (NDManager m = Engines.pytorch().newBaseManager()) {
			final NDArray out = idealOutput(m, List.of(truth), 16, 16);
			assertEquals(new Shape(1, 5 + 2, 16, 16), out.getShape());
			final List<Box> found = task.decode(out, 0.5).get(0);
			assertEquals(3, found.size(), found.toString());
			for (final Box t : truth) {
				final Box match = found.stream().filter(f -> f.className.equals(t.className) && Box.iou(f, t) > 0.999)
					.findFirst().orElse(null);
				assertTrue(match != null, "no decoded box for " + t + " in " + found);
				assertTrue(match.score > 0.99, match.toString());
				assertEquals(t.x0, match.x0, 1e-4);
				assertEquals(t.y1, match.y1, 1e-4);
			}
			// the ideal output has near-zero loss in every component; a blank output has not
			final NDList y = task.encodeLabels(m, List.of(truth), 16, 16);
			final NDList good = task.components(new NDList(out), y);
			final NDList blank = task.components(new NDList(m.zeros(out.getShape())), y);
			for (int c = 0; c < 3; c++) {
				assertTrue(good.get(c).getFloat(0) < 0.01, "component " + c + ": " + good.get(c).getFloat(0));
				assertTrue(blank.get(c).getFloat(0) > 0.3, "component " + c + ": " + blank.get(c).getFloat(0));
			}
			final float[][] q = task.boundaryQuantities(new NDList(out), List.of(truth));
			assertEquals(3, q[0].length);
			assertEquals(good.get(0).getFloat(0), q[0][0], 1e-6);
		}
	}

	@Test
	void lossIsPerImageAndAnImageWithoutBoxesHasOnlyACentreTerm() {
		final List<Boxes> labels = List.of(boxes(new Box("b", 4, 4, 12, 12)), Boxes.none());
		try (NDManager m = Engines.pytorch().newBaseManager()) {
			final NDArray random = m.randomNormal(new Shape(2, 7, 16, 16));
			final NDList y = task.encodeLabels(m, labels, 16, 16);
			final NDArray both = task.loss(new NDList(random), y);
			assertEquals(new Shape(2), both.getShape());
			final float first = task.loss(new NDList(random.get("0:1")), task.encodeLabels(m, labels.subList(0, 1), 16,
				16)).getFloat(0);
			assertEquals(both.getFloat(0), first, 1e-5);
			final NDList c = task.components(new NDList(random), y);
			assertEquals(0f, c.get(0).getFloat(1), 0f, "box term of an empty image");
			assertEquals(0f, c.get(2).getFloat(1), 0f, "class term of an empty image");
			assertTrue(c.get(1).getFloat(1) > 0, "centre term of an empty image");
		}
	}

	/** An attack computes the loss on every iteration from labels encoded once: nothing may pile up beside them. */
	@Test
	void theLossLeavesNoArrayInTheLabelsManager() {
		final List<Boxes> labels = List.of(boxes(new Box("b", 4, 4, 12, 12)), Boxes.none());
		try (NDManager labelsManager = Engines.pytorch().newBaseManager(); NDManager step = Engines.pytorch()
			.newBaseManager())
		{
			final NDList y = task.encodeLabels(labelsManager, labels, 16, 16);
			final int before = labelsManager.getManagedArrays().size();
			for (int i = 0; i < 3; i++) task.loss(new NDList(step.randomNormal(new Shape(2, 7, 16, 16))), y);
			assertEquals(before, labelsManager.getManagedArrays().size());
		}
	}

	@Test
	void nmsKeepsTheBestOfOverlappingBoxesPerClass() {
		final Box best = new Box("a", 0, 0, 10, 10, 0.9), overlap = new Box("a", 1, 1, 11, 11, 0.8), otherClass =
			new Box("b", 1, 1, 11, 11, 0.7), apart = new Box("a", 20, 20, 30, 30, 0.6), touching = new Box("a", 5, 0, 15,
				10, 0.5); // IoU with best 1/3
		final List<Box> kept = Nms.suppress(List.of(touching, apart, otherClass, overlap, best), 0.5, 10);
		assertEquals(List.of(best, otherClass, apart, touching), kept);
		assertEquals(List.of(best, otherClass), Nms.suppress(List.of(touching, apart, otherClass, overlap, best), 0.5,
			2));
		assertEquals(List.of(best, apart), Nms.suppress(List.of(best, touching, apart), 0.3, 10));
		assertEquals(1.0 / 3, Box.iou(best, touching), 1e-12);
		assertEquals(0, Box.iou(best, apart), 0);
	}

	@Test
	void averagePrecisionUsesCocoInterpolation() {
		// TP, FP, TP of 2 objects: recall 0.5, 0.5, 1; precision 1, 0.5, 0.667 -> envelope 1, 0.667, 0.667
		// levels 0..0.5 (51 of them) read 1, levels 0.51..1 (50) read 0.667
		assertEquals((51 + 50 * 2.0 / 3) / 101, DetectionMetrics.averagePrecision(new boolean[] { true, false, true }, 2),
			1e-12);
		assertEquals(1, DetectionMetrics.averagePrecision(new boolean[] { true, true }, 2), 1e-12);
		// recall never reaches the higher levels: they count 0
		assertEquals(51.0 / 101, DetectionMetrics.averagePrecision(new boolean[] { true }, 2), 1e-12);
		assertEquals(0, DetectionMetrics.averagePrecision(new boolean[0], 3), 0, "no detections");
		assertTrue(Double.isNaN(DetectionMetrics.averagePrecision(new boolean[] { false }, 0)), "no ground truth");
	}

	private MetricTable table(final List<List<Box>> detections, final List<Boxes> truth) {
		final DetectionMetrics dm = (DetectionMetrics) task.datasetMetrics();
		final MetricTable t = new MetricTable(DetectionMetrics.columns(), new boolean[6], dm);
		for (int i = 0; i < truth.size(); i++) dm.addImage(t, detections.get(i), truth.get(i), 0.3);
		return t;
	}

	@Test
	void mapOnHandMadeImages() {
		final Box a1 = new Box("a", 0, 0, 10, 10), a2 = new Box("a", 20, 20, 30, 30), b1 = new Box("b", 0, 20, 8, 28);
		// image 1: a1 found exactly (0.9) and a false "a" (0.8);
		// image 2: a2 found with IoU 0.6 (0.7), b1 missed, a false "b" (0.2)
		final Box a2loose = new Box("a", 20, 20, 30, 36.666666666666664, 0.7);
		assertEquals(0.6, Box.iou(a2loose, a2), 1e-9);
		final MetricTable t = table(List.of(List.of(a1.withScore(0.9), new Box("a", 40, 40, 50, 50, 0.8)), List.of(
			a2loose, new Box("b", 40, 0, 48, 8, 0.2))), List.of(boxes(a1), boxes(a2, b1)));
		final List<String> names = t.datasetNames();
		final double[] v = t.datasetValues();
		// class a at 0.5: TP(0.9), FP(0.8), TP(0.7) of 2 -> (51 + 50 * 2/3) / 101; class b: one FP of 1 object -> 0
		final double apA = (51 + 50 * 2.0 / 3) / 101;
		assertEquals(apA, v[names.indexOf("AP@0.5 a")], 1e-12);
		assertEquals(0, v[names.indexOf("AP@0.5 b")], 0);
		assertEquals(apA / 2, t.primaryValue(), 1e-12);
		assertEquals(DetectionMetrics.MAP50, t.primaryValueName());
		// from IoU 0.65 on the loose box is a false positive: TP, FP, FP of 2 -> 51/101; at 0.5, 0.55, 0.6 apA
		assertEquals((3 * apA + 7 * 51.0 / 101) / 10, v[names.indexOf("AP@0.5:0.95 a")], 1e-12);
		assertEquals((1 + 0.6) / 2, v[names.indexOf(DetectionMetrics.MATCHED_IOU)], 1e-9);
		// per image F1 at score 0.3: image 1 TP 1, FP 1, FN 0 -> 2/3; image 2 TP 1, FP 0, FN 1 -> 2/3
		assertEquals(2.0 / 3, t.value(0, 0), 1e-12);
		assertEquals(2.0 / 3, t.value(1, 0), 1e-12);
		// the report shows mAP first; a table rebuilt row by row (a worst case) keeps the details
		assertEquals(DetectionMetrics.MAP50, Metrics.summarize(t).get(0).metric);
		assertEquals(apA / 2, Metrics.summarize(t).get(0).mean, 1e-12);
		assertEquals(apA / 2, WorstCase.of(List.of(t, t)).table().primaryValue(), 1e-12);
	}

	@Test
	void mapWithoutDetectionsIsZeroAndWithoutGroundTruthUndefined() {
		final Box a1 = new Box("a", 0, 0, 10, 10);
		final MetricTable none = table(List.of(List.of()), List.of(boxes(a1)));
		assertEquals(0, none.primaryValue(), 0);
		assertEquals(0, none.value(0, 0), 0, "F1 with a missed object");
		assertTrue(Double.isNaN(none.datasetValue(DetectionMetrics.MATCHED_IOU)));
		final MetricTable noTruth = table(List.of(List.of(new Box("a", 0, 0, 5, 5, 0.9))), List.of(Boxes.none()));
		assertTrue(Double.isNaN(noTruth.primaryValue()), "no ground truth: mAP undefined");
		assertEquals(0, noTruth.value(0, 0), 0, "F1 with a false positive only");
		final MetricTable empty = table(List.of(List.of(new Box("a", 0, 0, 5, 5, 0.1))), List.of(Boxes.none()));
		assertEquals(1, empty.value(0, 0), 0, "nothing to find, nothing predicted above the threshold");
	}

	@Test
	void badBoxesAreRejectedWithClearErrors() {
		task.checkLabels(data(boxes(new Box("a", 0, 0, 16, 16))));
		task.checkLabels(data(Boxes.none()));
		final AmatException negative = assertThrows(AmatException.class, () -> task.checkLabels(data(boxes(new Box("a",
			5, 5, 3, 9)))));
		assertTrue(negative.getMessage().contains("positive width"), negative.getMessage());
		final AmatException outside = assertThrows(AmatException.class, () -> task.checkLabels(data(boxes(new Box("a",
			10, 10, 17, 12)))));
		assertTrue(outside.getMessage().contains("outside the image"), outside.getMessage());
		final AmatException unknown = assertThrows(AmatException.class, () -> task.checkLabels(data(boxes(new Box("c", 1,
			1, 3, 3)))));
		assertTrue(unknown.getMessage().contains("'c'") && unknown.getMessage().contains("[a, b]"), unknown.getMessage());
	}

	private static LabeledData<Boxes> data(final Boxes b) {
		return new LabeledData<>(new float[16 * 16], 1, 16, 16, new ArrayList<>(List.of(b)));
	}
}
