package sc.fiji.amat.task.segmentation;

import java.nio.file.Path;
import java.util.List;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.task.ClassesFile;

/**
 * What segmentation training data must hold, and its class names: a {@code classes.txt} beside
 * the label file, one name per line starting with the background, names the classes. The label
 * images are read by {@code sc.fiji.amat.task.segmentation.ij.SegmentationImages}.
 */
public final class SegmentationData {

	public static final String CLASSES_FILE = ClassesFile.NAME;

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
		final List<String> names = ClassesFile.read(labelFile);
		if (names == null) return SegmentationTask.defaultClassNames(numClasses(masks));
		if (names.size() < numClasses(masks)) {
			throw new AmatException(ClassesFile.of(labelFile) + " names " + names.size() + " classes but the labels use " +
				numClasses(masks) + ".");
		}
		return names;
	}
}
