package sc.fiji.amat.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackSettings;
import sc.fiji.amat.attack.AttackTarget;
import sc.fiji.amat.attack.AttackType;
import sc.fiji.amat.attack.AttackTypes;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.PgdType;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.nn.NetworkConfig;

/**
 * Times, on one U-Net and one batch in one run: a training step of every training method
 * ({@link TrainingMethods}: standard, SAT, AMAT and any other), the chosen attacks ({@link AttackTypes},
 * PGD-T by default), a forward pass and a forward + backward pass with respect to the input;
 * prints the times and the ratios AMAT/SAT, SAT/standard and attack/(forward+backward).
 */
public final class TrainingBenchmark {

	/** The shape of the benchmark; printed with the results so it can be reproduced elsewhere. */
	public static final class Config {

		public int size = 128, depth = 3, width = 16, batch = 8, steps = 20, threads = 1, repeats = 5, warmup = 2;
		public NetworkConfig.Norm norm = NetworkConfig.Norm.BATCH;
		/** The attacks to time (any name {@link AttackTypes} knows), T = steps iterations each. */
		public List<String> attacks = Collections.singletonList(PgdType.KEY);
	}

	private TrainingBenchmark() {}

	/**
	 * Times every method and attack on the task's network and the first {@code c.batch} samples
	 * of {@code data}; AMAT tests its boundary against {@code thresholds}.
	 */
	public static <L> void run(final Config c, final Task<L> task, final LabeledData<L> data,
		final Thresholds thresholds, final PrintStream out)
	{
		// SAT at eps 0.05 rms and PGD-T at the same eps; AMAT from delta = eps / 4 with a fixed threshold
		final NoiseBudget budget = NoiseBudget.of(0.05, Norm.L2);
		final TrainingRecipe recipe = new TrainingRecipe();
		recipe.steps = c.steps;
		recipe.satEps = budget.value();
		recipe.amatDelta = budget.value() / 4;
		recipe.thresholds = thresholds;

		final int[] pos = range(c.batch);
		final long[] params = new long[1];
		final Map<String, Double> step = new LinkedHashMap<>();
		final Map<String, String> names = new LinkedHashMap<>();
		for (final TrainingMethodType type : TrainingMethods.all()) {
			final TrainingSettings s = settings(c);
			final TrainingMethod method = type.create(recipe, new TrainingRun<>(task, data, Normalization.zscore(), s,
				null));
			method.begin(range(c.batch));
			method.startEpoch(1);
			step.put(type.key(), timeSteps(task, data, method, s, c, pos, params));
			names.put(type.key(), type.displayName());
		}
		final List<AttackType> attackTypes = new ArrayList<>();
		final List<Attack> attacks = new ArrayList<>();
		for (final String a : c.attacks) {
			attackTypes.add(AttackTypes.get(a));
			attacks.add(AttackTypes.create(a, Norm.L2, AttackSettings.DEFAULTS.iterations(c.steps)));
		}
		final double[] attack = timeAttack(task, data, c, pos, budget.toAbsolute(data.sampleSize(), null), attacks);

		out.printf(Locale.ROOT, "AMAT benchmark: U-Net depth %d width %d %s norm, %,d parameters, batch %d x 1 x %d x %d, " +
			"T = %d, %d PyTorch thread(s) (interop 1), %d repeats after %d warm-up, device %s%n", c.depth, c.width, c.norm
				.name().toLowerCase(Locale.ROOT), params[0], c.batch, c.size, c.size, c.steps, c.threads, c.repeats,
			c.warmup, Engines.device("cpu"));
		out.printf(Locale.ROOT, "%-34s %10s%n", "measure", "ms");
		out.printf(Locale.ROOT, "%-34s %10.1f%n", "forward (eval)", attack[0]);
		out.printf(Locale.ROOT, "%-34s %10.1f%n", "forward + backward w.r.t. input", attack[1]);
		for (int a = 0; a < attacks.size(); a++) {
			final AttackType t = attackTypes.get(a);
			final String label = t.defaults().iterations() == null ? t.displayName() : t.displayName() + "-" + c.steps;
			out.printf(Locale.ROOT, "%-34s %10.1f%n", label + " attack (eval mode)", attack[2 + a]);
		}
		for (final Map.Entry<String, Double> e : step.entrySet()) {
			out.printf(Locale.ROOT, "%-34s %10.1f%n", names.get(e.getKey()) + " training step", e.getValue());
		}
		final Double tStd = step.get(StandardTraining.KEY), tSat = step.get(SatTraining.KEY), tAmat = step.get(
			AmatTraining.KEY);
		if (tAmat != null && tSat != null) {
			out.printf(Locale.ROOT, "ratio AMAT/SAT                %6.3f   (target <= 1.05)%n", tAmat / tSat);
		}
		if (tSat != null && tStd != null) {
			out.printf(Locale.ROOT, "ratio SAT/standard            %6.2f   (target <= 1.1 x (T + 1) = %.1f)%n", tSat /
				tStd, 1.1 * (c.steps + 1));
		}
		if (!attacks.isEmpty()) {
			out.printf(Locale.ROOT, "ratio attack/(forward+backward) %4.2f   (%s, T = %d steps)%n", attack[2] / attack[1],
				attackTypes.get(0).displayName(), c.steps);
		}
	}

	private static TrainingSettings settings(final Config c) {
		final TrainingSettings s = new TrainingSettings();
		s.batchSize = c.batch;
		s.validationFraction = 0;
		return s;
	}

	private static <L> double timeSteps(final Task<L> task, final LabeledData<L> data,
		final TrainingMethod method, final TrainingSettings s, final Config c, final int[] pos, final long[] paramCount)
	{
		final ModelTrainer<L> trainer = new ModelTrainer<>(task, data, Normalization.zscore(), s, method, null);
		final TrainingSession<L> session = trainer.openForBenchmark();
		try {
			if (paramCount[0] == 0) {
				for (final Pair<String, Parameter> p : session.model.getBlock().getParameters()) {
					paramCount[0] += p.getValue().getArray().size();
				}
			}
			for (int i = 0; i < c.warmup; i++) session.step(data, pos);
			final long t0 = System.nanoTime();
			for (int i = 0; i < c.repeats; i++) session.step(data, pos);
			return (System.nanoTime() - t0) / 1e6 / c.repeats;
		}
		finally {
			session.trainer.close();
			session.model.close();
		}
	}

	/** Forward, forward + backward w.r.t. the input, and every attack, in evaluation mode: ms each. */
	private static <L> double[] timeAttack(final Task<L> task, final LabeledData<L> data, final Config c,
		final int[] pos, final float eps, final List<Attack> attacks)
	{
		final ModelTrainer<L> trainer = new ModelTrainer<>(task, data, Normalization.zscore(), settings(c),
			new StandardTraining(), null);
		final TrainingSession<L> session = trainer.openForBenchmark();
		try (NDManager m = session.model.getNDManager().newSubManager()) {
			final AttackTarget<L> target = new AttackTarget<>(session.model.getBlock(), session.amatModel
				.parameterStore(), task, false, null);
			final NDArray x = data.batch(m, pos);
			final NDList y = task.encodeLabels(m, data.labels(pos), data.height(), data.width());
			final float[] e = new float[pos.length];
			Arrays.fill(e, eps);
			final double[] out = new double[2 + attacks.size()];
			for (int phase = 0; phase < 2; phase++) {
				final int n = phase == 0 ? c.warmup : c.repeats;
				final long[] t = new long[out.length];
				for (int i = 0; i < n; i++) {
					long t0 = System.nanoTime();
					try (NDManager it = m.newSubManager()) {
						final NDArray xi = x.duplicate();
						xi.attach(it);
						session.amatModel.forward(xi, false).singletonOrThrow().getFloat(0, 0, 0, 0);
					}
					t[0] += System.nanoTime() - t0;
					t0 = System.nanoTime();
					try (NDManager it = m.newSubManager(); AttackTarget.Frozen f = target.freeze()) {
						final NDArray xi = x.duplicate();
						xi.attach(it);
						xi.setRequiresGradient(true);
						try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
							gc.backward(target.loss(target.forward(xi), y).sum());
						}
						xi.getGradient().getFloat(0, 0, 0, 0);
					}
					t[1] += System.nanoTime() - t0;
					for (int a = 0; a < attacks.size(); a++) {
						t0 = System.nanoTime();
						try (NDManager it = m.newSubManager()) {
							final NDArray xi = x.duplicate();
							xi.attach(it);
							attacks.get(a).perturb(target, xi, y, e).getFloat(0, 0, 0, 0);
						}
						t[2 + a] += System.nanoTime() - t0;
					}
				}
				if (phase == 1) for (int k = 0; k < out.length; k++) out[k] = t[k] / 1e6 / n;
			}
			return out;
		}
		finally {
			session.trainer.close();
			session.model.close();
		}
	}

	private static int[] range(final int n) {
		final int[] r = new int[n];
		for (int i = 0; i < n; i++) r[i] = i;
		return r;
	}

}
