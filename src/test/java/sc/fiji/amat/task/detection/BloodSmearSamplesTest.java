package sc.fiji.amat.task.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.task.ij.ImageJTasks;

class BloodSmearSamplesTest {

	static final Path COMMITTED = Paths.get("sample-data", "detection");

	@TempDir
	Path dir;

	@Test
	void committedSampleDataIsWhatTheGeneratorMakes() throws IOException {
		final ImageJTaskType type = ImageJTasks.type(DetectionTask.TYPE);
		type.writeSamples(dir, 1);
		for (final String f : new String[] { "train-images.tif", "test-images.tif", "train-labels.csv", "test-labels.csv",
			"classes.txt", "README.md" })
		{
			assertArrayEquals(Files.readAllBytes(dir.resolve(f)), Files.readAllBytes(COMMITTED.resolve(f)), f +
				" differs from the generator's output: run scripts/amat generate --task detection");
		}
		long bytes = 0;
		for (final Path p : Files.list(COMMITTED).toArray(Path[]::new)) bytes += Files.size(p);
		assertTrue(bytes < 5_000_000, bytes + " bytes");
	}

	@Test
	void sampleDataHasThreeClassesOfDifferentSizes() {
		final ImageJTaskType type = ImageJTasks.type(DetectionTask.TYPE);
		final Labeled<?> train = type.fromFiles(COMMITTED.resolve("train-images.tif"), type.sampleLabels(COMMITTED,
			"train"), Normalization.zscore(), new NetworkConfig());
		assertEquals(BloodSmearSamples.CLASSES, ((DetectionTask) train.task).classNames());
		assertEquals(3, train.data.channels());
		final int n = train.data.size() + type.fromFiles(COMMITTED.resolve("test-images.tif"), type.sampleLabels(
			COMMITTED, "test"), Normalization.zscore(), new NetworkConfig()).data.size();
		assertTrue(n >= 100 && n <= 200, n + " images");
		final Map<String, double[]> size = new HashMap<>(); // sum of sqrt(area), count
		for (final Object o : train.data.labels()) {
			for (final Box b : (Boxes) o) {
				final double[] s = size.computeIfAbsent(b.className, k -> new double[2]);
				s[0] += Math.sqrt(b.area());
				s[1]++;
			}
		}
		final double red = size.get("red cell")[0] / size.get("red cell")[1], white = size.get("white cell")[0] / size
			.get("white cell")[1], platelet = size.get("platelet")[0] / size.get("platelet")[1];
		assertTrue(platelet < red && red < white, platelet + " < " + red + " < " + white);
		assertTrue(size.get("red cell")[1] > size.get("white cell")[1], "red cells are the most frequent");
	}
}
