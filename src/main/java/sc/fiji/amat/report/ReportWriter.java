package sc.fiji.amat.report;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ColorProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;

import sc.fiji.amat.AtomicFiles;
import sc.fiji.amat.AmatException;
import sc.fiji.amat.AmatVersion;

/**
 * Writes a {@link ReportResult} into a folder: {@code report.html} (self-contained: images
 * embedded), {@code report.csv} (the long table), {@code scores.csv}, {@code checks.csv} (the
 * sanity flags), {@code plots/*.png} and {@code examples/*.png}.
 * <p>
 * Nothing partial is ever left under the folder's name: everything is written into a hidden
 * temporary folder beside it and then moved into place. An existing folder is replaced only
 * when it is empty or an earlier report (it has the marker file {@value #MARKER}); any other
 * existing folder is an error, so a report never deletes a user's files.
 * </p>
 */
public final class ReportWriter {

	public static final String HTML = ReportFiles.HTML, CSV = ReportFiles.CSV, SCORES = ReportFiles.SCORES,
			CHECKS = ReportFiles.CHECKS, MARKER = ReportFiles.MARKER;

	private ReportWriter() {}

	/** Writes the report into outDir; returns the HTML file's path (inside outDir). */
	public static Path write(final ReportResult r, final Path outDir, final ReportListener listenerOrNull) {
		final ReportListener listener = listenerOrNull == null ? new ReportListener() {} : listenerOrNull;
		checkTarget(outDir);
		final Path target = outDir.toAbsolutePath().normalize();
		final Path parent = target.getParent();
		Path tmp = null;
		try {
			Files.createDirectories(parent);
			// a plain new folder (not createTempDirectory, whose owner-only permissions would stay)
			for (int k = 0; tmp == null; k++) {
				final Path candidate = parent.resolve("." + target.getFileName() + ".tmp-" + Long.toHexString(System
					.nanoTime()) + k);
				try {
					tmp = Files.createDirectory(candidate);
				}
				catch (final java.nio.file.FileAlreadyExistsException e) {
					if (k > 100) throw e;
				}
			}
			writeInto(r, tmp, listener);
			if (listener.isCancelled()) throw new CancellationException("The robustness report was cancelled.");
			moveIntoPlace(tmp, target);
			tmp = null;
			listener.message("report written to " + target.resolve(HTML));
			return target.resolve(HTML);
		}
		catch (final IOException e) {
			throw new AmatException("Cannot write the report into " + target + ": " + AtomicFiles.reason(e) + ".", e);
		}
		catch (final AmatException e) {
			// a file inside the temporary folder: name the report folder, give the reason
			if (!(e.getCause() instanceof IOException)) throw e;
			throw new AmatException("Cannot write the report into " + target + ": " + AtomicFiles.reason((IOException) e
				.getCause()) + ".", e);
		}
		finally {
			if (tmp != null) ReportFiles.deleteTree(tmp);
		}
	}

	/** Writes all files into a folder that exists. */
	static void writeInto(final ReportResult r, final Path dir, final ReportListener listener) throws IOException {
		AtomicFiles.writeText(dir.resolve(MARKER), "the report marker", "AMAT robustness report, AMAT " + AmatVersion
			.library() + "\n");
		r.table().writeCsv(dir.resolve(CSV));
		writeScores(r, dir.resolve(SCORES));
		writeChecks(r, dir.resolve(CHECKS));
		final String perVolume = r.volumes() == null ? null : PerVolumeCsv.csv(r, r.volumes());
		if (perVolume != null) AtomicFiles.writeText(dir.resolve(PerVolumeCsv.FILE), "the per-volume table", perVolume);
		final Map<String, Path> plots = new LinkedHashMap<>();
		Files.createDirectories(dir.resolve("plots"));
		for (final ReportPlots.NamedPlot p : ReportPlots.create(r)) {
			if (listener.isCancelled()) throw new CancellationException("The robustness report was cancelled.");
			final Path file = dir.resolve("plots").resolve(p.file);
			savePng(p.plot.getImagePlus(), file);
			plots.put(p.metric + "\u0000" + p.attack, file);
		}
		final Map<String, Path> examples = new LinkedHashMap<>();
		for (final ModelResult m : r.models()) {
			final ColorProcessor sheet = ExampleImages.sheet(exampleTitle(r, m), m.examples(), m.tables.isEmpty()
				? m.primaryMetric : m.tables.values().iterator().next()[0].primaryName());
			if (sheet == null) continue;
			Files.createDirectories(dir.resolve("examples"));
			final Path file = dir.resolve("examples").resolve(safe(m.name) + ".png");
			savePng(new ImagePlus(m.name, sheet), file);
			examples.put(m.name, file);
		}
		AtomicFiles.writeText(dir.resolve(HTML), "the report page", HtmlReport.html(r, plots, examples));
	}

	static String exampleTitle(final ReportResult r, final ModelResult m) {
		if (m.examples().isEmpty()) return m.name;
		final Example e = m.examples().get(0);
		return String.format(Locale.ROOT, "%s: %s at eps %s %s", m.name, e.attack, EpsLevels.format(e.eps), r.eps
			.unitName());
	}

	static String safe(final String name) {
		final String s = name.replaceAll("[^A-Za-z0-9._-]+", "_");
		return s.isEmpty() ? "model" : s;
	}

	private static void savePng(final ImagePlus imp, final Path file) {
		AtomicFiles.writeFile(file, "the image", tmp -> {
			if (!new FileSaver(imp).saveAsPng(tmp.toString())) throw new IOException("ImageJ could not write it");
		});
	}

	static void writeScores(final ReportResult r, final Path file) throws IOException {
		AtomicFiles.writeText(file, "the score table", w -> {
			w.write("model,method,attack,metric,clean,normalised area,eps max,eps unit,score,crafted on\n");
			for (final ModelResult m : r.models()) {
				for (final Map.Entry<String, RobustnessScore> e : m.scores().entrySet()) {
					final RobustnessScore s = e.getValue();
					w.write(String.join(",", ReportTable.quote(m.name), ReportTable.quote(m.method()), ReportTable.quote(e
						.getKey()), ReportTable.quote(m.primaryMetric), ReportTable.number(s.clean), ReportTable.number(
							s.normalizedArea), ReportTable.number(s.epsMax), r.eps.unitName(), ReportTable.number(s.score),
						ReportTable.quote(m.craftedOn(e.getKey()))));
					w.write("\n");
				}
			}
		});
	}

	static void writeChecks(final ReportResult r, final Path file) throws IOException {
		AtomicFiles.writeText(file, "the sanity checks table", w -> {
			w.write("model,check,severity,message\n");
			for (final SanityChecks.Flag f : r.flags()) {
				w.write(String.join(",", ReportTable.quote(f.model), f.kind.name().toLowerCase(Locale.ROOT), f.isWarning()
					? "warning" : "note", ReportTable.quote(f.message)));
				w.write("\n");
			}
		});
	}

	/**
	 * Refuses, before any work is done, a report folder that could not be written: the root, a
	 * file, a folder that holds something other than an earlier report (a report replaces the
	 * whole folder), or one whose parent is not writable. Creates nothing.
	 */
	public static void checkTarget(final Path outDir) {
		ReportFiles.checkTarget(outDir, "report folder", MARKER, "an AMAT report");
	}

	private static void moveIntoPlace(final Path tmp, final Path target) throws IOException {
		Path old = null;
		if (Files.exists(target)) {
			old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
			Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
		}
		try {
			AtomicFiles.move(tmp, target);
		}
		catch (final IOException e) {
			if (old != null) Files.move(old, target, StandardCopyOption.ATOMIC_MOVE); // put the earlier report back
			throw e;
		}
		if (old != null) ReportFiles.deleteTree(old);
	}
}
