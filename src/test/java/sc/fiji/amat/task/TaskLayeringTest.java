package sc.fiji.amat.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

import sc.fiji.amat.task.ij.ImageJTasks;

/**
 * The task packages keep their layers: the model side of a task imports nothing from ImageJ, only
 * the ImageJ adapters read the ROI Manager, no task package uses a package above it, and every
 * task type has its ImageJ side.
 */
class TaskLayeringTest {

	private static final Path MAIN = Paths.get("src", "main", "java", "sc", "fiji", "amat");
	/** ImageJ 1 code: {@code ij.} not preceded by a name or a dot (so not {@code sc.fiji.amat.task.ij.}). */
	private static final Pattern IJ = Pattern.compile("(?<![\\w.])ij\\.[A-Za-z]");
	private static final Pattern ABOVE = Pattern.compile("import sc\\.fiji\\.amat\\.(model|eval|report|attack|train|" +
		"command|app|ij1|updatesite)\\.");

	private static List<Path> sources(final Path dir) throws IOException {
		try (Stream<Path> s = Files.walk(dir)) {
			return s.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
		}
	}

	private static boolean inAdapter(final Path p) {
		return p.getParent().getFileName().toString().equals("ij");
	}

	private static String read(final Path p) throws IOException {
		return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
	}

	@Test
	void theModelSideOfTasksImportsNothingFromImageJ() throws IOException {
		final List<String> offending = new ArrayList<>();
		for (final Path p : sources(MAIN.resolve("task"))) {
			if (!inAdapter(p) && IJ.matcher(read(p)).find()) offending.add(p.toString());
		}
		assertEquals(new ArrayList<>(), offending);
	}

	@Test
	void onlyTheAdapterLayerReadsTheRoiManager() throws IOException {
		final List<String> readers = new ArrayList<>();
		for (final Path p : sources(MAIN)) {
			if (read(p).contains("RoiManager")) readers.add(MAIN.relativize(p).toString().replace('\\', '/'));
		}
		assertEquals(List.of("task/ij/ImageJRois.java"), readers);
	}

	@Test
	void taskPackagesUseNoPackageAboveThem() throws IOException {
		final List<String> offending = new ArrayList<>();
		for (final Path p : sources(MAIN.resolve("task"))) {
			if (ABOVE.matcher(read(p)).find()) offending.add(p.toString());
		}
		assertEquals(new ArrayList<>(), offending);
	}

	@Test
	void everyTaskTypeHasItsImageJSide() {
		assertTrue(Tasks.names().size() >= 3, Tasks.names().toString());
		assertEquals(Tasks.names(), ImageJTasks.names());
	}
}
