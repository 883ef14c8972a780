package sc.fiji.amat.app;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.report.ReportSettings;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationSamples;
import sc.fiji.amat.task.segmentation.SegmentationTask;
import sc.fiji.amat.train.Thresholds;
import sc.fiji.amat.train.TrainingBenchmark;

/** {@code bench}: training-step timings of every training method and attack timings on one U-Net and batch. */
final class Bench {

	private Bench() {}

	static void run(final Args args) {
		final TrainingBenchmark.Config c = new TrainingBenchmark.Config();
		c.size = args.getInt("size", c.size);
		c.depth = args.getInt("depth", c.depth);
		c.width = args.getInt("width", c.width);
		c.norm = NetworkConfig.Norm.parse(args.get("norm", "batch"));
		c.batch = args.getInt("batch", c.batch);
		c.steps = args.getInt("steps", c.steps);
		c.threads = args.getInt("threads", c.threads);
		c.repeats = args.getInt("repeats", c.repeats);
		c.warmup = args.getInt("warmup", c.warmup);
		final String attacks = args.get("attacks", null);
		if (attacks != null) c.attacks = ReportSettings.parseAttacks(attacks);
		args.done();
		Engines.setThreads(c.threads, 1);
		final SegmentationTask task = new SegmentationTask(Arrays.asList(SegmentationSamples.CLASSES), 1,
			new NetworkConfig(c.depth, c.width, c.norm));
		TrainingBenchmark.run(c, task, data(c), new Thresholds(task.boundarySpec(), new float[] { 0.5f },
			"benchmark value"), System.out);
	}

	/** The benchmark's batch: synthetic segmentation images of the configured size, z-scored. */
	private static LabeledData<Mask> data(final TrainingBenchmark.Config c) {
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
}
