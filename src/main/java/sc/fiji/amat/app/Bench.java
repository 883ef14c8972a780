package sc.fiji.amat.app;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.AmatVersion;
import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackSettings;
import sc.fiji.amat.attack.AttackType;
import sc.fiji.amat.attack.AttackTypes;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.PgdType;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.ConvolutionBackend;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.engine.ProcessMemory;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.report.EvaluationPreset;
import sc.fiji.amat.report.ReportSettings;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.detection.BloodSmearSamples;
import sc.fiji.amat.task.detection.Boxes;
import sc.fiji.amat.task.detection.DetectionTask;
import sc.fiji.amat.task.landmarks.LandmarkSamples;
import sc.fiji.amat.task.landmarks.LandmarkTask;
import sc.fiji.amat.task.landmarks.Landmarks;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationSamples;
import sc.fiji.amat.task.segmentation.SegmentationTask;
import sc.fiji.amat.train.Thresholds;
import sc.fiji.amat.train.TrainingBenchmark;

/**
 * {@code bench}: per task (segmentation, landmarks, detection) the training-step times of every
 * method, interleaved, with medians and quartiles; attack throughput (PGD-T, PGD-20, the strong
 * evaluation preset); Java overhead; memory; optionally a whole report's time ({@code --report})
 * and native memory over 1,000 steps and repeated reports ({@code --long}). See docs/benchmarks.md.
 */
final class Bench {

	static final List<String> TASKS = Arrays.asList("segmentation", "landmarks", "detection");

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
		c.attackRepeats = args.getInt("attack-repeats", c.attackRepeats);
		c.overhead = !args.flag("no-overhead");
		final String taskList = args.get("tasks", String.join(",", TASKS));
		final List<String> tasks = taskList.equals("none") ? java.util.Collections.<String> emptyList() : Arrays.asList(
			taskList.split(","));
		final String extra = args.get("attacks", null);
		final boolean report = args.flag("report"), longRun = args.flag("long");
		final int longSteps = args.getInt("long-steps", 1000);
		args.done();
		for (final String t : tasks) {
			if (!TASKS.contains(t)) throw new sc.fiji.amat.AmatException("Unknown task '" + t + "' in --tasks: use " +
				String.join(", ", TASKS) + " (comma-separated), or none.");
		}
		if (c.repeats < 1 || c.attackRepeats < 1 || c.warmup < 0) {
			throw new sc.fiji.amat.AmatException("--repeats and --attack-repeats must be at least 1, --warmup at least 0.");
		}
		Engines.setThreads(c.threads, 1);
		Engines.prepareThread();
		final PrintStream out = System.out;
		printConfiguration(c, tasks, out);
		final long t0 = System.nanoTime();
		final List<TrainingBenchmark.Result> results = new ArrayList<>();
		for (final String t : tasks) {
			final Task<?> task = task(t, c);
			results.add(runTask(c, task, extra, out));
		}
		if (!results.isEmpty()) summary(results, out);
		if (report || longRun) BenchReport.run(c, longRun, longSteps, out);
		long peak = ProcessMemory.peakRss();
		for (final TrainingBenchmark.Result r : results) peak = Math.max(peak, r.peakRss);
		out.printf(Locale.ROOT, "%nbench finished in %.0f s; peak resident memory %.0f MiB (largest of the tasks' peaks " +
			"and the rest)%n", (System.nanoTime() - t0) / 1e9, ProcessMemory.mib(peak));
	}

	private static <L> TrainingBenchmark.Result runTask(final TrainingBenchmark.Config c, final Task<L> task,
		final String extra, final PrintStream out)
	{
		final LabeledData<L> data = data(task, c, c.batch);
		final Thresholds thresholds = new Thresholds(task.boundarySpec(), fill(task.boundarySpec().size(), 0.5f),
			"benchmark value");
		return TrainingBenchmark.run(c, task, data, thresholds, attacks(c, task, extra), out);
	}

	private static float[] fill(final int n, final float v) {
		final float[] a = new float[n];
		Arrays.fill(a, v);
		return a;
	}

	/** PGD-T, PGD-20 (when T is not 20), the strong preset's members as one unit, and any --attacks. */
	static List<TrainingBenchmark.TimedAttack> attacks(final TrainingBenchmark.Config c, final Task<?> task,
		final String extra)
	{
		final List<TrainingBenchmark.TimedAttack> out = new ArrayList<>();
		out.add(pgd(c.steps));
		if (c.steps != PgdType.STEPS) out.add(pgd(PgdType.STEPS));
		final ReportSettings strong = new ReportSettings().preset(EvaluationPreset.STRONG).resolve(task);
		final List<Attack> members = new ArrayList<>();
		for (final String m : strong.attacks) members.add(strong.attack(m));
		out.add(new TrainingBenchmark.TimedAttack("strong preset (" + String.join(" + ", strong.attacks) + ")",
			members));
		if (extra != null) {
			for (final String a : ReportSettings.parseAttacks(extra)) {
				final AttackType t = AttackTypes.get(a);
				final String label = (t.defaults().iterations() == null ? t.displayName() : t.displayName() + "-" + c.steps) +
					" attack";
				if (out.stream().noneMatch(x -> x.label().equals(label))) {
					out.add(new TrainingBenchmark.TimedAttack(label, Arrays.asList(AttackTypes.create(a, Norm.L2,
						AttackSettings.DEFAULTS.iterations(c.steps)))));
				}
			}
		}
		return out;
	}

	private static TrainingBenchmark.TimedAttack pgd(final int steps) {
		return new TrainingBenchmark.TimedAttack("PGD-" + steps + " attack", Arrays.asList(AttackTypes.create(PgdType.KEY, Norm.L2,
			AttackSettings.DEFAULTS.iterations(steps))));
	}

	static Task<?> task(final String name, final TrainingBenchmark.Config c) {
		final NetworkConfig net = new NetworkConfig(c.depth, c.width, c.norm);
		switch (name) {
			case "landmarks":
				return new LandmarkTask(LandmarkSamples.NAMES, new LandmarkSamples(c.size, 3).pixelSize(), 1, net);
			case "detection":
				return new DetectionTask(BloodSmearSamples.CLASSES, 3, net);
			default:
				return new SegmentationTask(Arrays.asList(SegmentationSamples.CLASSES), 1, net);
		}
	}

	/** {@code n} synthetic samples of the task (the demos' generators), z-scored per image. */
	@SuppressWarnings("unchecked")
	static <L> LabeledData<L> data(final Task<L> task, final TrainingBenchmark.Config c, final int n) {
		final int plane = c.size * c.size, channels = task.inputChannels();
		final float[] raw = new float[n * channels * plane];
		final List<Object> labels = new ArrayList<>();
		if (task instanceof SegmentationTask) {
			final SegmentationSamples gen = new SegmentationSamples(c.size, 3);
			for (int i = 0; i < n; i++) {
				final short[] im = new short[plane];
				final byte[] lab = new byte[plane];
				gen.sample(i, im, lab);
				for (int k = 0; k < plane; k++) raw[i * plane + k] = im[k] & 0xffff;
				labels.add(new Mask(lab, c.size, c.size));
			}
		}
		else if (task instanceof LandmarkTask) {
			final LandmarkSamples gen = new LandmarkSamples(c.size, 3);
			for (int i = 0; i < n; i++) {
				final byte[] im = new byte[plane];
				final Landmarks l = gen.sample(i, im);
				for (int k = 0; k < plane; k++) raw[i * plane + k] = im[k] & 0xff;
				labels.add(l);
			}
		}
		else {
			final BloodSmearSamples gen = new BloodSmearSamples(c.size, 3);
			for (int i = 0; i < n; i++) {
				final BloodSmearSamples.Sample s = gen.sample(i);
				for (int k = 0; k < plane; k++) {
					final int rgb = s.rgb[k];
					raw[(i * 3) * plane + k] = rgb >> 16 & 0xff;
					raw[(i * 3 + 1) * plane + k] = rgb >> 8 & 0xff;
					raw[(i * 3 + 2) * plane + k] = rgb & 0xff;
				}
				labels.add(s.boxes);
			}
		}
		final float[] norm = Normalization.zscore().apply(raw, n, channels, plane).values;
		return new LabeledData<>(norm, channels, c.size, c.size, (List<L>) labels);
	}

	private static void printConfiguration(final TrainingBenchmark.Config c, final List<String> tasks,
		final PrintStream out)
	{
		out.println("AMAT benchmark configuration");
		out.printf(Locale.ROOT, "  network: U-Net depth %d, width %d, %s norm; batch %d x C x %d x %d; T = %d PGD steps " +
			"in SAT and AMAT (eps 0.05 rms, AMAT from eps / 4)%n", c.depth, c.width, c.norm.name().toLowerCase(
				Locale.ROOT), c.batch, c.size, c.size, c.steps);
		out.printf(Locale.ROOT, "  tasks: %s; %d interleaved rounds after %d warm-up; attacks %d repeats%n", String.join(
			", ", tasks), c.repeats, c.warmup, c.attackRepeats);
		out.printf(Locale.ROOT, "  threads: %d PyTorch intra-op, 1 inter-op; %d processors visible to Java%n", c.threads,
			Runtime.getRuntime().availableProcessors());
		out.printf(Locale.ROOT, "  versions: AMAT %s, DJL %s, PyTorch %s, Java %s (%s), %s %s%n", AmatVersion.library(),
			AmatVersion.djl(), AmatVersion.pytorch(), System.getProperty("java.version"), System.getProperty("java.vm.name"),
			System.getProperty("os.name"), System.getProperty("os.arch"));
		out.printf(Locale.ROOT, "  CPU: %s; convolutions: %s; device %s; max heap %.0f MiB%n", cpuModel(),
			ConvolutionBackend.describe(), Engines.device("cpu"), ProcessMemory.mib(Runtime.getRuntime().maxMemory()));
	}

	private static String cpuModel() {
		final Path p = Paths.get("/proc/cpuinfo");
		try {
			for (final String l : Files.readAllLines(p, StandardCharsets.ISO_8859_1)) {
				if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).trim();
			}
		}
		catch (final java.io.IOException | RuntimeException e) {
			// not Linux
		}
		return System.getProperty("os.arch") + " (model unknown)";
	}

	private static void summary(final List<TrainingBenchmark.Result> results, final PrintStream out) {
		out.printf(Locale.ROOT, "%n== summary (medians; ms, attacks in images/s) ==%n");
		out.printf(Locale.ROOT, "%-13s %9s %9s %9s %14s %9s %9s %9s %8s%n", "task", "standard", "SAT", "AMAT",
			"AMAT/SAT [IQR]", "fwd+bwd", "PGD-20", "strong", "Java");
		for (final TrainingBenchmark.Result r : results) {
			final String ratio = r.amatOverSat == null ? "-" : String.format(Locale.ROOT, "%.3f [%.2f,%.2f]",
				r.amatOverSat.median, r.amatOverSat.q1, r.amatOverSat.q3);
			out.printf(Locale.ROOT, "%-13s %9.1f %9.1f %9.1f %14s %9.1f %9.2f %9.2f %8s%n", r.task, median(r,
				"standard"), median(r, "SAT"), median(r, "AMAT"), ratio, median(r, "forward + backward"), perSecond(r,
					"PGD-20"), perSecond(r, "strong"), r.outside.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * r.outside
						.values().iterator().next()));
		}
	}

	private static double median(final TrainingBenchmark.Result r, final String prefix) {
		for (final java.util.Map.Entry<String, sc.fiji.amat.train.Quartiles> e : r.times.entrySet()) {
			if (e.getKey().toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT))) return e.getValue().median;
		}
		return Double.NaN;
	}

	private static double perSecond(final TrainingBenchmark.Result r, final String prefix) {
		for (final java.util.Map.Entry<String, Double> e : r.imagesPerSecond.entrySet()) {
			if (e.getKey().startsWith(prefix)) return e.getValue();
		}
		return Double.NaN;
	}
}
