package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.model.ImportedModelsTest;

/**
 * A deliberately gradient-masked model (the tiny TorchScript network behind an input quantiser,
 * whose gradient is zero everywhere) beside the same network without the quantiser: the report's
 * sanity checks flag the masked one, by its zero gradients and by the transfer check (the attack
 * crafted on the plain network beats the white-box one), and leave the plain one alone.
 */
class GradientMaskingTest {

	static final Path PLAIN = ImportedModelsTest.fixture("tiny-seg.pt"), MASKED = ImportedModelsTest.fixture(
		"tiny-seg-quantised.pt");

	@Test
	void aQuantisedModelIsFlaggedAndItsTwinIsNot() {
		final ReportSettings s = new ReportSettings();
		s.attacks = Arrays.asList("pgd", "fgsm", "noise");
		s.eps = new double[] { 0, 0.25, 0.5, 0.75 };
		s.pgdSteps = 5;
		s.noiseDraws = 3;
		s.exampleCount = 0;
		final List<String> messages = new ArrayList<>();
		final ReportResult r = RobustnessReport.evaluate(Arrays.asList(PLAIN, MASKED), ImportedModelsReportTest.squares(),
			s, new ReportListener() {

				@Override
				public void message(final String text) {
					messages.add(text);
				}
			});
		final ModelResult plain = r.models().get(0), masked = r.models().get(1);
		final List<SanityChecks.Kind> maskedKinds = masked.flags().stream().map(f -> f.kind).collect(Collectors.toList());
		assertTrue(maskedKinds.contains(SanityChecks.Kind.ZERO_GRADIENT), masked.flags().toString());
		assertTrue(maskedKinds.contains(SanityChecks.Kind.TRANSFER_BEATS_WHITE_BOX), masked.flags().toString());
		assertTrue(plain.flags().stream().noneMatch(SanityChecks.Flag::isWarning), plain.flags().toString());
		// a line per model and attack, with the time left, as a batch-mode user sees it
		for (final String model : new String[] { "tiny-seg.pt", "tiny-seg-quantised.pt" }) {
			for (final String attack : s.attacks) {
				assertEquals(1, messages.stream().filter(m -> m.startsWith(model + ": " + attack + " done (") && m.contains(
					"left")).count(), messages.toString());
			}
		}
		assertTrue(messages.stream().anyMatch(m -> m.startsWith("cost: ")), messages.toString());
	}
}
