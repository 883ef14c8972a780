package sc.fiji.amat.task.ij;

import ij.ImagePlus;
import ij.io.FileSaver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import sc.fiji.amat.AtomicFiles;
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
		AtomicFiles.writeFile(file, "the sample data", tmp -> {
			if (!new FileSaver(imp).saveAsTiffStack(tmp.toString())) throw new IOException("ImageJ could not write it");
		});
	}

	/** Writes a text file as UTF-8. */
	public static void writeText(final Path file, final String text) {
		AtomicFiles.writeText(file, "the sample data", text);
	}
}
