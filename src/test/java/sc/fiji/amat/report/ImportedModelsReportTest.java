package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.TinyData;
import sc.fiji.amat.model.ImportedModelsTest;
import sc.fiji.amat.task.segmentation.Mask;

/**
 * The robustness report on models users bring: the TorchScript fixture attacked white-box, its
 * ONNX twin under transfer attacks crafted on it, and the report saying which is which.
 */
class ImportedModelsReportTest {

	@TempDir
	Path dir;

	static final Path TORCHSCRIPT = ImportedModelsTest.fixture("tiny-seg.pt"), ONNX = ImportedModelsTest.fixture(
		"tiny-seg-nhwc.onnx");

	static TestSet<Mask> squares() {
		final List<Mask> masks = new ArrayList<>();
		final float[] raw = TinyData.rawSquares(8, 21, 100, 60, 18, masks);
		return new TestSet<>("segmentation", "squares", raw, 1, TinyData.SIZE, TinyData.SIZE, masks);
	}

	static ReportSettings settings() {
		final ReportSettings s = new ReportSettings();
		s.attacks = Arrays.asList("pgd", "noise");
		s.eps = new double[] { 0, 0.25, 0.5 };
		s.pgdSteps = 5;
		s.noiseDraws = 2;
		s.exampleCount = 1;
		return s;
	}

	@Test
	void torchScriptWhiteBoxAndOnnxByTransfer() throws Exception {
		final ReportSettings s = settings();
		s.transferSource = TORCHSCRIPT.toString();
		final Path out = dir.resolve("report");
		final ReportResult r = RobustnessReport.run(Arrays.asList(TORCHSCRIPT, ONNX), squares(), s, out, null);
		final ReportTable t = ReportTable.readCsv(out.resolve(ReportWriter.CSV));
		final String ts = "tiny-seg.pt", onnx = "tiny-seg-nhwc.onnx";
		for (final ReportTable.Row row : t.rows()) {
			final String expected = row.attack.equals("noise") ? ReportTable.RANDOM : row.model.equals(ts) ? row.attack
				.equals("pgd") ? ReportTable.WHITE_BOX : "worst per image of the above" : row.attack.equals("pgd")
					? ReportTable.transferFrom(ts) : "worst per image of the above (includes transfer from " + ts +
						", not white-box)";
			assertEquals(expected, row.craftedOn, row.toString());
		}
		assertEquals("torchscript", t.curve(ts, "pgd", "dice").get(0).method);
		assertEquals("onnx", t.curve(onnx, "pgd", "dice").get(0).method);
		// the attack works on the TorchScript model, and its images hurt the ONNX twin as much
		final double clean = t.mean(ts, "pgd", 0, "dice"), whiteBox = t.mean(ts, "pgd", 0.5, "dice");
		assertTrue(whiteBox < clean - 0.2, "Dice " + clean + " -> " + whiteBox);
		assertEquals(clean, t.mean(onnx, "pgd", 0, "dice"), 1e-9);
		assertEquals(whiteBox, t.mean(onnx, "pgd", 0.5, "dice"), 0.03);
		assertTrue(t.mean(ts, "noise", 0.5, "dice") > whiteBox + 0.1);
		// the report says plainly which attacks were not white-box
		final ModelResult onnxResult = r.models().get(1);
		assertFalse(onnxResult.whiteBox());
		assertTrue(r.models().get(0).whiteBox());
		assertTrue(onnxResult.flags().stream().anyMatch(f -> f.kind == SanityChecks.Kind.NOT_WHITE_BOX && !f
			.isWarning()));
		assertEquals(null, onnxResult.gradients());
		final String html = new String(Files.readAllBytes(out.resolve(ReportWriter.HTML)), StandardCharsets.UTF_8);
		assertTrue(html.contains("not white-box"), "the HTML does not say so");
		assertTrue(html.contains("transfer from tiny-seg.pt (not white-box)"));
		final String scores = new String(Files.readAllBytes(out.resolve(ReportWriter.SCORES)), StandardCharsets.UTF_8);
		assertTrue(scores.contains("transfer from tiny-seg.pt (not white-box)"), scores);
	}

	@Test
	void onnxNeedsASourceForGradientAttacksButNotForNoise() {
		final AmatException e = assertThrows(AmatException.class, () -> RobustnessReport.evaluate(Arrays.asList(ONNX),
			squares(), settings(), null));
		assertTrue(e.getMessage().contains("gives no gradients") && e.getMessage().contains("transfer source"), e
			.getMessage());
		final ReportSettings noise = settings();
		noise.attacks = Arrays.asList("noise");
		final ReportResult r = RobustnessReport.evaluate(Arrays.asList(ONNX), squares(), noise, null);
		assertTrue(r.models().get(0).cleanMetric() > 0.8);
		assertEquals(ReportTable.RANDOM, r.models().get(0).craftedOn("noise"));
	}
}
