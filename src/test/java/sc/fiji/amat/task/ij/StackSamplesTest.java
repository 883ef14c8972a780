package sc.fiji.amat.task.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.PointRoi;
import ij.gui.Roi;
import ij.process.ByteProcessor;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The one ROI-to-sample mapping, on stacks of z-slices, of frames, and on hyperstacks. */
class StackSamplesTest {

	private static ImagePlus image(final int c, final int z, final int t) {
		final ImageStack s = new ImageStack(4, 4);
		for (int i = 1; i <= c * z * t; i++) s.addSlice("label " + i + "\nmore", new ByteProcessor(4, 4));
		final ImagePlus imp = new ImagePlus("img", s);
		imp.setDimensions(c, z, t);
		return imp;
	}

	private static Roi at(final int c, final int z, final int t) {
		final Roi r = new Roi(0, 0, 1, 1);
		r.setPosition(c, z, t);
		return r;
	}

	private static Roi at(final int index) {
		final Roi r = new Roi(0, 0, 1, 1);
		r.setPosition(index);
		return r;
	}

	@Test
	void aHyperstackOfChannelsZAndTHasOneSamplePerZAndT() {
		final ImagePlus imp = image(2, 3, 4);
		assertEquals(12, StackSamples.count(imp));
		for (int t = 1; t <= 4; t++) {
			for (int z = 1; z <= 3; z++) {
				final int sample = (t - 1) * 3 + z;
				assertEquals(sample, StackSamples.of(imp, at(0, z, t)), "z " + z + ", t " + t);
				assertEquals(sample, StackSamples.of(imp, at(2, z, t)), "channel 2");
				// ImageJ's stack index of channel c at (z, t)
				for (int c = 1; c <= 2; c++) {
					assertEquals(sample, StackSamples.of(imp, at(imp.getStackIndex(c, z, t))), "index of c " + c);
				}
				final Roi placed = new Roi(0, 0, 1, 1);
				StackSamples.place(imp, placed, sample);
				assertEquals(sample, StackSamples.of(imp, placed), "placed on " + sample);
				assertEquals(0, placed.getCPosition(), "on all channels");
			}
		}
		assertEquals(StackSamples.NONE, StackSamples.of(imp, at(0, 0, 2)), "every z of frame 2");
		assertEquals(StackSamples.NONE, StackSamples.of(imp, at(0, 2, 0)), "z 2 of every frame");
		assertEquals(StackSamples.NONE, StackSamples.of(imp, at(0)), "no position");
		assertEquals(StackSamples.OUTSIDE, StackSamples.of(imp, at(0, 4, 1)));
		assertEquals(StackSamples.OUTSIDE, StackSamples.of(imp, at(0, 1, 5)));
		assertEquals(StackSamples.OUTSIDE, StackSamples.of(imp, at(25)));
		assertEquals(7, StackSamples.stackIndex(imp, 4));
		assertEquals(12, StackSamples.names(imp).size());
		assertEquals("label 7", StackSamples.names(imp).get(3), "the first line of the first channel's label");
	}

	@Test
	void aStackOfZSlicesOrOfFramesTakesEitherPosition() {
		final ImagePlus zs = image(1, 5, 1), ts = image(1, 1, 5);
		for (final ImagePlus imp : Arrays.asList(zs, ts)) {
			for (int s = 1; s <= 5; s++) {
				assertEquals(s, StackSamples.of(imp, at(s)), "stack index " + s);
				assertEquals(s, StackSamples.of(imp, at(0, s, 0)), "z " + s);
				assertEquals(s, StackSamples.of(imp, at(0, 0, s)), "t " + s);
				assertEquals(s, StackSamples.of(imp, imp == zs ? at(1, s, 1) : at(1, 1, s)), "c 1, z or t " + s);
				final Roi placed = new Roi(0, 0, 1, 1);
				StackSamples.place(imp, placed, s);
				assertEquals(s, placed.getPosition(), "a plain stack position, which ImageJ shows on its slice");
			}
		}
		final ImagePlus one = image(3, 1, 1);
		assertEquals(StackSamples.NONE, StackSamples.of(one, at(0)), "no position: on every slice, here the one");
		assertEquals(1, StackSamples.of(one, at(2)), "channel 2 of a single image");
	}

	@Test
	void pointsOfAMultiPointRoiKeepTheirOwnPositions() {
		final ImagePlus imp = image(2, 2, 2);
		final PointRoi p = new PointRoi(1, 1);
		p.setPosition(0, 2, 1);
		assertEquals(2, StackSamples.ofPoint(imp, p, 0), "no point position: the ROI's");
		final PointRoi q = new PointRoi(1, 1);
		q.addPoint(1, 1, imp.getStackIndex(2, 2, 1));
		q.addPoint(2, 2, imp.getStackIndex(1, 1, 2));
		assertEquals(2, StackSamples.ofPoint(imp, q, 1), "z 2, t 1, channel 2");
		assertEquals(3, StackSamples.ofPoint(imp, q, 2), "z 1, t 2");
	}
}
