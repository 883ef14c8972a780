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
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.attack.AttackTarget;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.Pgd;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.sample.SegmentationSamples;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;

/**
 * Times, on one U-Net and one batch in one run: a standard training step, a SAT step, an AMAT
 * step, a PGD-T attack, a forward pass and a forward + backward pass with respect to the input;
 * prints the times and the ratios AMAT/SAT, SAT/standard and attack/(forward+backward).
 */
public final class TrainingBenchmark {

	/** The shape of the benchmark; printed with the results so it can be reproduced elsewhere. */
	public static final class Config {

		public int size = 128, depth = 3, width = 16, batch = 8, steps = 20, threads = 1, repeats = 5, warmup = 2;
		public NetworkConfig.Norm norm = NetworkConfig.Norm.BATCH;
	}

	private TrainingBenchmark() {}

	public static void run(final Config c, final PrintStream out) {
		final NetworkConfig net = new NetworkConfig(c.depth, c.width, c.norm);
		final LabeledData<Mask> data = data(c);
		final SegmentationTask task = new SegmentationTask(Arrays.asList(SegmentationSamples.CLASSES), 1, net);
		final int values = data.sampleSize();
		final NoiseBudget budget = NoiseBudget.of(0.05, Norm.L2);
		final float eps = budget.toAbsolute(values, null);
		final Thresholds thresholds = new Thresholds(task.boundarySpec(), new float[] { 0.5f }, "benchmark value");

		final TrainingMethod standard = new StandardTraining();
		final TrainingMethod sat = new SatTraining(Norm.L2, eps, c.steps, 4, SatTraining.LossMode.MIXED, 0.5f, values);
		final AmatTraining.Settings as = new AmatTraining.Settings(budget.withValue(budget.value() / 4));
		as.steps = c.steps;
		final AmatTraining amat = new AmatTraining(as, thresholds, values);
		amat.begin(range(c.batch));
		amat.startEpoch(1);

		final int[] pos = range(c.batch);
		final double tStd = timeSteps(task, data, standard, c, pos, null);
		final double tSat = timeSteps(task, data, sat, c, pos, null);
		final long[] params = new long[1];
		final double tAmat = timeSteps(task, data, amat, c, pos, params);
		final double[] attack = timeAttack(task, data, c, pos, eps);

		out.printf(Locale.ROOT, "AMAT benchmark: U-Net depth %d width %d %s norm, %,d parameters, batch %d x 1 x %d x %d, " +
			"T = %d, %d PyTorch thread(s) (interop 1), %d repeats after %d warm-up, device %s%n", c.depth, c.width, c.norm
				.name().toLowerCase(Locale.ROOT), params[0], c.batch, c.size, c.size, c.steps, c.threads, c.repeats,
			c.warmup, Engines.device("cpu"));
		out.printf(Locale.ROOT, "%-34s %10s%n", "measure", "ms");
		out.printf(Locale.ROOT, "%-34s %10.1f%n", "forward (eval)", attack[0]);
		out.printf(Locale.ROOT, "%-34s %10.1f%n", "forward + backward w.r.t. input", attack[1]);
		out.printf(Locale.ROOT, "%-34s %10.1f%n", "PGD-" + c.steps + " attack (eval mode)", attack[2]);
		out.printf(Locale.ROOT, "%-34s %10.1f%n", "standard training step", tStd);
		out.printf(Locale.ROOT, "%-34s %10.1f%n", "SAT training step", tSat);
		out.printf(Locale.ROOT, "%-34s %10.1f%n", "AMAT training step", tAmat);
		out.printf(Locale.ROOT, "ratio AMAT/SAT                %6.3f   (target <= 1.05)%n", tAmat / tSat);
		out.printf(Locale.ROOT, "ratio SAT/standard            %6.2f   (target <= 1.1 x (T + 1) = %.1f)%n", tSat / tStd,
			1.1 * (c.steps + 1));
		out.printf(Locale.ROOT, "ratio attack/(forward+backward) %4.2f   (T = %d steps)%n", attack[2] / attack[1],
			c.steps);
	}

	private static LabeledData<Mask> data(final Config c) {
		final SegmentationSamples gen = new SegmentationSamples(c.size, 3);
		final float[] raw = new float[c.batch * c.size * c.size];
		final List<Mask> masks = new ArrayList<>();
		for (int i = 0; i < c.batch; i++) {
			final short[] im = new short[c.size * c.size];
			final byte[] lab = new byte[c.size * c.size];
			gen.sample(i, im, lab);
			for (int k = 0; k < im.length; k++) raw[i * im.length + k] = im[k] & 0xffff;
			masks.add(new Mask(lab, c.size, c.size));
		}
		final float[] norm = Normalization.zscore().apply(raw, c.batch, 1, c.size * c.size).values;
		return new LabeledData<>(norm, 1, c.size, c.size, masks);
	}

	private static double timeSteps(final SegmentationTask task, final LabeledData<Mask> data,
		final TrainingMethod method, final Config c, final int[] pos, final long[] paramCount)
	{
		final TrainingSettings s = new TrainingSettings();
		s.batchSize = c.batch;
		s.validationFraction = 0;
		final ModelTrainer<Mask> trainer = new ModelTrainer<>(task, data, Normalization.zscore(), s, method, null);
		final ModelTrainer<Mask>.Session session = trainer.openForBenchmark();
		try {
			if (paramCount != null) {
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

	/** Forward, forward + backward w.r.t. the input, and PGD-T, in evaluation mode: ms each. */
	private static double[] timeAttack(final SegmentationTask task, final LabeledData<Mask> data, final Config c,
		final int[] pos, final float eps)
	{
		final TrainingSettings s = new TrainingSettings();
		s.batchSize = c.batch;
		s.validationFraction = 0;
		final ModelTrainer<Mask> trainer = new ModelTrainer<>(task, data, Normalization.zscore(), s,
			new StandardTraining(), null);
		final ModelTrainer<Mask>.Session session = trainer.openForBenchmark();
		try (NDManager m = session.model.getNDManager().newSubManager()) {
			final AttackTarget<Mask> target = new AttackTarget<>(session.model.getBlock(), session.amatModel
				.parameterStore(), task, false, null);
			final NDArray x = data.batch(m, pos);
			final NDList y = task.encodeLabels(m, data.labels(pos), data.height(), data.width());
			final float[] e = new float[pos.length];
			Arrays.fill(e, eps);
			final Pgd pgd = Pgd.pgd(Norm.L2, c.steps, 4);
			final double[] out = new double[3];
			for (int phase = 0; phase < 2; phase++) {
				final int n = phase == 0 ? c.warmup : c.repeats;
				final long[] t = new long[3];
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
					t0 = System.nanoTime();
					try (NDManager it = m.newSubManager()) {
						final NDArray xi = x.duplicate();
						xi.attach(it);
						pgd.perturb(target, xi, y, e).getFloat(0, 0, 0, 0);
					}
					t[2] += System.nanoTime() - t0;
				}
				if (phase == 1) for (int k = 0; k < 3; k++) out[k] = t[k] / 1e6 / n;
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
