package sc.fiji.amat.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.ProcessMemory;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.report.ReportListener;
import sc.fiji.amat.report.ReportResult;
import sc.fiji.amat.report.ReportSettings;
import sc.fiji.amat.report.RobustnessReport;
import sc.fiji.amat.report.TestSet;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.train.ModelTrainer;
import sc.fiji.amat.train.StandardTraining;
import sc.fiji.amat.train.TrainingBenchmark;
import sc.fiji.amat.train.TrainingSettings;

/**
 * The bench's optional parts on segmentation: a whole report's time (default settings: the
 * strong preset, default eps levels) on a small fixed set, one model trained for one epoch; with
 * {@code --long}, native memory over many training steps and over three reports in a row.
 */
final class BenchReport {

	/** Test images of the report (two batches of 8). */
	static final int REPORT_IMAGES = 16;

	private BenchReport() {}

	static void run(final TrainingBenchmark.Config c, final boolean longRun, final int longSteps, final PrintStream out) {
		final Task<?> task = Bench.task("segmentation", c);
		ProcessMemory.resetPeaks();
		if (longRun) TrainingBenchmark.memoryRun(c, cast(task), Bench.data(cast(task), c, c.batch), longSteps, Math.max(1,
			longSteps / 10), out);
		reports(c, cast(task), longRun ? 3 : 1, out);
	}

	@SuppressWarnings("unchecked")
	private static <L> Task<L> cast(final Task<?> t) {
		return (Task<L>) t;
	}

	private static <L> void reports(final TrainingBenchmark.Config c, final Task<L> task, final int runs,
		final PrintStream out)
	{
		final LabeledData<L> data = Bench.data(task, c, REPORT_IMAGES);
		Path dir = null;
		try {
			dir = Files.createTempDirectory("amat-bench");
			final TrainingSettings s = new TrainingSettings();
			s.epochs = 1;
			s.batchSize = c.batch;
			s.validationFraction = 0;
			final Path model = dir.resolve("standard.amat.zip");
			try (AmatModel m = new ModelTrainer<>(task, data, Normalization.zscore(), s, new StandardTraining(), null)
				.train())
			{
				m.save(model);
			}
			final TestSet<L> test = TestSet.of(task.type(), "bench", data);
			out.printf(Locale.ROOT, "%nwhole report: 1 %s model, %d test images %d x %d, default settings (strong preset)" +
				"%n", task.type(), REPORT_IMAGES, c.size, c.size);
			for (int r = 1; r <= runs; r++) {
				final long t0 = System.nanoTime();
				final StringBuilder trace = new StringBuilder();
				final ReportResult result = RobustnessReport.evaluate(Collections.singletonList(model), test,
					new ReportSettings(), new ReportListener() {

						private double next;

						@Override
						public void progress(final double fraction, final String status, final double secondsLeft) {
							// resident memory at every tenth of the report
							if (fraction + 1e-9 < next) return;
							trace.append(String.format(Locale.ROOT, " %.0f%%: %.0f", 100 * fraction, ProcessMemory.mib(
								ProcessMemory.rss())));
							next = Math.floor(fraction * 10 + 1e-9) / 10 + 0.1;
						}
					});
				out.println("  resident memory during report " + r + " (MiB at % done):" + trace);
				out.printf(Locale.ROOT, "  report %d: %.1f s (eps %s); resident after it %.1f MiB, native ~ %.1f MiB, " +
					"peak resident %.1f MiB%n", r, (System.nanoTime() - t0) / 1e9, result.eps.list(), ProcessMemory
						.mib(ProcessMemory.rss()), ProcessMemory.mib(ProcessMemory.nativeEstimate()), ProcessMemory.mib(
							ProcessMemory.peakRss()));
			}
		}
		catch (final IOException e) {
			throw new AmatException("The bench could not write its temporary model: " + e.getMessage(), e);
		}
		finally {
			if (dir != null) delete(dir);
		}
	}

	private static void delete(final Path dir) {
		try (Stream<Path> s = Files.walk(dir)) {
			s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		}
		catch (final IOException e) {
			// a temporary folder left behind
		}
	}
}
