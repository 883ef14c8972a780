package sc.fiji.amat.task.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.data.NormalizedImages;
import sc.fiji.amat.task.ij.ImageJTasks;

class SegmentationSamplesTest {

	@TempDir
	Path dir;

	@Test
	void theCommittedSampleFilesAreWhatTheTaskWrites() throws IOException {
		ImageJTasks.type(SegmentationTask.TYPE).writeSamples(dir, 1);
		final Path committed = Paths.get("sample-data", "segmentation");
		for (final String f : new String[] { "train-images.tif", "train-labels.tif", "test-images.tif",
			"test-labels.tif", "classes.txt" })
		{
			assertArrayEquals(Files.readAllBytes(committed.resolve(f)), Files.readAllBytes(dir.resolve(f)), f +
				" differs from the generator's output: run scripts/amat generate --task segmentation");
		}
	}

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
