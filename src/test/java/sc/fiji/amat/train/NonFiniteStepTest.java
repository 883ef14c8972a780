package sc.fiji.amat.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.TinyData;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.segmentation.Mask;

/**
 * A step whose loss is not finite leaves the weights alone and training goes on; steps that are
 * never finite stop training with a message instead of a model full of NaN.
 */
class NonFiniteStepTest {

	/** Adversarial inputs that are NaN on the steps the predicate picks, the clean batch otherwise. */
	static final class PoisonedSteps implements TrainingMethod {

		private final IntPredicate poisoned;
		private int step;

		PoisonedSteps(final IntPredicate poisoned) {
			this.poisoned = poisoned;
		}

		@Override
		public String name() {
			return "standard";
		}

		@Override
		public JsonObject parameters() {
			return new JsonObject();
		}

		@Override
		public float cleanWeight() {
			return 0;
		}

		@Override
		public float adversarialWeight() {
			return 1;
		}

		@Override
		public <L> NDArray adversarial(final Batch<L> batch) {
			return poisoned.test(step++) ? batch.x.mul(Float.NaN) : batch.x.duplicate();
		}
	}

	static TrainingSettings settings(final int epochs) {
		final TrainingSettings s = new TrainingSettings();
		s.epochs = epochs;
		s.batchSize = 4;
		s.learningRate = 5e-3f;
		s.validationFraction = 0;
		s.keepLastEpoch = true;
		return s;
	}

	@Test
	void aStepWithANonFiniteLossIsSkippedAndTrainingGoesOn() {
		final LabeledData<Mask> data = TinyData.squares(8, 3);
		final List<String> messages = new ArrayList<>();
		final List<Double> losses = new ArrayList<>();
		final TrainingListener listener = new TrainingListener() {

			@Override
			public void message(final String text) {
				messages.add(text);
			}

			@Override
			public void epochEnded(final EpochSummary s) {
				losses.add(s.loss);
			}
		};
		// 2 steps per epoch: the first step of epoch 2 is poisoned
		try (AmatModel poisoned = new ModelTrainer<>(TinyData.task(), data, Normalization.zscore(), settings(3),
			new PoisonedSteps(s -> s == 2), listener).train();
			AmatModel clean = new ModelTrainer<>(TinyData.task(), data, Normalization.zscore(), settings(3),
				new PoisonedSteps(s -> false), null).train())
		{
			for (final double l : losses) assertTrue(Double.isFinite(l) && l > 0, "epoch losses " + losses);
			assertTrue(messages.stream().anyMatch(m -> m.contains("1 of 2 steps skipped")), messages.toString());
			// no weight and no running statistic of batch norm took the poisoned batch in
			for (final ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : poisoned.block().getParameters()) {
				for (final float v : p.getValue().getArray().toFloatArray()) {
					assertTrue(Float.isFinite(v), p.getKey() + " holds " + v);
				}
			}
			final float[] w = poisoned.block().getParameters().valueAt(0).getArray().toFloatArray();
			// one step fewer than the clean run: the weights differ, and are not NaN
			final float[] c = clean.block().getParameters().valueAt(0).getArray().toFloatArray();
			assertEquals(w.length, c.length);
			boolean differ = false;
			for (int k = 0; k < w.length; k++) differ |= w[k] != c[k];
			assertTrue(differ, "the skipped step must not have been taken");
		}
	}

	@Test
	void stepsThatAreNeverFiniteStopTrainingWithAMessage() {
		final LabeledData<Mask> data = TinyData.squares(8, 3);
		final AmatException e = assertThrows(AmatException.class, () -> new ModelTrainer<>(TinyData.task(), data,
			Normalization.zscore(), settings(3), new PoisonedSteps(s -> s >= 1), null).train().close());
		assertTrue(e.getMessage().contains(TrainingSession.MAX_SKIPPED_IN_A_ROW + " steps in a row") && e.getMessage()
			.contains("lower the learning rate"), e.getMessage());
		// the step was replayed with every layer checked: the first non-finite tensor was the input
		assertTrue(e.getMessage().contains("first in the adversarial inputs"), e.getMessage());
	}

	@Test
	void skippedStepsLeaveNoNativeArraysBehind() {
		final LabeledData<Mask> data = TinyData.squares(8, 3);
		final ai.djl.ndarray.NDManager root = sc.fiji.amat.engine.Engines.pytorch().newBaseManager();
		final ai.djl.ndarray.NDManager system = root.getParentManager();
		root.close();
		final List<Integer> arrays = new ArrayList<>();
		final TrainingListener count = new TrainingListener() {

			@Override
			public void epochEnded(final EpochSummary s) {
				arrays.add(system.getManagedArrays().size());
			}
		};
		// every second step is poisoned, from the first one on, through 4 epochs of 2 steps
		try (AmatModel m = new ModelTrainer<>(TinyData.task(), data, Normalization.zscore(), settings(4),
			new PoisonedSteps(s -> s % 2 == 0), count).train())
		{
			assertEquals(arrays.get(1), arrays.get(3), "live native arrays per epoch: " + arrays);
		}
	}
}
