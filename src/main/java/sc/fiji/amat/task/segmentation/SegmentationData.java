package sc.fiji.amat.task.segmentation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;

/**
 * What segmentation training data must hold, and its class names: a {@code classes.txt} beside
 * the label file, one name per line starting with the background, names the classes. The label
 * images are read by {@code sc.fiji.amat.task.segmentation.ij.SegmentationImages}.
 */
public final class SegmentationData {

	public static final String CLASSES_FILE = "classes.txt";

	private SegmentationData() {}

	/** Training labels must show something: all-background labels teach nothing. */
	public static LabeledData<Mask> requireForeground(final LabeledData<Mask> data) {
		for (final Mask m : data.labels()) {
			if (!m.isEmpty()) return data;
		}
		throw new AmatException("Every label image is empty (background only): label at least one object to train on.");
	}

	/** The number of classes the labels use: their largest class + 1 (at least 2). */
	public static int numClasses(final List<Mask> masks) {
		int max = 1;
		for (final Mask m : masks) max = Math.max(max, m.maxClass());
		return max + 1;
	}

	/** Class names from classes.txt beside the label file, or defaults for the classes used. */
	public static List<String> classNames(final Path labelFile, final List<Mask> masks) {
		final Path abs = labelFile.toAbsolutePath();
		final Path file = (Files.isDirectory(abs) ? abs : abs.getParent()).resolve(CLASSES_FILE);
		if (Files.isRegularFile(file)) {
			try {
				final List<String> names = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::trim)
					.filter(s -> !s.isEmpty()).collect(Collectors.toList());
				if (names.size() < numClasses(masks)) {
					throw new AmatException(file + " names " + names.size() + " classes but the labels use " + numClasses(
						masks) + ".");
				}
				return names;
			}
			catch (final IOException e) {
				throw new AmatException("Cannot read " + file + ": " + e.getMessage(), e);
			}
		}
		return SegmentationTask.defaultClassNames(numClasses(masks));
	}
}
