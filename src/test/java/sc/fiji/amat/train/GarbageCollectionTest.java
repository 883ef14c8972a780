package sc.fiji.amat.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.TinyData;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.segmentation.Mask;

/**
 * Training gives the same model from the same seed however busy the garbage collector is:
 * nothing a training step differentiates may live in memory the collector can free (see
 * {@link sc.fiji.amat.nn.Scalars}). A background thread collects and refills freed memory
 * with NaN all the while.
 */
class GarbageCollectionTest {

	private static byte[] train(final LabeledData<Mask> data) {
		final TrainingSettings s = new TrainingSettings();
		s.epochs = 3;
		s.learningRate = 5e-3f;
		s.validationFraction = 0;
		s.batchSize = 8;
		final TrainingMethod sat = new SatTraining(Norm.L2, 0.5f, 1, 4, SatTraining.LossMode.MIXED, 0.5f, data
			.sampleSize());
		try (AmatModel m = new ModelTrainer<>(TinyData.task(), data, Normalization.zscore(), s, sat, null).train()) {
			return m.weights();
		}
	}

	@Test
	void theSameSeedGivesTheSameModelWhileTheCollectorRuns() throws InterruptedException {
		final LabeledData<Mask> data = TinyData.squares(16, 21);
		final AtomicBoolean run = new AtomicBoolean(true);
		final Thread collector = new Thread(() -> {
			final List<ByteBuffer> junk = new ArrayList<>();
			while (run.get()) {
				System.gc();
				for (int i = 0; i < 500; i++) {
					final ByteBuffer b = ByteBuffer.allocateDirect(4);
					b.putFloat(0, Float.NaN);
					junk.add(b);
				}
				if (junk.size() > 20_000) junk.clear();
				try {
					Thread.sleep(2);
				}
				catch (final InterruptedException e) {
					return;
				}
			}
		}, "garbage collections");
		collector.setDaemon(true);
		collector.start();
		try {
			assertArrayEquals(train(data), train(data));
		}
		finally {
			run.set(false);
			collector.join();
		}
	}
}
