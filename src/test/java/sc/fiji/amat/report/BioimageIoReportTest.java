package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.model.BioimageIoImportTest;

/** The robustness report on a bioimage.io package: the same numbers as for the bare TorchScript file it holds. */
class BioimageIoReportTest {

	@TempDir
	Path dir;

	@Test
	void aPackageIsReportedAsTheModelItHolds() throws Exception {
		final Path folder = BioimageIoImportTest.package05(dir, "tiny", null);
		final Path zip = dir.resolve("tiny-package.zip");
		BioimageIoImportTest.zip(folder, zip);
		final List<Path> before = extracted();
		final ReportSettings s = ImportedModelsReportTest.settings();
		final Path out = dir.resolve("report");
		RobustnessReport.run(Arrays.asList(ImportedModelsReportTest.TORCHSCRIPT, zip, folder), ImportedModelsReportTest
			.squares(), s, out, null);
		final ReportTable t = ReportTable.readCsv(out.resolve(ReportWriter.CSV));
		final double clean = t.mean("tiny-seg.pt", "pgd", 0, "dice"), attacked = t.mean("tiny-seg.pt", "pgd", 0.5,
			"dice");
		assertTrue(attacked < clean - 0.2, "Dice " + clean + " -> " + attacked);
		for (final String name : new String[] { "tiny-package", "tiny" }) {
			assertEquals(clean, t.mean(name, "pgd", 0, "dice"), 1e-9, name);
			assertEquals(attacked, t.mean(name, "pgd", 0.5, "dice"), 1e-9, name + ": attacked white-box alike");
			assertEquals(ReportTable.WHITE_BOX, t.rows().stream().filter(r -> r.model.equals(name) && r.attack.equals(
				"pgd")).findFirst().get().craftedOn);
		}
		assertEquals(before, extracted(), "the zip's extracted copies are deleted");
	}

	static List<Path> extracted() throws Exception {
		try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
			return tmp.filter(p -> p.getFileName().toString().startsWith("amat-bioimageio-")).sorted().collect(Collectors
				.toList());
		}
	}
}
