package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.task.Tasks;
import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.task.ij.ImageJTasks;

/**
 * Jobs of a split report check by the test set's fingerprint that they read the same test set:
 * for every task, two separate reads of the same files give the same fingerprint (labels are
 * values, not identities), and other files give another.
 */
class TestSetFingerprintTest {

	@Test
	void everyTaskFingerprintsItsTestSetByContent() {
		assertTrue(Tasks.types().size() >= 3, "task types found: " + Tasks.names());
		for (final Map.Entry<String, ImageJTaskType> t : ImageJTasks.types().entrySet()) {
			final Path dir = Paths.get("sample-data", t.getKey());
			final String once = read(t, dir, "test").fingerprint();
			assertEquals(once, read(t, dir, "test").fingerprint(), t.getKey() + ": two reads of the same files");
			assertNotEquals(once, read(t, dir, "train").fingerprint(), t.getKey() + ": test and training set");
		}
	}

	private static TestSet<?> read(final Map.Entry<String, ImageJTaskType> t, final Path dir, final String split) {
		return TestSet.fromFiles(t.getKey(), dir.resolve(split + "-images.tif"), t.getValue().sampleLabels(dir, split));
	}
}
