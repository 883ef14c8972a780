package sc.fiji.amat.task.detection.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.process.ByteProcessor;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.detection.Box;
import sc.fiji.amat.task.detection.Boxes;
import sc.fiji.amat.task.detection.DetectionTask;
import sc.fiji.amat.task.ij.ImageJTask;
import sc.fiji.amat.task.ij.ImageJTasks;
import sc.fiji.amat.task.ij.StackSamples;

/** Boxes from and as ImageJ rectangle ROIs, rows and drawings: the ImageJ side of a detection task. */
class DetectionImageJTest {

	private final DetectionTask task = new DetectionTask(Arrays.asList("a", "b"), 1, new NetworkConfig(2, 4,
		NetworkConfig.Norm.BATCH));
	private final ImageJTask<Boxes> ij = ImageJTasks.of(task);

	@Test
	void predictionsBecomeNamedRectangleRoisAndRows() {
		final Boxes b = new Boxes(List.of(new Box("b", 1.5, 2, 6, 8, 0.75)));
		final Roi roi = ij.toRois(b).get(0);
		assertEquals("b", roi.getName());
		assertEquals("0.7500", roi.getProperty("score"));
		assertEquals(4.5, roi.getFloatBounds().getWidth(), 1e-6);
		assertEquals("b", ij.toRows(b).get(0).get("class"));
		assertEquals(8.0, ij.toRows(b).get(0).get("ymax"));
		final int[] rgb = ij.render(b, 10, 10);
		assertEquals(DetectionImageJ.PALETTE[1], rgb[2 * 10 + 1]);
		assertEquals(0, rgb[5 * 10 + 3], "inside the outline");
	}

	/**
	 * A hyperstack of 3 z-slices and 2 frames: a rectangle at (z, t) is in sample (t - 1) * 3 + z,
	 * whether its position is a hyperstack position or a stack index; a position beyond the
	 * frames is an error that names it.
	 */
	@Test
	void rectanglesOnAHyperstackGoToTheirZAndT() {
		final ImageStack stack = new ImageStack(16, 12);
		for (int i = 0; i < 6; i++) stack.addSlice(new ByteProcessor(16, 12));
		final ImagePlus imp = new ImagePlus("zt", stack);
		imp.setDimensions(1, 3, 2);
		imp.setOpenAsHyperStack(true);
		final Roi z2t2 = new Roi(1, 1, 3, 3), z3t1 = new Roi(2, 2, 4, 4), index4 = new Roi(3, 3, 5, 5);
		z2t2.setName("a");
		z2t2.setPosition(0, 2, 2);
		z3t1.setName("b");
		z3t1.setPosition(1, 3, 1);
		index4.setName("a");
		index4.setPosition(4); // z 1, t 2
		imp.setOverlay(new Overlay());
		for (final Roi r : new Roi[] { z2t2, z3t1, index4 }) imp.getOverlay().add(r);
		final List<Boxes> boxes = ij.labelsFrom(imp, null);
		assertEquals(6, boxes.size());
		final int[] expected = { 0, 0, 1, 1, 1, 0 };
		for (int s = 0; s < 6; s++) assertEquals(expected[s], boxes.get(s).size(), "sample " + (s + 1));
		assertEquals(1, boxes.get(4).get(0).x0, 0, "z 2, t 2 is sample 5");
		assertEquals(3, boxes.get(3).get(0).x0, 0, "stack index 4 is z 1, t 2: sample 4");
		assertEquals(StackSamples.OUTSIDE, outside(imp));
		final Roi late = new Roi(1, 1, 2, 2);
		late.setName("a");
		late.setPosition(0, 1, 3);
		imp.setOverlay(new Overlay(late));
		final AmatException e = assertThrows(AmatException.class, () -> ij.labelsFrom(imp, null));
		assertTrue(e.getMessage().contains("z 1, t 3") && e.getMessage().contains("6 images"), e.getMessage());
	}

	private static int outside(final ImagePlus imp) {
		final Roi r = new Roi(0, 0, 1, 1);
		r.setPosition(0, 4, 1);
		return StackSamples.of(imp, r);
	}
}
