package sc.fiji.amat.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.ImageFolders;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.ij.ImageJTaskType;

/**
 * Where {@code scripts/amat train} reads its training data from. The sources of {@link #all()}
 * (new instances for each run) first read their own options, then are asked in order; the first
 * that {@link #accepts} the {@code --images} and {@code --labels} paths reads them. A new kind of
 * data (e.g. an MSD folder of NIfTI volumes, with {@code --slice-axis}) is one more implementation put
 * first in {@link #all()}.
 */
interface TrainingSource {

	/** The sources {@code scripts/amat train} knows, asked in this order; new instances. */
	static List<TrainingSource> all() {
		return Collections.unmodifiableList(Arrays.asList(new VolumeTrainingSource(), new FolderPairs(),
			new StackAndLabels()));
	}

	/** What this source reads, for the usage text and messages. */
	String describe();

	/**
	 * Reads this source's own options from the command line, each once,
	 * before the unknown ones are refused; by default none.
	 */
	default void options(final Args args) {}

	/** Takes the options of {@code scripts/amat train} that concern this source (e.g. the slice axis); by default none. */
	default void options(final sc.fiji.amat.train.TrainOptions o) {}

	/** Whether this source reads these paths; {@code labels} may be null (a source that finds its own). */
	boolean accepts(Path images, Path labels);

	/**
	 * The images with their labels and task, read as one set: all images of one size (whole-image
	 * training).
	 */
	Labeled<?> read(ImageJTaskType type, Path images, Path labels, Normalization normalization, NetworkConfig network);

	/**
	 * The images with their labels, one set per size or per file, for patch training; each set
	 * named in {@code names} (a file name) for messages. By default, the one set of {@link #read}.
	 */
	default List<Labeled<?>> readEach(final ImageJTaskType type, final Path images, final Path labels,
		final Normalization normalization, final NetworkConfig network, final List<String> names)
	{
		names.add(images.getFileName().toString());
		return Collections.singletonList(read(type, images, labels, normalization, network));
	}

	/** The first of the sources that reads these paths, or a one-sentence error. */
	static TrainingSource find(final List<TrainingSource> sources, final Path images, final Path labels) {
		if (images == null) throw new AmatException("No training data: give --images (a folder or a stack) and --labels " +
			"(a folder or a label file).");
		if (!Files.exists(images)) throw new AmatException("The training images " + images + " do not exist.");
		if (labels != null && !Files.exists(labels)) throw new AmatException("The training labels " + labels +
			" do not exist.");
		for (final TrainingSource s : sources) {
			if (s.accepts(images, labels)) return s;
		}
		final List<String> known = new ArrayList<>();
		for (final TrainingSource s : sources) known.add(s.describe());
		throw new AmatException("No training source reads --images " + images + (labels == null ? " without --labels"
			: " with --labels " + labels) + ": give " + String.join("; or ", known) + ".");
	}

	/** A folder of images and a folder of labels of the same file names; for patches, every pair on its own. */
	final class FolderPairs implements TrainingSource {

		@Override
		public String describe() {
			return "an image folder and a label folder (same file names)";
		}

		@Override
		public boolean accepts(final Path images, final Path labels) {
			return Files.isDirectory(images) && labels != null && Files.isDirectory(labels);
		}

		@Override
		public Labeled<?> read(final ImageJTaskType type, final Path images, final Path labels, final Normalization n,
			final NetworkConfig network)
		{
			return type.fromFiles(images, labels, n, network);
		}

		@Override
		public List<Labeled<?>> readEach(final ImageJTaskType type, final Path images, final Path labels,
			final Normalization n, final NetworkConfig network, final List<String> names)
		{
			final List<Labeled<?>> out = new ArrayList<>();
			for (final Path[] pair : ImageFolders.pairs(images, labels)) {
				names.add(pair[0].getFileName().toString());
				out.add(type.fromFiles(pair[0], pair[1], n, network));
			}
			return out;
		}
	}

	/** An image stack file (or folder of images of one size) and a label file or stack. */
	final class StackAndLabels implements TrainingSource {

		@Override
		public String describe() {
			return "an image stack (or folder) and a label stack or label file (CSV, ...)";
		}

		@Override
		public boolean accepts(final Path images, final Path labels) {
			return labels != null && Files.isRegularFile(labels);
		}

		@Override
		public Labeled<?> read(final ImageJTaskType type, final Path images, final Path labels, final Normalization n,
			final NetworkConfig network)
		{
			return type.fromFiles(images, labels, n, network);
		}
	}
}
