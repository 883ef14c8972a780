package sc.fiji.amat.task.landmarks.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Overlay;
import ij.gui.PointRoi;
import ij.gui.Roi;
import ij.process.ByteProcessor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.ij.ImageJTasks;
import sc.fiji.amat.task.landmarks.LandmarkTask;
import sc.fiji.amat.task.landmarks.Landmarks;

/** Landmarks from and as ImageJ point ROIs: the ImageJ side of a landmark task. */
class LandmarkRoisTest {

	private static final int H = 20, W = 24;
	private final LandmarkTask task = new LandmarkTask(Arrays.asList("a", "b"), 0.5, 1, new NetworkConfig(2, 4,
		NetworkConfig.Norm.BATCH));
	private final LandmarkImageJ ij = (LandmarkImageJ) ImageJTasks.of(task);

	private static Landmarks lm(final float... xy) {
		final float[] x = new float[xy.length / 2], y = new float[xy.length / 2];
		for (int k = 0; k < x.length; k++) {
			x[k] = xy[2 * k];
			y[k] = xy[2 * k + 1];
		}
		return new Landmarks(x, y);
	}

	@Test
	void roisRoundTripThroughAnOverlayAndAMultiPointSelection() {
		final ImageStack stack = new ImageStack(W, H);
		for (int s = 0; s < 3; s++) stack.addSlice("s" + s, new ByteProcessor(W, H));
		final ImagePlus imp = new ImagePlus("stack", stack);
		assertNull(ij.labelsFrom(imp, null), "no ROIs: no labels");
		final List<Landmarks> labels = Arrays.asList(lm(1.5f, 2.25f, 20, 3), lm(4, 5, 6.75f, 7), lm(22.5f, 18, 0, 0));
		final Overlay o = LandmarkRois.overlay(task, labels);
		// the points are found by name and slice, whatever their order in the overlay
		final Overlay shuffled = new Overlay();
		final Roi[] rois = o.toArray();
		for (int i = rois.length - 1; i >= 0; i--) shuffled.add(rois[i]);
		imp.setOverlay(shuffled);
		final List<Landmarks> back = ij.labelsFrom(imp, null);
		assertEquals(labels, back);
		assertEquals("b", ij.toRois(labels.get(0)).get(1).getName());
		final List<Map<String, Object>> rows = ij.toRows(labels.get(1));
		assertEquals("b", rows.get(1).get("landmark"));
		assertEquals(6.75, (Double) rows.get(1).get("x"), 1e-6);
		assertEquals(3.375, (Double) rows.get(1).get("x mm"), 1e-6);

		// a slice missing a landmark is named in the message
		shuffled.remove(0);
		final AmatException e = assertThrows(AmatException.class, () -> ij.labelsFrom(imp, null));
		assertTrue(e.getMessage().contains("slice 3") && e.getMessage().contains("missing: [b]"), e.getMessage());

		// a multi-point selection on a single image: landmarks in click order
		final ImagePlus one = new ImagePlus("one", new ByteProcessor(W, H));
		final PointRoi clicks = new PointRoi(3, 4);
		clicks.addPoint(10, 12);
		one.setRoi(clicks);
		assertEquals(lm(3, 4, 10, 12), ij.labelsFrom(one, null).get(0));
		clicks.addPoint(1, 1);
		one.setRoi(clicks);
		assertTrue(assertThrows(AmatException.class, () -> ij.labelsFrom(one, null)).getMessage().contains(
			"has 3 landmark points"));
	}

	/**
	 * A hyperstack of 2 channels, 3 z-slices and 2 frames: its 6 samples are z fastest, then t;
	 * named points placed by hyperstack position (all channels) or by a stack index of any channel
	 * land on their sample, and the overlay the attack command writes reads back the same.
	 */
	@Test
	void pointsOnAHyperstackGoToTheirZAndT() {
		final ImageStack stack = new ImageStack(W, H);
		for (int i = 0; i < 2 * 3 * 2; i++) stack.addSlice("p" + i, new ByteProcessor(W, H));
		final ImagePlus imp = new ImagePlus("zt", stack);
		imp.setDimensions(2, 3, 2);
		imp.setOpenAsHyperStack(true);
		final Overlay o = new Overlay();
		for (int s = 1; s <= 6; s++) {
			final int z = (s - 1) % 3 + 1, t = (s - 1) / 3 + 1;
			final PointRoi a = new PointRoi(s, 1), b = new PointRoi(s, 2);
			a.setName("a");
			b.setName("b");
			a.setPosition(0, z, t);
			// b by the stack index of its second channel: (t - 1) * 6 + (z - 1) * 2 + 2
			b.setPosition((t - 1) * 6 + (z - 1) * 2 + 2);
			o.add(a);
			o.add(b);
		}
		imp.setOverlay(o);
		final List<Landmarks> read = ij.labelsFrom(imp, null);
		assertEquals(6, read.size());
		for (int s = 1; s <= 6; s++) assertEquals(lm(s, 1, s, 2), read.get(s - 1), "sample " + s);

		// the way predictions are put on an image, read back the same way
		final Overlay placed = new Overlay();
		for (int s = 1; s <= 6; s++) {
			for (final Roi r : ij.toRois(read.get(s - 1))) {
				sc.fiji.amat.task.ij.StackSamples.place(imp, r, s);
				placed.add(r);
			}
		}
		imp.setOverlay(placed);
		assertEquals(read, ij.labelsFrom(imp, null));

		// a point on every z-slice of a frame belongs to no single sample
		final PointRoi all = new PointRoi(1, 1);
		all.setName("a");
		all.setPosition(0, 0, 2);
		imp.setOverlay(new Overlay(all));
		assertTrue(assertThrows(AmatException.class, () -> ij.labelsFrom(imp, null)).getMessage().contains(
			"belongs to no slice"));
	}
}
