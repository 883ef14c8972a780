package sc.fiji.amat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The packages form layers, as docs/architecture.md draws them: code may use its own layer and
 * the layers below it, never one above (comments are not code), and no main source file is over
 * 400 lines.
 */
class LayeringTest {

	private static final Path MAIN = Paths.get("src", "main", "java", "sc", "fiji", "amat");

	/** Bottom to top; a task's packages ("task.segmentation", "task.segmentation.ij") share a layer with "task". */
	static final List<String> LAYERS = Arrays.asList("", "plugin", "engine", "nn", "data", "task", "attack", "model",
		"eval", "train", "report", "export", "doctor", "updatesite", "command", "ij1", "app");

	private static final Pattern REFERENCE = Pattern.compile("sc\\.fiji\\.amat((?:\\.[a-z0-9_]+)*)\\.[A-Z]");
	private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

	static int layer(final String pkg) {
		final String top = pkg.isEmpty() ? "" : pkg.split("\\.")[0];
		final int i = LAYERS.indexOf(top);
		if (i < 0) throw new AssertionError("package " + pkg + " has no layer in LayeringTest.LAYERS");
		return i;
	}

	private static List<Path> sources() throws IOException {
		try (Stream<Path> s = Files.walk(MAIN)) {
			return s.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
		}
	}

	private static String packageOf(final Path file) {
		return MAIN.relativize(file.getParent()).toString().replace(java.io.File.separatorChar, '.');
	}

	@Test
	void noPackageUsesALayerAboveIt() throws IOException {
		final List<String> offending = new ArrayList<>();
		for (final Path p : sources()) {
			final String own = packageOf(p);
			final String code = COMMENT.matcher(new String(Files.readAllBytes(p), StandardCharsets.UTF_8)).replaceAll("");
			final Matcher m = REFERENCE.matcher(code);
			while (m.find()) {
				final String used = m.group(1).isEmpty() ? "" : m.group(1).substring(1);
				if (layer(used) > layer(own)) offending.add(own + " uses " + used + " (" + p.getFileName() + ")");
			}
		}
		assertEquals(new ArrayList<>(), offending);
	}

	@Test
	void noMainSourceFileIsOver400Lines() throws IOException {
		final List<String> long_ = new ArrayList<>();
		for (final Path p : sources()) {
			final long n = Files.readAllLines(p, StandardCharsets.UTF_8).size();
			if (n > 400) long_.add(p.getFileName() + " " + n);
		}
		assertEquals(new ArrayList<>(), long_);
	}
}
