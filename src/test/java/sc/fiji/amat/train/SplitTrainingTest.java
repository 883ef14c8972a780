package sc.fiji.amat.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.TinyData;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.Pgd;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;

/**
 * A batch split into parts (as over several GPUs; here all parts on the one CPU, since DJL
 * refuses a device twice and this machine has no GPU) trains as the unsplit batch does: the
 * same losses and weights up to float rounding, for a network without batch norm.
 */
class SplitTrainingTest {

	static final LabeledData<Mask> DATA = TinyData.squares(8, 3);

	@Test
	void partsKeepTheBatchOrderAndDifferByAtMostOneSample() {
		final int[] pos = { 7, 3, 5, 0, 2, 6, 1 };
		final int[][] parts = BatchSplit.parts(pos, 3);
		assertArrayEquals(new int[] { 7, 3, 5 }, parts[0]);
		assertArrayEquals(new int[] { 0, 2 }, parts[1]);
		assertArrayEquals(new int[] { 6, 1 }, parts[2]);
		assertEquals(2, BatchSplit.parts(new int[] { 4, 9 }, 4).length, "never an empty part");
		assertArrayEquals(new int[][] { pos }, BatchSplit.parts(pos, 1));
		for (int k = 1; k <= 9; k++) {
			final int[] joined = Arrays.stream(BatchSplit.parts(pos, k)).flatMapToInt(Arrays::stream).toArray();
			assertArrayEquals(pos, joined, k + " parts");
		}
		assertThrows(IllegalArgumentException.class, () -> BatchSplit.parts(pos, 0));
	}

	/** Trains 3 steps (3 epochs of one batch of all 8 images) and returns the weights and losses. */
	static Result train(final NetworkConfig.Norm norm, final int splits, final TrainingMethod method) {
		final TrainingSettings s = new TrainingSettings();
		s.epochs = 3;
		s.batchSize = 8;
		s.validationFraction = 0;
		s.optimizer = StatefulOptimizer.Kind.SGD;
		s.learningRate = 0.05f;
		s.splits = splits;
		final SegmentationTask task = new SegmentationTask(SegmentationTask.defaultClassNames(2), 1, new NetworkConfig(2, 4,
			norm));
		try (AmatModel m = new ModelTrainer<>(task, DATA, Normalization.zscore(), s, method, null).train()) {
			final List<float[]> weights = new ArrayList<>();
			for (final Pair<String, Parameter> p : m.block().getParameters()) {
				if (p.getValue().getType() == Parameter.Type.RUNNING_MEAN || p.getValue().getType() ==
					Parameter.Type.RUNNING_VAR) continue;
				weights.add(p.getValue().getArray().toFloatArray());
			}
			final JsonArray h = m.info().training.history.getAsJsonArray("loss");
			final double[] losses = new double[h.size()];
			for (int i = 0; i < losses.length; i++) losses[i] = h.get(i).getAsDouble();
			return new Result(weights, losses);
		}
	}

	static final class Result {

		final List<float[]> weights;
		final double[] losses;

		Result(final List<float[]> weights, final double[] losses) {
			this.weights = weights;
			this.losses = losses;
		}

		double maxWeightDifference(final Result o) {
			double d = 0;
			for (int i = 0; i < weights.size(); i++) {
				for (int k = 0; k < weights.get(i).length; k++) {
					d = Math.max(d, Math.abs(weights.get(i)[k] - o.weights.get(i)[k]));
				}
			}
			return d;
		}
	}

	@Test
	void aStandardStepSplitInTwoOrThreeEqualsTheUnsplitStep() {
		final Result whole = train(NetworkConfig.Norm.INSTANCE, 1, new StandardTraining());
		for (final int splits : new int[] { 2, 3 }) {
			final Result split = train(NetworkConfig.Norm.INSTANCE, splits, new StandardTraining());
			assertArrayEquals(whole.losses, split.losses, 1e-5, splits + " parts");
			assertTrue(whole.maxWeightDifference(split) < 1e-5, splits + " parts: " + whole.maxWeightDifference(split));
		}
		// the comparison can tell: the weights moved, and batch norm's per-part statistics change them
		final Result untrained = train(NetworkConfig.Norm.INSTANCE, 1, new Fixed(0));
		assertTrue(whole.maxWeightDifference(untrained) > 1e-3);
		final Result bn = train(NetworkConfig.Norm.BATCH, 1, new StandardTraining());
		final Result bnSplit = train(NetworkConfig.Norm.BATCH, 2, new StandardTraining());
		assertTrue(bn.maxWeightDifference(bnSplit) > 1e-4, "batch norm: " + bn.maxWeightDifference(bnSplit));
	}

	@Test
	void anAdversarialStepSplitInTwoEqualsTheUnsplitStep() {
		// IFGSM has no random start, so the attack is the same whether the batch is split or not;
		// the second part attacks a frozen copy of the weights
		final Result whole = train(NetworkConfig.Norm.INSTANCE, 1, new Fixed(1.5f));
		final Result split = train(NetworkConfig.Norm.INSTANCE, 2, new Fixed(1.5f));
		assertArrayEquals(whole.losses, split.losses, 1e-5);
		assertTrue(whole.maxWeightDifference(split) < 1e-5, "" + whole.maxWeightDifference(split));
		final Result clean = train(NetworkConfig.Norm.INSTANCE, 1, new StandardTraining());
		assertTrue(Math.abs(whole.losses[0] - clean.losses[0]) > 1e-3, "the attack changed the loss");
	}

	@Test
	void amatKeepsOneMarginTableWhenItsBatchesAreSplit() {
		final AmatTraining.Settings st = new AmatTraining.Settings(0.5f);
		st.steps = 2;
		// a boundary no sample can cross: every margin grows by delta each epoch, whatever the split
		final Thresholds never = new Thresholds(TinyData.task().boundarySpec(), new float[] { -1f }, "never crossed");
		final AmatTraining amat = new AmatTraining(st, never, 16 * 16);
		final TrainingSettings s = new TrainingSettings();
		s.epochs = 2;
		s.batchSize = 5; // batches of 5 and 3, split into 2 parts each
		s.validationFraction = 0;
		s.splits = 2;
		try (AmatModel m = new ModelTrainer<>(TinyData.task(), DATA, Normalization.zscore(), s, amat, null).train()) {
			for (int id = 0; id < DATA.size(); id++) assertEquals(1.5f, amat.margin(DATA.id(id)), 1e-6f, "sample " + id);
		}
	}

	/** Clean + adversarial loss with IFGSM-3 of a fixed L2 size (none when eps is 0). */
	static final class Fixed implements TrainingMethod {

		final float eps;

		Fixed(final float eps) {
			this.eps = eps;
		}

		@Override
		public String name() {
			return "fixed";
		}

		@Override
		public JsonObject parameters() {
			return new JsonObject();
		}

		@Override
		public float cleanWeight() {
			return eps == 0 ? 0 : 0.5f;
		}

		@Override
		public float adversarialWeight() {
			return eps == 0 ? 1e-9f : 0.5f;
		}

		@Override
		public <L> NDArray adversarial(final Batch<L> batch) {
			final float[] e = new float[batch.ids.length];
			Arrays.fill(e, eps == 0 ? 1e-9f : eps);
			return Pgd.ifgsm(Norm.L2, 3).perturb(batch.target, batch.x, batch.y, e);
		}
	}
}
