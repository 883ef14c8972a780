package sc.fiji.amat.app;

import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.report.ReportSettings;
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
		TrainingBenchmark.run(c, System.out);
	}
}
