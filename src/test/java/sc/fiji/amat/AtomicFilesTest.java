package sc.fiji.amat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every file is written whole or not at all, through one helper. */
class AtomicFilesTest {

	@TempDir
	Path dir;

	private List<String> names() throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		}
	}

	@Test
	void aFailedWriteLeavesTheEarlierFileAndNoTemporary() throws IOException {
		final Path f = dir.resolve("model.zip");
		AtomicFiles.writeText(f, "the model file", "first");
		final AmatException e = assertThrows(AmatException.class, () -> AtomicFiles.write(f, "the model file", out -> {
			out.write(new byte[4096]);
			throw new IOException("the network share went away");
		}));
		assertEquals("Cannot write the model file " + f.toAbsolutePath() + ": the network share went away.", e
			.getMessage());
		assertEquals("first", new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
		assertEquals(List.of("model.zip"), names());
	}

	@Test
	void aFullDiskIsSimulatedAtByteN() throws IOException {
		final Path f = dir.resolve("report.csv");
		System.setProperty(AtomicFiles.DISK_FULL_AFTER, "100");
		try {
			AtomicFiles.write(f, "the table", new byte[100]); // exactly fits
			final AmatException e = assertThrows(AmatException.class, () -> AtomicFiles.writeText(f, "the table", w -> {
				for (int i = 0; i < 50; i++) w.write("0123456789");
			}));
			assertTrue(e.getMessage().endsWith("report.csv: the disk is full (No space left on device)."), e.getMessage());
			// a writer that takes a path (ImageJ's FileSaver) is checked after it wrote
			assertThrows(AmatException.class, () -> AtomicFiles.writeFile(dir.resolve("plot.png"), "the image", t -> Files
				.write(t, new byte[101])));
		}
		finally {
			System.clearProperty(AtomicFiles.DISK_FULL_AFTER);
		}
		assertArrayEquals(new byte[100], Files.readAllBytes(f));
		assertEquals(List.of("report.csv"), names());
	}

	@Test
	void aMissingFolderIsCreated() {
		final Path f = dir.resolve("a/b/c.txt");
		AtomicFiles.writeText(f, "the text", "x");
		assertTrue(Files.isRegularFile(f));
	}

	/**
	 * No main source writes a file except through AtomicFiles, but for lines that say why they
	 * are not an output ("// not an output: ..."): writes into memory, scratch files, /proc.
	 */
	@Test
	void everyWriterGoesThroughAtomicFiles() throws IOException {
		final Pattern direct = Pattern.compile("\\bFiles\\.write\\(|\\bFiles\\.newOutputStream|\\bFiles\\.newBufferedWriter|" +
			"new FileOutputStream|new FileWriter|new PrintWriter\\(|ImageIO\\.write|\\.saveAs[A-Z]\\w*\\((?!tmp)|" +
			"\\bFiles\\.copy\\(|\\bFiles\\.writeString");
		final List<String> found = new ArrayList<>();
		try (Stream<Path> s = Files.walk(Paths.get("src/main/java"))) {
			for (final Path p : s.filter(p -> p.toString().endsWith(".java") && !p.endsWith("AtomicFiles.java")).collect(
				Collectors.toList()))
			{
				final List<String> lines = Files.readAllLines(p);
				for (int i = 0; i < lines.size(); i++) {
					final String l = lines.get(i);
					if (direct.matcher(l).find() && !l.contains("AtomicFiles.") && !l.contains("// not an output: ")) found.add(p.getFileName() + ":" + (i + 1) +
						": " + l.trim());
				}
			}
		}
		assertTrue(found.isEmpty(), String.join("\n", found));
	}

	@Test
	void foldersAndFilesThatCannotBeWrittenAreRefusedBeforeAnyWork() throws IOException {
		final Path file = dir.resolve("a-file");
		Files.write(file, new byte[] { 1 }); // not an output: a fixture
		AmatException e = assertThrows(AmatException.class, () -> AtomicFiles.checkFolder(file, "The output folder"));
		assertEquals("The output folder " + file + " is a file, not a folder.", e.getMessage());
		e = assertThrows(AmatException.class, () -> AtomicFiles.checkFolder(file.resolve("sub/deeper"), "The output folder"));
		assertEquals("The output folder " + file.resolve("sub/deeper") + " cannot be written (" + file + " is a file).", e
			.getMessage());
		e = assertThrows(AmatException.class, () -> AtomicFiles.checkFile(dir, "The model file"));
		assertEquals("The model file " + dir + " is a folder.", e.getMessage());
		e = assertThrows(AmatException.class, () -> AtomicFiles.checkFile(file.resolve("m.amat.zip"), "The model file"));
		assertEquals("The model file " + file.resolve("m.amat.zip") + " cannot be written (" + file + " is a file).", e
			.getMessage());
		// a file's folder must exist (an output folder is created)
		e = assertThrows(AmatException.class, () -> AtomicFiles.checkFile(dir.resolve("new/m.amat.zip"), "The model file"));
		assertEquals("The model file " + dir.resolve("new/m.amat.zip") + " cannot be written (its folder " + dir.resolve(
			"new") + " does not exist).", e.getMessage());
		// what can be written is accepted, and checking creates nothing
		AtomicFiles.checkFolder(dir.resolve("new/nested"), "The output folder");
		AtomicFiles.checkFile(dir.resolve("m.amat.zip"), "The model file");
		assertEquals(List.of("a-file"), names());
	}

	@Test
	void aReportIntoAFolderThatCannotBeWrittenIsRefusedBeforeItEvaluates() {
		final Path out = dir.resolve("a-file").resolve("report");
		assertDoesNotThrow(() -> Files.write(dir.resolve("a-file"), new byte[] { 1 })); // not an output: a fixture
		final boolean[] started = { false };
		final sc.fiji.amat.report.TestSet<String> test = new sc.fiji.amat.report.TestSet<>("segmentation", "t",
			new float[16], 1, 4, 4, List.of("label"));
		// the model does not exist: a report that evaluated first would fail on it instead
		final AmatException e = assertThrows(AmatException.class, () -> sc.fiji.amat.report.RobustnessReport.run(List.of(
			dir.resolve("missing.amat.zip")), test, new sc.fiji.amat.report.ReportSettings(), out,
			new sc.fiji.amat.report.ReportListener() {

				@Override
				public void started(final String plan) {
					started[0] = true;
				}
			}));
		assertTrue(e.getMessage().startsWith("The report folder " + out + " cannot be written ("), e.getMessage());
		assertTrue(!started[0], "the report started evaluating");
	}
}
