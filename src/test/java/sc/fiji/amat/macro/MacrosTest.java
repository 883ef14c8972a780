package sc.fiji.amat.macro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import net.imagej.patcher.LegacyEnvironment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.model.ModelFile;

/**
 * Runs the example macros in macros/ through ImageJ 1.x's own macro interpreter, headless
 * (ij1-patcher makes ij.jar run without a display), with the plugin registered through its
 * plugins.config exactly as in an ImageJ installation, and checks what they produced.
 */
class MacrosTest {

	@TempDir
	Path out;

	static String macro(final String name) throws Exception {
		return new String(Files.readAllBytes(Paths.get("macros", name)), StandardCharsets.UTF_8);
	}

	private static LegacyEnvironment imagej;

	/**
	 * One ImageJ for all macros of this JVM: a JVM loads PyTorch's native library into one class
	 * loader only (this class runs in its own JVM, see the pom).
	 */
	static synchronized LegacyEnvironment imagej() throws Exception {
		if (imagej != null) return imagej;
		final LegacyEnvironment ij1 = new LegacyEnvironment(null, true);
		ij1.disableIJ1PluginDirs();
		// the plugin and its dependencies, as they would lie in ImageJ's plugins/ and jars/
		final String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		for (final String entry : cp.split(File.pathSeparator)) {
			final String name = new File(entry).getName();
			if (entry.endsWith("test-classes") || name.startsWith("ij-") || name.startsWith("ij1-patcher") || name
				.startsWith("junit") || name.startsWith("opentest4j") || name.startsWith("apiguardian")) continue;
			ij1.addPluginClasspath(new File(entry));
		}
		imagej = ij1;
		return ij1;
	}

	@Test
	void trainThenAttackMacrosRunAsWritten() throws Exception {
		final String data = Paths.get("sample-data").toAbsolutePath().toString();
		final LegacyEnvironment ij1 = imagej();
		ij1.runMacro(macro("amat-train.ijm"), data + ";" + out + ";1");
		final Path model = out.resolve("segmentation-amat.amat.zip");
		assertTrue(Files.exists(model), "the training macro wrote no model");
		assertEquals("amat", ModelFile.read(model).info().training.method);
		assertTrue(Files.exists(out.resolve("segmentation-amat-standard.amat.zip")));

		ij1.runMacro(macro("adversarial-attack.ijm"), data + ";" + out + ";segmentation-amat.amat.zip");
		assertTrue(Files.exists(out.resolve("adversarial-prediction.tif")));
		assertTrue(Files.exists(out.resolve("noise.tif")));
		final List<String> csv = Files.readAllLines(out.resolve("attack-results.csv"), StandardCharsets.UTF_8);
		assertEquals(33, csv.size(), "a header and one row per test slice");
		assertTrue(csv.get(0).contains("dice adversarial"), csv.get(0));

		ij1.runMacro(macro("robustness-report.ijm"), data + ";" + out + ";0,0.1");
		final Path report = out.resolve("report");
		assertTrue(Files.exists(report.resolve("report.html")), "the report macro wrote no report");
		final String html = new String(Files.readAllBytes(report.resolve("report.html")), StandardCharsets.UTF_8);
		assertTrue(html.contains("segmentation-amat-standard") && html.contains("data:image/png;base64"));
	}

	@Test
	void theChainMacroRunsTheThreeSteps() throws Exception {
		final String data = Paths.get("sample-data").toAbsolutePath().toString();
		final String macros = Paths.get("macros").toAbsolutePath().toString();
		imagej().runMacro(macro("train-attack-report.ijm"), data + ";" + out + ";1;0,0.1;" + macros);
		assertTrue(Files.exists(out.resolve("segmentation-amat.amat.zip")));
		assertTrue(Files.exists(out.resolve("attack-results.csv")));
		assertTrue(Files.exists(out.resolve("report").resolve("report.html")));
	}

	@Test
	void theDetectionMacroTrainsAttacksAndReports() throws Exception {
		final String data = Paths.get("sample-data").toAbsolutePath().toString();
		imagej().runMacro(macro("detection.ijm"), data + ";" + out + ";1;0,0.1");
		final Path model = out.resolve("detection-amat.amat.zip");
		assertTrue(Files.exists(model), "the detection macro wrote no model");
		assertEquals("detection", ModelFile.read(model).info().task);
		assertEquals("amat", ModelFile.read(model).info().training.method);
		final List<String> results = Files.readAllLines(out.resolve("attack-results.csv"), StandardCharsets.UTF_8);
		assertEquals(33, results.size(), "a header and one row per test slice");
		assertTrue(results.get(0).contains("F1@0.5 adversarial"), "metrics from the ROI labels: " + results.get(0));
		final String html = new String(Files.readAllBytes(out.resolve("report").resolve("report.html")),
			StandardCharsets.UTF_8);
		assertTrue(html.contains("mAP@0.5") && html.contains("detection-amat-standard"), "report");
	}

	@Test
	void theLandmarkMacroTrainsAttacksAndReportsFromTheOverlayPoints() throws Exception {
		final String data = Paths.get("sample-data").toAbsolutePath().toString();
		// one epoch of a narrow network: the macro as written, kept fast
		imagej().runMacro(macro("landmarks.ijm"), data + ";" + out + ";1;0,0.1;4");
		final Path model = out.resolve("landmarks-amat.amat.zip");
		assertTrue(Files.exists(model), "the landmark macro wrote no model");
		assertEquals("landmarks", ModelFile.read(model).info().task);
		assertEquals("amat", ModelFile.read(model).info().training.method);
		assertTrue(Files.exists(out.resolve("landmarks-amat-standard.amat.zip")));
		final List<String> csv = Files.readAllLines(out.resolve("landmark-attack-results.csv"), StandardCharsets.UTF_8);
		assertEquals(31, csv.size(), "a header and one row per test image");
		assertTrue(csv.get(0).contains("mre mm adversarial") && csv.get(0).contains("sdr clean"), csv.get(0));
		final String html = new String(Files.readAllBytes(out.resolve("landmark-report").resolve("report.html")),
			StandardCharsets.UTF_8);
		assertTrue(html.contains("landmarks-amat-standard") && html.contains("sdr"));
	}

	@Test
	void theVolumeMacroTrainsOnTheMsdFolderAndReportsPerVolume() throws Exception {
		final String data = Paths.get("sample-data").toAbsolutePath().toString();
		// one epoch of standard training (the macro's AMAT trains a standard model first): kept fast
		imagej().runMacro(macro("volumes.ijm"), data + ";" + out + ";1;0,0.1;Standard");
		final Path model = out.resolve("volumes-standard.amat.zip");
		assertTrue(Files.exists(model), "the volume macro wrote no model");
		assertEquals(java.util.Arrays.asList("background", "ring", "blob"), sc.fiji.amat.task.AbstractTask.names(
			ModelFile.read(model).info().taskSpec, "classes"), "the class names of dataset.json");
		final List<String> rows = Files.readAllLines(out.resolve("volume-report").resolve("per-volume.csv"),
			StandardCharsets.UTF_8);
		// 1 model x (pgd, noise, worst case) x 2 levels x 2 test volumes x 2 classes
		assertEquals(1 + 3 * 2 * 2 * 2, rows.size(), String.join("\n", rows));
		assertTrue(rows.stream().anyMatch(r -> r.contains(",vol_004,") && r.contains(",ring,")), rows.get(1));
	}
}
