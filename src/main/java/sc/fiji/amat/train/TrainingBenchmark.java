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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackTarget;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.NativeSampler;
import sc.fiji.amat.engine.ProcessMemory;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Task;

/**
 * Times, on one task's U-Net and one batch in one run, a training step of every training method
 * ({@link TrainingMethods}: standard, SAT, AMAT and any other), a forward pass and a forward +
 * backward pass with respect to the input: all interleaved round by round after a common warm-up,
 * so a drift in the machine's load touches every measure alike; then the given attacks (their
 * throughput in images per second), the share of a training step spent outside PyTorch's native
 * calls, and the process's memory. Prints medians with interquartile ranges, and AMAT/SAT both as
 * the ratio of the medians and as the quartiles of the ratios of the same round.
 */
public final class TrainingBenchmark {

	/** The shape of the benchmark; printed with the results so it can be reproduced elsewhere. */
	public static final class Config {

		public int size = 128, depth = 3, width = 16, batch = 8, steps = 10, threads = 1, repeats = 10, warmup = 2,
				attackRepeats = 3;
		public NetworkConfig.Norm norm = NetworkConfig.Norm.BATCH;
		/** Whether to sample the training thread for the share of time outside native calls. */
		public boolean overhead = true;
	}

	/** Attacks timed as one unit (e.g. a preset's members one after the other) under a label. */
	public static final class TimedAttack {

		final String label;
		final List<Attack> members;

		public TimedAttack(final String label, final List<Attack> members) {
			this.label = label;
			this.members = new ArrayList<>(members);
		}

		public String label() {
			return label;
		}
	}

	/** One task's medians, for a summary across tasks (ms; images per second for attacks). */
	public static final class Result {

		public final String task;
		public final Map<String, Quartiles> times = new LinkedHashMap<>();
		public final Map<String, Double> imagesPerSecond = new LinkedHashMap<>();
		public final Map<String, Double> outside = new LinkedHashMap<>();
		public Quartiles amatOverSat;
		public long parameters;
		/** Peak resident memory during this task, bytes (-1 unknown). */
		public long peakRss = -1;

		Result(final String task) {
			this.task = task;
		}
	}

	static final String FORWARD = "forward (eval)", FORWARD_BACKWARD = "forward + backward w.r.t. input";

	private TrainingBenchmark() {}

	/**
	 * Times every method and the attacks on the task's network and the first {@code c.batch}
	 * samples of {@code data}; AMAT tests its boundary against {@code thresholds}.
	 */
	public static <L> Result run(final Config c, final Task<L> task, final LabeledData<L> data,
		final Thresholds thresholds, final List<TimedAttack> attacks, final PrintStream out)
	{
		final int[] pos = range(c.batch);
		final Result result = new Result(task.type());
		ProcessMemory.resetPeaks();
		final List<TrainingMethodType> types = TrainingMethods.all();
		final List<TrainingSession<L>> sessions = new ArrayList<>();
		try {
			for (final TrainingMethodType type : types) {
				final TrainingSettings s = settings(c);
				final TrainingMethod method = type.create(recipe(c, thresholds), new TrainingRun<>(task, data, Normalization
					.zscore(), s, null));
				method.begin(range(c.batch));
				method.startEpoch(1);
				sessions.add(new ModelTrainer<>(task, data, Normalization.zscore(), s, method, null).openForBenchmark());
			}
			for (final Pair<String, Parameter> p : sessions.get(0).model.getBlock().getParameters()) {
				result.parameters += p.getValue().getArray().size();
			}
			out.printf(Locale.ROOT, "%n== %s: %s, %,d parameters, batch %d x %d x %d x %d, T = %d ==%n", task.type(), task
				.network(), result.parameters, c.batch, data.channels(), c.size, c.size, c.steps);
			final Probe<L> probe = new Probe<>(sessions.get(0), task, data, pos);
			// rounds: warm-up rounds are dropped; the methods' order turns each round
			final int n = types.size();
			final double[][] step = new double[n][c.repeats];
			final double[] fwd = new double[c.repeats], fwdBwd = new double[c.repeats];
			for (int r = -c.warmup; r < c.repeats; r++) {
				for (int k = 0; k < n; k++) {
					final int m = Math.floorMod(k + r, n);
					final long t0 = System.nanoTime();
					sessions.get(m).step(data, pos);
					if (r >= 0) step[m][r] = ms(t0);
				}
				final double f = probe.forward(), fb = probe.forwardBackward();
				if (r >= 0) {
					fwd[r] = f;
					fwdBwd[r] = fb;
				}
			}
			out.printf(Locale.ROOT, "%-36s %9s %9s %9s  (ms, %d interleaved rounds after %d warm-up)%n", "measure",
				"median", "q1", "q3", c.repeats, c.warmup);
			for (int m = 0; m < n; m++) {
				line(out, result, types.get(m).displayName() + " training step", Quartiles.of(step[m]));
			}
			line(out, result, FORWARD, Quartiles.of(fwd));
			line(out, result, FORWARD_BACKWARD, Quartiles.of(fwdBwd));
			ratios(c, types, step, fwdBwd, result, out);
			final NoiseBudget budget = NoiseBudget.of(0.05, Norm.L2);
			timeAttacks(c, probe, attacks, budget.toAbsolute(data.sampleSize(), null), result, out);
			if (c.overhead) overhead(types, sessions, data, pos, result, out);
			result.peakRss = ProcessMemory.peakRss();
			out.printf(Locale.ROOT, "memory (this task): peak heap in use %.0f MiB; resident now %.0f MiB, peak (VmHWM) " +
				"%.0f MiB; native now ~ %.0f MiB (resident minus heap in use)%n", ProcessMemory.mib(ProcessMemory.peakHeap()),
				ProcessMemory.mib(ProcessMemory.rss()), ProcessMemory.mib(result.peakRss), ProcessMemory.mib(ProcessMemory
					.nativeEstimate()));
			return result;
		}
		finally {
			for (final TrainingSession<L> s : sessions) {
				s.trainer.close();
				s.model.close();
			}
		}
	}

	private static void line(final PrintStream out, final Result result, final String label, final Quartiles q) {
		result.times.put(label, q);
		out.printf(Locale.ROOT, "%-36s %9.1f %9.1f %9.1f%n", label, q.median, q.q1, q.q3);
	}

	private static void ratios(final Config c, final List<TrainingMethodType> types, final double[][] step,
		final double[] fwdBwd, final Result result, final PrintStream out)
	{
		int std = -1, sat = -1, amat = -1;
		for (int m = 0; m < types.size(); m++) {
			final String k = types.get(m).key();
			if (k.equals(StandardTraining.KEY)) std = m;
			if (k.equals(SatTraining.KEY)) sat = m;
			if (k.equals(AmatTraining.KEY)) amat = m;
		}
		if (sat >= 0 && amat >= 0) {
			final Quartiles paired = Quartiles.ofRatios(step[amat], step[sat]);
			result.amatOverSat = paired;
			out.printf(Locale.ROOT, "ratio AMAT/SAT: of medians %.3f; per round median %.3f, IQR [%.3f, %.3f], <= 1.05 " +
				"in %.0f%% of rounds (target <= 1.05)%n", Quartiles.of(step[amat]).median / Quartiles.of(step[sat]).median,
				paired.median, paired.q1, paired.q3, 100 * Quartiles.fractionAtMost(ratios(step[amat], step[sat]), 1.05));
		}
		if (sat >= 0 && std >= 0) {
			final Quartiles q = Quartiles.ofRatios(step[sat], step[std]);
			out.printf(Locale.ROOT, "ratio SAT/standard: per round median %.2f, IQR [%.2f, %.2f] (target <= 1.1 x (T + 1) " +
				"= %.1f)%n", q.median, q.q1, q.q3, 1.1 * (c.steps + 1));
		}
		if (std >= 0) {
			final Quartiles q = Quartiles.ofRatios(step[std], fwdBwd);
			out.printf(Locale.ROOT, "ratio standard step/(forward + backward w.r.t. input): per round median %.2f, IQR " +
				"[%.2f, %.2f] (about 2 expected)%n", q.median, q.q1, q.q3);
		}
	}

	private static double[] ratios(final double[] a, final double[] b) {
		final double[] r = new double[a.length];
		for (int i = 0; i < r.length; i++) r[i] = a[i] / b[i];
		return r;
	}

	/** Each attack (group) c.attackRepeats times, interleaved, after one warm-up pass. */
	private static <L> void timeAttacks(final Config c, final Probe<L> probe, final List<TimedAttack> attacks,
		final float eps, final Result result, final PrintStream out)
	{
		if (attacks.isEmpty()) return;
		final double[][] t = new double[attacks.size()][c.attackRepeats];
		for (int r = -1; r < c.attackRepeats; r++) {
			for (int a = 0; a < attacks.size(); a++) {
				double sum = 0;
				for (final Attack member : attacks.get(a).members) sum += probe.attack(member, eps);
				if (r >= 0) t[a][r] = sum;
			}
		}
		out.printf(Locale.ROOT, "%-36s %9s %9s %9s %11s  (eval mode, eps 0.05 rms, %d repeats after 1 warm-up)%n",
			"attack on one batch", "median", "q1", "q3", "images/s", c.attackRepeats);
		final Quartiles fb = result.times.get(FORWARD_BACKWARD);
		for (int a = 0; a < attacks.size(); a++) {
			final Quartiles q = Quartiles.of(t[a]);
			final double ips = c.batch / (q.median / 1000);
			final TimedAttack ta = attacks.get(a);
			result.times.put(ta.label, q);
			result.imagesPerSecond.put(ta.label, ips);
			out.printf(Locale.ROOT, "%-36s %9.1f %9.1f %9.1f %11.2f  (%.1f x forward + backward)%n", ta.label, q.median,
				q.q1, q.q3, ips, q.median / fb.median);
		}
	}

	/**
	 * Repeats each method's step with the training thread sampled every 0.5 ms (apart from the
	 * timed rounds: sampling slows the thread a little) and prints the share outside native calls.
	 */
	private static <L> void overhead(final List<TrainingMethodType> types, final List<TrainingSession<L>> sessions,
		final LabeledData<L> data, final int[] pos, final Result result, final PrintStream out)
	{
		final StringBuilder sb = new StringBuilder();
		for (int m = 0; m < types.size(); m++) {
			final TrainingSession<L> s = sessions.get(m);
			// at least 3 steps and 0.5 s of samples
			final long t0 = System.nanoTime();
			try (NativeSampler sampler = NativeSampler.onCurrentThread(500)) {
				for (int i = 0; i < 3 || System.nanoTime() - t0 < 500_000_000L; i++) s.step(data, pos);
				result.outside.put(types.get(m).displayName(), sampler.outsideFraction());
				sb.append(String.format(Locale.ROOT, "%s%s %.1f%% (%d samples)", sb.length() == 0 ? "" : ", ", types.get(m)
					.displayName(), 100 * sampler.outsideFraction(), sampler.samples()));
			}
		}
		out.println("time outside PyTorch's native calls (Java overhead; target <= 10%): " + sb);
	}

	/** Standard steps while the resident memory is recorded: prints it every {@code every} steps and its slope. */
	public static <L> void memoryRun(final Config c, final Task<L> task, final LabeledData<L> data, final int steps,
		final int every, final PrintStream out)
	{
		final TrainingSession<L> s = new ModelTrainer<>(task, data, Normalization.zscore(), settings(c),
			new StandardTraining(), null).openForBenchmark();
		try {
			final int[] pos = range(c.batch);
			final List<double[]> points = new ArrayList<>();
			out.printf(Locale.ROOT, "%nnative memory over %d standard training steps (%s):%n", steps, task.type());
			for (int i = 1; i <= steps; i++) {
				s.step(data, pos);
				if (i % every == 0) {
					final double rss = ProcessMemory.mib(ProcessMemory.rss());
					points.add(new double[] { i, rss });
					out.printf(Locale.ROOT, "  step %5d: resident %.1f MiB, native ~ %.1f MiB, heap in use %.1f MiB, committed " +
						"%.1f MiB%n", i, rss, ProcessMemory.mib(ProcessMemory.nativeEstimate()), ProcessMemory.mib(ProcessMemory
							.heapUsed()), ProcessMemory.mib(ProcessMemory.heapCommitted()));
				}
			}
			// the first half holds the warm-up (allocator pools, the heap's pages touched for the first time)
			final int half = points.size() / 2;
			out.printf(Locale.ROOT, "  slope of resident memory over steps %d to %d: %.2f MiB per 1,000 steps (flat: near " +
				"0)%n", half == 0 ? every : (int) points.get(half)[0], steps, slope(points.subList(half, points.size())) * 1000);
		}
		finally {
			s.trainer.close();
			s.model.close();
		}
	}

	/** The least-squares slope of y over x (NaN for fewer than two points). */
	static double slope(final List<double[]> xy) {
		if (xy.size() < 2) return Double.NaN;
		double mx = 0, my = 0;
		for (final double[] p : xy) {
			mx += p[0];
			my += p[1];
		}
		mx /= xy.size();
		my /= xy.size();
		double sxy = 0, sxx = 0;
		for (final double[] p : xy) {
			sxy += (p[0] - mx) * (p[1] - my);
			sxx += (p[0] - mx) * (p[0] - mx);
		}
		return sxy / sxx;
	}

	private static TrainingRecipe recipe(final Config c, final Thresholds thresholds) {
		// SAT at eps 0.05 rms, AMAT from delta = eps / 4 with a fixed threshold
		final NoiseBudget budget = NoiseBudget.of(0.05, Norm.L2);
		final TrainingRecipe recipe = new TrainingRecipe();
		recipe.steps = c.steps;
		recipe.satEps = budget.value();
		recipe.amatDelta = budget.value() / 4;
		recipe.thresholds = thresholds;
		return recipe;
	}

	private static TrainingSettings settings(final Config c) {
		final TrainingSettings s = new TrainingSettings();
		s.batchSize = c.batch;
		s.validationFraction = 0;
		return s;
	}

	private static double ms(final long t0) {
		return (System.nanoTime() - t0) / 1e6;
	}

	private static int[] range(final int n) {
		final int[] r = new int[n];
		for (int i = 0; i < n; i++) r[i] = i;
		return r;
	}

	/** Forward, forward + backward w.r.t. the input and attacks, in evaluation mode, on one session's model. */
	private static final class Probe<L> {

		final TrainingSession<L> session;
		final AttackTarget<L> target;
		final NDManager manager;
		final NDArray x;
		final NDList y;

		Probe(final TrainingSession<L> session, final Task<L> task, final LabeledData<L> data, final int[] pos) {
			this.session = session;
			target = new AttackTarget<>(session.model.getBlock(), session.amatModel.parameterStore(), task, false, null);
			manager = session.model.getNDManager().newSubManager();
			x = data.batch(manager, pos);
			y = task.encodeLabels(manager, data.labels(pos), data.height(), data.width());
		}

		double forward() {
			final long t0 = System.nanoTime();
			try (NDManager it = manager.newSubManager()) {
				final NDArray xi = x.duplicate();
				xi.attach(it);
				session.amatModel.forward(xi, false).singletonOrThrow().getFloat(0, 0, 0, 0);
			}
			return ms(t0);
		}

		double forwardBackward() {
			final long t0 = System.nanoTime();
			try (NDManager it = manager.newSubManager(); AttackTarget.Frozen f = target.freeze()) {
				final NDArray xi = x.duplicate();
				xi.attach(it);
				xi.setRequiresGradient(true);
				try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
					gc.backward(target.loss(target.forward(xi), y).sum());
				}
				xi.getGradient().getFloat(0, 0, 0, 0);
			}
			return ms(t0);
		}

		double attack(final Attack a, final float eps) {
			final float[] e = new float[(int) x.getShape().get(0)];
			Arrays.fill(e, eps);
			final long t0 = System.nanoTime();
			try (NDManager it = manager.newSubManager()) {
				final NDArray xi = x.duplicate();
				xi.attach(it);
				a.perturb(target, xi, y, e).getFloat(0, 0, 0, 0);
			}
			return ms(t0);
		}
	}
}
