package sc.fiji.amat.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;

import java.nio.file.Paths;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.data.NormalizedImages;

class SegmentationSamplesTest {

	@Test
	void theCommittedSampleDataIsWhatTheGeneratorMakes() {
		final ImagePlus images = NormalizedImages.open(Paths.get("sample-data/segmentation/train-images.tif"));
		final ImagePlus labels = NormalizedImages.open(Paths.get("sample-data/segmentation/train-labels.tif"));
		assertEquals(128, images.getStackSize());
		final SegmentationSamples gen = new SegmentationSamples(64, 1);
		for (final int i : new int[] { 0, 5, 127 }) {
			final short[] im = new short[64 * 64];
			final byte[] lab = new byte[64 * 64];
			gen.sample(i, im, lab);
			assertArrayEquals(im, (short[]) images.getStack().getPixels(i + 1), "image " + i);
			assertArrayEquals(lab, (byte[]) labels.getStack().getPixels(i + 1), "label " + i);
		}
	}

	@Test
	void everySampleHasBothStructures() {
		final SegmentationSamples gen = new SegmentationSamples(64, 1);
		for (int i = 0; i < 40; i++) {
			final short[] im = new short[64 * 64];
			final byte[] lab = new byte[64 * 64];
			gen.sample(i, im, lab);
			int ring = 0, blob = 0;
			for (final byte b : lab) {
				if (b == 1) ring++;
				if (b == 2) blob++;
			}
			assertTrue(ring > 30 && blob > 30, "sample " + i + ": ring " + ring + ", blob " + blob + " pixels");
		}
	}
}
