package sc.fiji.amat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;
import sc.fiji.amat.train.ModelTrainer;
import sc.fiji.amat.train.StandardTraining;
import sc.fiji.amat.train.TrainingSettings;

/** Tiny segmentation problems for fast tests: noisy images with a bright square (class 1). */
public final class TinyData {

	public static final int SIZE = 16;

	private TinyData() {}

	public static LabeledData<Mask> squares(final int n, final long seed) {
		final List<Mask> masks = new ArrayList<>();
		final float[] raw = rawSquares(n, seed, 0, 1, 0.3, masks);
		final float[] norm = Normalization.zscore().apply(raw, n, 1, SIZE * SIZE).values;
		return new LabeledData<>(norm, 1, SIZE, SIZE, masks);
	}

	/**
	 * Raw (not normalised) images of a square of a random size and place: intensity
	 * {@code background}, plus {@code contrast} inside the square, plus Gaussian noise of the given
	 * standard deviation. The masks (class 1 in the square) are added to {@code masks}.
	 */
	public static float[] rawSquares(final int n, final long seed, final double background, final double contrast,
		final double noise, final List<Mask> masks)
	{
		final Random r = new Random(seed);
		final float[] raw = new float[n * SIZE * SIZE];
		for (int i = 0; i < n; i++) {
			final byte[] m = new byte[SIZE * SIZE];
			final int w = 4 + r.nextInt(5), x0 = r.nextInt(SIZE - w), y0 = r.nextInt(SIZE - w);
			for (int y = 0; y < SIZE; y++) {
				for (int x = 0; x < SIZE; x++) {
					final boolean in = x >= x0 && x < x0 + w && y >= y0 && y < y0 + w;
					m[y * SIZE + x] = (byte) (in ? 1 : 0);
					raw[i * SIZE * SIZE + y * SIZE + x] = (float) (background + (in ? contrast : 0) + noise * r
						.nextGaussian());
				}
			}
			masks.add(new Mask(m, SIZE, SIZE));
		}
		return raw;
	}

	/** A tiny U-Net trained normally on the data (seeded, no validation split): a few seconds. */
	public static AmatModel trainStandard(final LabeledData<Mask> data, final int epochs) {
		final TrainingSettings s = new TrainingSettings();
		s.epochs = epochs;
		s.learningRate = 5e-3f;
		s.validationFraction = 0;
		return new ModelTrainer<>(task(), data, Normalization.zscore(), s, new StandardTraining(), null).train();
	}

	public static SegmentationTask task() {
		return new SegmentationTask(SegmentationTask.defaultClassNames(2), 1, new NetworkConfig(2, 4,
			NetworkConfig.Norm.BATCH));
	}
}
