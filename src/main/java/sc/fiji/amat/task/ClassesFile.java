package sc.fiji.amat.task;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import sc.fiji.amat.AmatException;

/** {@code classes.txt}: class names, one per line, beside a label file or inside a label folder. */
public final class ClassesFile {

	public static final String NAME = "classes.txt";

	private ClassesFile() {}

	/** Where the class names of a label file or folder are. */
	public static Path of(final Path labels) {
		final Path abs = labels.toAbsolutePath();
		return (Files.isDirectory(abs) ? abs : abs.getParent()).resolve(NAME);
	}

	/** The names it lists, trimmed, blank lines skipped; null when there is no such file. */
	public static List<String> read(final Path labels) {
		final Path file = of(labels);
		if (!Files.isRegularFile(file)) return null;
		try {
			return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::trim).filter(s -> !s.isEmpty())
				.collect(Collectors.toList());
		}
		catch (final IOException e) {
			throw new AmatException("Cannot read " + file + ": " + e.getMessage(), e);
		}
	}
}
