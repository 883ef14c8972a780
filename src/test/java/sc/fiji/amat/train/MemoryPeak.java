package sc.fiji.amat.train;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.nn.MemoryEstimate;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;

/**
 * Measures the peak resident memory of training steps on the CPU against {@link MemoryEstimate}
 * (Linux only: resets VmHWM through /proc/self/clear_refs after a warm-up). Not a test; run by
 * hand: {@code java -cp ... sc.fiji.amat.train.MemoryPeak SIZE BATCH standard|sat}. The numbers
 * are in docs/reliability.md.
 */
public final class MemoryPeak {

	private MemoryPeak() {}

	public static void main(final String[] args) throws Exception {
		final int size = Integer.parseInt(args[0]), batch = Integer.parseInt(args[1]);
		final boolean sat = args[2].equals("sat");
		Engines.setThreads(1, 1);
		final NetworkConfig net = new NetworkConfig(3, 16, NetworkConfig.Norm.BATCH);
		final SegmentationTask task = new SegmentationTask(SegmentationTask.defaultClassNames(2), 1, net);
		train(task, 16, 2, false); // warm-up: loads PyTorch and its kernels
		System.gc();
		Files.write(Paths.get("/proc/self/clear_refs"), "5".getBytes(StandardCharsets.US_ASCII));
		final long before = status("VmRSS");
		train(task, size, batch, sat);
		final long peak = status("VmHWM") - before;
		final long estimate = new MemoryEstimate(net, 1, 2).bytes(sat ? MemoryEstimate.Use.ADVERSARIAL_TRAINING
			: MemoryEstimate.Use.TRAINING, batch, size, size);
		System.out.printf(java.util.Locale.ROOT, "%s batch %d x 1 x %d x %d (%s): peak %d MiB above the warm baseline, " +
			"estimate %d MiB, estimate/peak %.2f%n", sat ? "SAT (PGD-3)" : "standard", batch, size, size, net, peak >> 20,
			estimate >> 20, estimate / (double) peak);
		System.exit(0);
	}

	private static void train(final SegmentationTask task, final int size, final int batch, final boolean sat) {
		final Random r = new Random(1);
		final float[] x = new float[batch * size * size];
		final List<Mask> masks = new ArrayList<>();
		for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
		for (int n = 0; n < batch; n++) {
			final byte[] m = new byte[size * size];
			for (int k = 0; k < m.length; k++) m[k] = (byte) (x[n * size * size + k] > 0 ? 1 : 0);
			masks.add(new Mask(m, size, size));
		}
		final TrainingSettings s = new TrainingSettings();
		s.epochs = 2;
		s.batchSize = batch;
		s.validationFraction = 0;
		final TrainingMethod method = sat ? new SatTraining(Norm.L2, 0.5f, 3, 2.5f, SatTraining.LossMode.MIXED, 0.5f, size *
			size) : new StandardTraining();
		new ModelTrainer<>(task, new LabeledData<>(x, 1, size, size, masks), Normalization.zscore(), s, method, null)
			.train().close();
	}

	private static long status(final String key) throws Exception {
		for (final String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
			if (line.startsWith(key + ":")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
		}
		throw new IllegalStateException(key);
	}
}
