package sc.fiji.amat.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.TinyData;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.task.segmentation.Mask;

/**
 * A one-device step updates all parameters at once over flat arrays (StatefulOptimizer.updateAll);
 * it must give what DJL's per-parameter path gives, bit for bit, and save the same optimizer state.
 */
class FlatUpdateTest {

	private static final int STEPS = 4;

	/** Every parameter (weights and batch norm's running statistics) after the steps, and the optimizer state. */
	private static List<float[]> run(final StatefulOptimizer.Kind kind, final boolean flat, final List<byte[]> state) {
		final LabeledData<Mask> data = TinyData.squares(16, 9);
		final TrainingSettings s = new TrainingSettings();
		s.batchSize = 8;
		s.validationFraction = 0;
		s.optimizer = kind;
		s.learningRate = 5e-3f;
		final TrainingSession<Mask> session = new ModelTrainer<>(TinyData.task(), data, Normalization.zscore(), s,
			new StandardTraining(), null).openForBenchmark();
		try {
			session.flatUpdate = flat;
			for (int i = 0; i < STEPS; i++) {
				Engines.pytorch().setRandomSeed(100 + i);
				final int[] pos = new int[8];
				for (int k = 0; k < 8; k++) pos[k] = (k + 8 * i) % data.size();
				assertTrue(Float.isFinite(session.step(data, pos)));
				if (i == 1) state.add(session.optimizer.saveState());
			}
			state.add(session.optimizer.saveState());
			final List<float[]> out = new ArrayList<>();
			for (final Pair<String, Parameter> p : session.model.getBlock().getParameters()) {
				out.add(p.getValue().getArray().toFloatArray());
			}
			return out;
		}
		finally {
			session.trainer.close();
			session.model.close();
		}
	}

	private static void sameBitForBit(final StatefulOptimizer.Kind kind) {
		final List<byte[]> flatState = new ArrayList<>(), perParameterState = new ArrayList<>();
		final List<float[]> flat = run(kind, true, flatState), perParameter = run(kind, false, perParameterState);
		assertTrue(flat.size() > 4);
		boolean moved = false;
		final List<float[]> initial = initial();
		for (int i = 0; i < flat.size(); i++) {
			assertArrayEquals(perParameter.get(i), flat.get(i), "parameter " + i + " with " + kind);
			if (!java.util.Arrays.equals(initial.get(i), flat.get(i))) moved = true;
		}
		assertTrue(moved, "the steps changed no parameter");
		for (int k = 0; k < flatState.size(); k++) {
			assertArrayEquals(perParameterState.get(k), flatState.get(k), "saved optimizer state " + k);
		}
	}

	/** The parameters before any step (same seed). */
	private static List<float[]> initial() {
		final TrainingSettings s = new TrainingSettings();
		s.batchSize = 8;
		s.validationFraction = 0;
		final TrainingSession<Mask> session = new ModelTrainer<>(TinyData.task(), TinyData.squares(16, 9), Normalization
			.zscore(), s, new StandardTraining(), null).openForBenchmark();
		try {
			final List<float[]> out = new ArrayList<>();
			for (final Pair<String, Parameter> p : session.model.getBlock().getParameters()) {
				out.add(p.getValue().getArray().toFloatArray());
			}
			return out;
		}
		finally {
			session.trainer.close();
			session.model.close();
		}
	}

	@Test
	void adamOverFlatArraysEqualsThePerParameterUpdate() {
		sameBitForBit(StatefulOptimizer.Kind.ADAM);
	}

	@Test
	void sgdOverFlatArraysEqualsThePerParameterUpdate() {
		sameBitForBit(StatefulOptimizer.Kind.SGD);
	}

	@Test
	void aNonFiniteGradientChangesNothing() {
		final LabeledData<Mask> data = TinyData.squares(16, 9);
		final TrainingSettings s = new TrainingSettings();
		s.batchSize = 8;
		s.validationFraction = 0;
		final TrainingSession<Mask> session = new ModelTrainer<>(TinyData.task(), data, Normalization.zscore(), s,
			new StandardTraining(), null).openForBenchmark();
		try (ai.djl.ndarray.NDManager m = session.trainer.getManager().newSubManager()) {
			// one step first: afterwards every gradient exists (zeroed)
			assertTrue(Float.isFinite(session.step(data, new int[] { 0, 1, 2, 3, 4, 5, 6, 7 })));
			final List<float[]> before = new ArrayList<>();
			ai.djl.ndarray.NDArray first = null;
			for (final Pair<String, Parameter> p : session.model.getBlock().getParameters()) {
				final ai.djl.ndarray.NDArray w = p.getValue().getArray();
				before.add(w.toFloatArray());
				if (first == null && w.hasGradient()) first = w;
			}
			// a gradient with a NaN, as a backward pass that overflowed would leave it
			try (ai.djl.ndarray.NDArray g = first.getGradient()) {
				g.set(new ai.djl.ndarray.index.NDIndex("..."), Float.NaN);
			}
			assertFalse(session.optimizer.updateAll(session.model.getBlock(), m));
			int i = 0;
			for (final Pair<String, Parameter> p : session.model.getBlock().getParameters()) {
				assertArrayEquals(before.get(i++), p.getValue().getArray().toFloatArray());
			}
		}
		finally {
			session.trainer.close();
			session.model.close();
		}
	}
}
