package sc.fiji.amat.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import sc.fiji.amat.TinyData;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.segmentation.Mask;

/**
 * A training run in a JVM of its own, for {@link InterruptionTest}: AMAT on tiny squares with a
 * checkpoint after every epoch, resumed from the checkpoint when there is one. Prints
 * {@code step E S} after every step and {@code done} at the end; args: folder, epochs.
 */
public final class TrainingChild {

	private TrainingChild() {}

	public static void main(final String[] args) {
		final Path dir = Paths.get(args[0]);
		final int epochs = Integer.parseInt(args[1]);
		Engines.setThreads(1, 1);
		final LabeledData<Mask> data = TinyData.squares(16, 21);
		final TrainingSettings s = settings(dir, epochs);
		final AmatTraining.Settings a = new AmatTraining.Settings(0.5f);
		a.steps = 2;
		final AmatTraining method = new AmatTraining(a, new Thresholds(TinyData.task().boundarySpec(), new float[] {
			0.7f }, "test value"), data.sampleSize());
		final TrainingListener printer = new TrainingListener() {

			@Override
			public void step(final int epoch, final int step, final int stepsPerEpoch, final float loss,
				final double secondsLeft)
			{
				System.out.println("step " + epoch + " " + step);
				System.out.flush();
			}
		};
		final ModelTrainer<Mask> trainer = new ModelTrainer<>(TinyData.task(), data, Normalization.zscore(), s, method,
			printer);
		try (AmatModel m = Files.exists(s.checkpoint) ? trainer.resume() : trainer.train()) {
			m.save(dir.resolve("final.amat.zip"));
		}
		System.out.println("done");
		System.out.flush();
		System.exit(0);
	}

	static TrainingSettings settings(final Path dir, final int epochs) {
		final TrainingSettings s = new TrainingSettings();
		s.epochs = epochs;
		s.batchSize = 4;
		s.learningRate = 5e-3f;
		s.validationFraction = 0.25;
		s.keepLastEpoch = false;
		s.checkpoint = dir.resolve("ck.amat.zip");
		return s;
	}
}
