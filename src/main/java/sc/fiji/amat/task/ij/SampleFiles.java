package sc.fiji.amat.task.ij;

import ij.ImagePlus;
import ij.io.FileSaver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import sc.fiji.amat.AmatException;

/** Writing a task's generated sample data: the folder, TIFF stacks and text files. */
public final class SampleFiles {

	private SampleFiles() {}

	/** Creates the folder the sample data goes to. */
	public static void createFolder(final Path dir) {
		try {
			Files.createDirectories(dir);
		}
		catch (final IOException e) {
			throw new AmatException("Cannot write the sample data to " + dir + ": " + e.getMessage(), e);
		}
	}

	/** Writes an image stack (two slices or more) as a TIFF file. */
	public static void saveTiff(final ImagePlus imp, final Path file) {
		if (!new FileSaver(imp).saveAsTiffStack(file.toString())) throw new AmatException("Cannot write " + file + ".");
	}

	/** Writes a text file as UTF-8. */
	public static void writeText(final Path file, final String text) {
		try {
			Files.write(file, text.getBytes(StandardCharsets.UTF_8));
		}
		catch (final IOException e) {
			throw new AmatException("Cannot write the sample data to " + file + ": " + e.getMessage(), e);
		}
	}
}
