package sc.fiji.amat.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.TinyData;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ModelFile;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;

class StandardTrainingTest {

	@TempDir
	Path dir;

	static TrainingSettings settings(final int epochs) {
		final TrainingSettings s = new TrainingSettings();
		s.epochs = epochs;
		s.batchSize = 8;
		s.learningRate = 5e-3f;
		s.seed = 7;
		s.validationFraction = 0.25;
		return s;
	}

	static AmatModel train(final LabeledData<Mask> data, final TrainingSettings s, final TrainingListener listener) {
		return new ModelTrainer<>(TinyData.task(), data, Normalization.zscore(), s, new StandardTraining(), listener)
			.train();
	}

	@Test
	void aShortTrainingRunBeatsTheUntrainedModel() {
		final LabeledData<Mask> train = TinyData.squares(48, 1), test = TinyData.squares(16, 2);
		final SegmentationTask task = TinyData.task();
		final double untrained;
		try (AmatModel model = AmatModel.create(task, sc.fiji.amat.model.ModelInfoFixture.info(task), Device.cpu())) {
			untrained = Evaluator.evaluate(model, test, 8).primaryMean();
		}
		final List<Double> validation = new ArrayList<>();
		final double trained;
		try (AmatModel model = train(train, settings(12), new TrainingListener() {

			@Override
			public void epochEnded(final EpochSummary s) {
				validation.add(s.validationMetric);
			}
		}))
		{
			trained = Evaluator.evaluate(model, test, 8).primaryMean();
			assertEquals(12, model.info().training.epochsCompleted);
			assertEquals(validation.stream().mapToDouble(d -> d).max().getAsDouble(), model.info().training.validationValue,
				1e-12);
		}
		assertTrue(trained > 0.8, "trained Dice " + trained);
		assertTrue(trained > untrained + 0.3, "trained " + trained + " vs untrained " + untrained);
	}

	@Test
	void trainingRunsOnAFreshThread() throws Exception {
		// Fiji runs commands on pool threads, where PyTorch starts with gradient recording on
		Engines.pytorch();
		final Throwable[] failure = { null };
		final Thread t = new Thread(() -> {
			try (AmatModel m = train(TinyData.squares(16, 9), settings(1), null)) {
				assertEquals(1, m.info().training.epochsCompleted);
			}
			catch (final Throwable e) {
				failure[0] = e;
			}
		});
		t.start();
		t.join();
		if (failure[0] != null) throw new AssertionError("training on a new thread failed", failure[0]);
	}

	@Test
	void keepingTheLastEpochKeepsItsWeights() {
		final TrainingSettings s = settings(3);
		s.keepLastEpoch = true;
		s.checkpoint = dir.resolve("last.checkpoint.zip"); // holds the weights at the end of the last epoch
		try (AmatModel m = train(TinyData.squares(24, 12), s, null)) {
			assertEquals(3, m.info().training.bestEpoch);
			assertArrayEquals(ModelFile.read(s.checkpoint).entry(ModelFile.WEIGHTS), m.weights());
		}
	}

	@Test
	void theSameSeedGivesTheSameModel() {
		final LabeledData<Mask> data = TinyData.squares(24, 3);
		final byte[] a, b;
		try (AmatModel m = train(data, settings(2), null)) {
			a = m.weights();
		}
		try (AmatModel m = train(data, settings(2), null)) {
			b = m.weights();
		}
		assertArrayEquals(a, b);
	}

	@Test
	void nativeMemoryDoesNotGrowAcrossEpochs() {
		final List<Integer> arrays = new ArrayList<>();
		final NDManager root = Engines.pytorch().newBaseManager();
		final NDManager system = root.getParentManager();
		root.close();
		try (AmatModel m = train(TinyData.squares(24, 4), settings(4), new TrainingListener() {

			@Override
			public void epochEnded(final EpochSummary s) {
				arrays.add(system.getManagedArrays().size());
			}
		}))
		{
			assertEquals(4, arrays.size());
			assertEquals(arrays.get(1), arrays.get(3), "live native arrays per epoch: " + arrays);
		}
	}

	@Test
	void cancellingKeepsTheBestModelOfTheCompletedEpochs() {
		// 3 steps per epoch: stops in epoch 3
		try (AmatModel m = train(TinyData.squares(24, 5), settings(5), new StopAfterSteps(7))) {
			assertEquals(2, m.info().training.epochsCompleted);
		}
		final AmatException e = assertThrows(AmatException.class, () -> train(TinyData.squares(24, 5), settings(5),
			new StopAfterSteps(1)));
		assertTrue(e.getMessage().contains("cancelled before the first epoch"), e.getMessage());
	}

	@Test
	void aResumedRunEqualsAnUninterruptedOne() {
		final LabeledData<Mask> data = TinyData.squares(24, 6);
		final byte[] uninterrupted;
		try (AmatModel m = train(data, settings(4), null)) {
			uninterrupted = m.weights();
		}
		final TrainingSettings s = settings(4);
		s.checkpoint = dir.resolve("run.checkpoint.zip");
		train(data, s, new StopAfterSteps(8)).close(); // in epoch 3
		assertTrue(Files.exists(s.checkpoint));
		assertEquals(2, ModelFile.read(s.checkpoint).info().training.epochsCompleted);
		try (AmatModel m = new ModelTrainer<>(TinyData.task(), data, Normalization.zscore(), s, new StandardTraining(),
			null).resume())
		{
			assertEquals(4, m.info().training.epochsCompleted);
			assertArrayEquals(uninterrupted, m.weights());
		}
	}
}
