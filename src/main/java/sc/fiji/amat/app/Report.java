package sc.fiji.amat.app;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.data.volume.MsdDataset;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.report.EvaluationPreset;
import sc.fiji.amat.report.ModelResult;
import sc.fiji.amat.report.ReportListener;
import sc.fiji.amat.report.ReportPart;
import sc.fiji.amat.report.ReportPartFormat;
import sc.fiji.amat.report.ReportResult;
import sc.fiji.amat.report.ReportSettings;
import sc.fiji.amat.report.ReportWriter;
import sc.fiji.amat.report.RobustnessReport;
import sc.fiji.amat.report.SanityChecks;
import sc.fiji.amat.report.SweepSelection;
import sc.fiji.amat.report.TestSet;

/**
 * {@code report}: evaluates model files under attacks on a labelled test set and writes the
 * robustness report (HTML, CSV, PNG plots and examples) into a folder. With {@code --slice K/N}
 * (or {@code --only-models}, {@code --only-attacks}, {@code --only-eps}) it evaluates only that
 * part of the sweep and writes a report part into the folder; {@code report-merge} builds the
 * report from all parts.
 */
final class Report {

	private Report() {}

	static void run(final Args args) {
		final String modelList = args.get("models", null);
		final String images = args.get("images", null);
		final String labels = args.get("labels", null);
		final Path out = Paths.get(args.get("out", "report"));
		final ReportSettings s = new ReportSettings();
		s.preset(EvaluationPreset.parse(args.get("evaluation", EvaluationPreset.STRONG.key())));
		final String attacks = args.get("attacks", null);
		if (attacks != null) s.attacks = ReportSettings.parseAttacks(attacks);
		s.norm = Norm.parse(args.get("norm", "L2"));
		final String unit = args.get("unit", null);
		if (unit != null) s.unit = EpsUnit.parse(unit);
		final String eps = args.get("eps", null);
		if (eps != null) s.eps = ReportSettings.parseEps(eps);
		s.pgdSteps = args.getInt("steps", s.pgdSteps);
		s.pgdAlpha = (float) args.getDouble("alpha", s.pgdAlpha);
		s.restarts = args.getInt("restarts", s.restarts);
		s.ifgsmSteps = args.getInt("ifgsm-steps", s.ifgsmSteps);
		s.apgdSteps = args.getInt("apgd-steps", s.apgdSteps);
		s.extraChecks = !args.flag("no-extra-checks");
		s.noiseDraws = args.getInt("noise-draws", s.noiseDraws);
		s.batchSize = args.getInt("batch", s.batchSize);
		s.tile = args.getInt("tile", s.tile);
		s.exampleCount = args.getInt("examples", s.exampleCount);
		final String exampleEps = args.get("example-eps", null);
		if (exampleEps != null) s.exampleEps = ReportSettings.parseEps(exampleEps)[0];
		s.exampleAttack = args.get("example-attack", null);
		s.device = args.get("device", "cpu");
		final String source = args.get("transfer-source", null);
		if (source != null) s.transferSource = source;
		s.seed = args.getInt("seed", (int) s.seed);
		final int threads = args.getInt("threads", Runtime.getRuntime().availableProcessors());
		final SweepSelection selection = selection(args.get("slice", null), args.get("only-models", null), args.get(
			"only-attacks", null), args.get("only-eps", null));
		args.done();
		if (modelList == null || images == null || labels == null && !MsdDataset.isDataset(Paths.get(images))) {
			throw new AmatException("report needs --models a.amat.zip,b.amat.zip --images test-images.tif --labels " +
				"test-labels.tif (or --images an MSD folder alone: its labelled test cases) and --out FOLDER; models may also be bioimage.io packages (zip or folder), " +
				"TorchScript (.pt) or ONNX (.onnx) files with a JSON description beside them, ONNX ones with --transfer-source MODEL for gradient attacks.");
		}
		final List<Path> models = new ArrayList<>();
		for (final String m : modelList.split(",")) {
			if (!m.trim().isEmpty()) models.add(Paths.get(m.trim()));
		}
		Engines.setThreads(threads, 1);
		if (models.isEmpty()) throw new AmatException("--models names no model file.");
		// an output that cannot be written is refused before the evaluation, not after it
		if (selection == null) ReportWriter.checkTarget(out);
		else ReportPartFormat.checkTarget(out);
		final String task = AmatModel.readInfo(models.get(0)).task;
		final TestSet<?> test = TestSet.fromFiles(task, Paths.get(images), labels == null ? null : Paths.get(labels));
		if (selection != null) {
			final ReportPart part = RobustnessReport.evaluatePart(models, test, s, selection,
				new ConsoleReportListener(System.out));
			ReportPartFormat.write(part, out);
			System.out.printf(Locale.ROOT, "report part (%s): %d of the sweep's %d units in %.1f s, written to %s%n", part
				.selection(), part.units().size(), part.sweepSize(), part.seconds(), out.toAbsolutePath());
			System.out.println("merge all parts with: scripts/amat report-merge --out REPORT_FOLDER PART_FOLDER...");
			return;
		}
		final ReportResult r = RobustnessReport.evaluate(models, test, s, new ConsoleReportListener(System.out));
		final Path html = ReportWriter.write(r, out, null);
		printScores(r, System.out);
		System.out.println("report: " + html);
	}

	/** The selection of a split report, or null for the whole report in one run. */
	static SweepSelection selection(final String slice, final String models, final String attacks, final String eps) {
		if (slice == null && models == null && attacks == null && eps == null) return null;
		SweepSelection s = slice == null ? SweepSelection.all() : SweepSelection.slice(slice);
		if (models != null) s = s.models(models.split(","));
		if (attacks != null) s = s.attacks(attacks.split(","));
		if (eps != null) s = s.eps(ReportSettings.parseEps(eps));
		return s;
	}

	/**
	 * {@code report-merge --out DIR PART...}: builds the report from the parts of a split report
	 * (each PART a part folder, or a folder whose sub-folders are parts).
	 */
	static void merge(final String[] argv, final int from) {
		Path out = null;
		final List<Path> parts = new ArrayList<>();
		for (int i = from; i < argv.length; i++) {
			if (argv[i].equals("--out") && i + 1 < argv.length) out = Paths.get(argv[++i]);
			else if (argv[i].startsWith("--")) throw new AmatException("Unknown option " + argv[i] +
				": report-merge takes --out REPORT_FOLDER and part folders.");
			else parts.addAll(partFolders(Paths.get(argv[i])));
		}
		if (out == null || parts.isEmpty()) {
			throw new AmatException("report-merge needs --out REPORT_FOLDER and the part folders (or a folder of them).");
		}
		final List<ReportPart> read = new ArrayList<>();
		for (final Path p : parts) read.add(ReportPartFormat.read(p));
		final ReportResult r = RobustnessReport.merge(read);
		final Path html = ReportWriter.write(r, out, null);
		System.out.printf(Locale.ROOT, "merged %d parts (%.1f s of evaluation in all)%n", read.size(), r.seconds());
		printScores(r, System.out);
		System.out.println("report: " + html);
	}

	/** A part folder itself, or the part folders directly inside a folder (sorted by name). */
	static List<Path> partFolders(final Path p) {
		if (java.nio.file.Files.isRegularFile(p.resolve(ReportPartFormat.INFO))) {
			return java.util.Collections.singletonList(p);
		}
		if (!java.nio.file.Files.isDirectory(p)) throw new AmatException("The part folder " + p + " does not exist.");
		final List<Path> out = new ArrayList<>();
		try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(p)) {
			s.filter(c -> java.nio.file.Files.isRegularFile(c.resolve(ReportPartFormat.INFO))).sorted().forEach(out::add);
		}
		catch (final java.io.IOException e) {
			throw new AmatException("Cannot read the folder " + p + ": " + e.getMessage(), e);
		}
		if (out.isEmpty()) throw new AmatException(p + " is not a report part and holds none.");
		return out;
	}

	/** Prints the score table and the sanity flags. */
	static void printScores(final ReportResult r, final java.io.PrintStream out) {
		final List<String> attacks = r.scoredAttacks();
		final String metric = r.models().get(0).primaryMetric;
		final StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-24s %-8s %10s", "model", "method",
			"clean " + metric));
		for (final String a : attacks) head.append(String.format(Locale.ROOT, " %11s", a));
		out.println("robustness score = sqrt(clean " + metric + " x normalised area under the " + metric +
			"-vs-eps curve), eps " + r.eps.list() + " " + r.eps.unitName() + " (" + r.eps.describeUnit() + ")");
		out.println(head);
		for (final ModelResult m : r.models()) {
			final StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-24s %-8s %10.4f", m.name, m
				.method(), m.cleanMetric()));
			for (final String a : attacks) line.append(String.format(Locale.ROOT, " %11.4f", m.score(a).score));
			out.println(line);
		}
		final List<SanityChecks.Flag> flags = r.flags();
		if (flags.isEmpty()) out.println("sanity checks: no sign of gradient masking in any model");
		for (final SanityChecks.Flag f : flags) out.println((f.isWarning() ? "WARNING " : "note ") + f);
	}

	/** One line per evaluated level, and a line per tenth of progress. */
	static final class ConsoleReportListener implements ReportListener {

		private final java.io.PrintStream out;

		ConsoleReportListener(final java.io.PrintStream out) {
			this.out = out;
		}

		@Override
		public void started(final String plan) {
			out.println("report: " + plan);
		}

		@Override
		public void evaluated(final String model, final String attack, final double eps, final String metric,
			final double mean)
		{
			out.printf(Locale.ROOT, "  %-24s %-6s eps %-8s %s %.4f%n", model, attack, trim(eps), metric, mean);
		}

		@Override
		public void message(final String text) {
			out.println(text);
		}

		private static String trim(final double v) {
			final String s = String.format(Locale.ROOT, "%.4g", v);
			return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
		}
	}
}
