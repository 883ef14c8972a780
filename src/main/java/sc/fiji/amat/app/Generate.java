package sc.fiji.amat.app;

import java.nio.file.Path;
import java.nio.file.Paths;

import sc.fiji.amat.sample.SegmentationSamples;

/** Writes the sample datasets. */
final class Generate {

	static final int SEGMENTATION_TRAIN = 128, SEGMENTATION_TEST = 32, SEGMENTATION_SIZE = 64;
	static final long SEED = 1;

	private Generate() {}

	static void run(final Args args) {
		final Path out = Paths.get(args.get("out", "sample-data"));
		final long seed = args.getInt("seed", (int) SEED);
		args.done();
		segmentation(out.resolve("segmentation"), seed);
		System.out.println("wrote " + out.resolve("segmentation"));
	}

	static void segmentation(final Path dir, final long seed) {
		new SegmentationSamples(SEGMENTATION_SIZE, seed).write(dir, SEGMENTATION_TRAIN, SEGMENTATION_TEST);
	}
}
