package sc.fiji.amat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ModelInfoFixture;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.segmentation.SegmentationTask;

/** {@code scripts/amat export}: the package from a model file, or one sentence and nothing written. */
class ExportCliTest {

	@TempDir
	Path dir;

	@Test
	void exportsAModelFileAndNamesWhatIsMissing() throws Exception {
		final SegmentationTask task = new SegmentationTask(Arrays.asList("background", "cell"), 1, new NetworkConfig(1,
			2, NetworkConfig.Norm.INSTANCE));
		final Path model = dir.resolve("m.amat.zip");
		try (AmatModel m = AmatModel.create(task, ModelInfoFixture.info(task), Device.cpu())) {
			m.save(model);
		}
		final Path out = dir.resolve("m.bioimageio.zip");
		Export.run(new Args(new String[] { "--model", model.toString(), "--out", out.toString(), "--authors",
			"Jane Doe, John Roe", "--name", "Tiny cells" }, 0));
		try (ZipFile z = new ZipFile(out.toFile())) {
			final String rdf = new String(readAll(z.getInputStream(z.getEntry("rdf.yaml"))), "UTF-8");
			assertTrue(rdf.contains("name: \"Tiny cells\"") && rdf.contains("- name: \"John Roe\""), rdf);
		}
		final AmatException e = assertThrows(AmatException.class, () -> Export.run(new Args(new String[] { "--model",
			model.toString() }, 0)));
		assertTrue(e.getMessage().contains("--out"), e.getMessage());
		assertThrows(AmatException.class, () -> Export.run(new Args(new String[] { "--model", model.toString(), "--out",
			dir.resolve("no").resolve("x.zip").toString() }, 0)));
		assertFalse(Files.exists(dir.resolve("no")));
		try (java.util.stream.Stream<Path> s = Files.list(dir)) {
			assertEquals(2, s.count(), "the model and its package only");
		}
	}

	private static byte[] readAll(final java.io.InputStream in) throws java.io.IOException {
		final java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
		final byte[] buf = new byte[8192];
		for (int r; (r = in.read(buf)) > 0;) b.write(buf, 0, r);
		return b.toByteArray();
	}
}
