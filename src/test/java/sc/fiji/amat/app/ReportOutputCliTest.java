package sc.fiji.amat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;

/**
 * {@code scripts/amat report} refuses an output it could not write before it evaluates: the models
 * given here do not exist, so a report that evaluated first would fail on them instead.
 */
class ReportOutputCliTest {

	@TempDir
	Path dir;

	private AmatException report(final Path out, final String... extra) {
		final String[] base = { "report", "--models", dir.resolve("missing.amat.zip").toString(), "--images", dir.resolve(
			"missing.tif").toString(), "--labels", dir.resolve("missing-labels.tif").toString(), "--out", out.toString() };
		final String[] args = Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
		return assertThrows(AmatException.class, () -> Report.run(new Args(args, 1)));
	}

	private List<String> names(final Path folder) throws IOException {
		try (Stream<Path> s = Files.list(folder)) {
			return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		}
	}

	@Test
	void aReportOrAPartIntoAFolderItCannotUseIsRefusedFirst() throws IOException {
		final Path notes = Files.createDirectories(dir.resolve("notes"));
		Files.write(notes.resolve("keep.txt"), new byte[] { 1 }); // not an output: a fixture
		assertEquals("The folder " + notes + " exists and is not an AMAT report: choose a new or empty folder.", report(
			notes).getMessage());
		assertEquals("The folder " + notes + " exists and is not a report part: choose a new or empty folder.", report(
			notes, "--slice", "1/2").getMessage());
		final Path file = dir.resolve("a-file");
		Files.write(file, new byte[] { 1 }); // not an output: a fixture
		assertEquals("The report folder " + file.resolve("report") + " cannot be written (" + file + " is a file).",
			report(file.resolve("report")).getMessage());
		assertEquals(List.of("keep.txt"), names(notes));
		assertEquals(List.of("a-file", "notes"), names(dir));
	}
}
