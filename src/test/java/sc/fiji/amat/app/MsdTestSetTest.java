package sc.fiji.amat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.TinyData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.report.TestSet;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.ij.ImageJTasks;
import sc.fiji.amat.task.segmentation.VolumeSamples;

/**
 * An MSD folder given as the test set is its labelled test cases (imagesTs/, labelsTs/), never
 * its training cases; one without labelled test cases is one sentence and the report writes
 * nothing.
 */
class MsdTestSetTest {

	@TempDir
	Path dir;

	private static List<String> distinct(final List<String> names) {
		return new ArrayList<>(new LinkedHashSet<>(names));
	}

	@Test
	void theTestSetIsTheFoldersLabelledTestCases() {
		final Path msd = dir.resolve("Task99_Rings");
		final VolumeSamples gen = new VolumeSamples(3);
		gen.write(msd);
		for (final Path labels : Arrays.asList(null, msd)) {
			final TestSet<?> test = TestSet.fromFiles("segmentation", msd, labels);
			assertEquals(Arrays.asList("vol_004", "vol_005"), distinct(test.volumes()));
			assertEquals(gen.depth(4) + gen.depth(5), test.size(), "every z slice of the two test volumes");
		}
		// training reads the training cases, each slice carrying its volume for the validation split
		final Labeled<?> train = ImageJTasks.type("segmentation").fromFiles(msd, null, Normalization.zscore(),
			new NetworkConfig());
		assertEquals(Arrays.asList("vol_000", "vol_001", "vol_002", "vol_003"), distinct(train.volumeOfSample));
		assertTrue(train.data.hasGroups());
		for (int i = 0; i < train.data.size(); i++) assertEquals(train.volumeOfSample.get(i), train.data.group(i));
	}

	@Test
	void aFolderWithoutLabelledTestCasesIsOneSentenceAndWritesNothing() throws IOException {
		final Path msd = dir.resolve("Task98_NoTestLabels");
		new VolumeSamples(4).write(msd);
		try (Stream<Path> files = Files.walk(msd.resolve("labelsTs"))) {
			files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		}
		final String sentence = msd.resolve("dataset.json") + " lists no test images with labels (labelsTs/): give a " +
			"folder of labelled held-out volumes as the test set.";
		assertEquals(sentence, assertThrows(AmatException.class, () -> TestSet.fromFiles("segmentation", msd, null))
			.getMessage());
		final Path model = dir.resolve("m.amat.zip"), out = dir.resolve("report");
		try (AmatModel m = TinyData.trainStandard(TinyData.squares(4, 1), 1)) {
			m.save(model);
		}
		final AmatException e = assertThrows(AmatException.class, () -> Report.run(new Args(new String[] { "report",
			"--models", model.toString(), "--images", msd.toString(), "--attacks", "noise", "--threads", "1", "--out", out
				.toString() }, 1)));
		assertEquals(sentence, e.getMessage());
		assertFalse(Files.exists(out), "nothing written");
		// the training cases are still there for training
		assertEquals(4, distinct(ImageJTasks.type("segmentation").fromFiles(msd, null, Normalization.zscore(),
			new NetworkConfig()).volumeOfSample).size());
	}
}
