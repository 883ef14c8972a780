package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.TinyData;
import sc.fiji.amat.task.AttackLoss;
import sc.fiji.amat.task.segmentation.SegmentationTask;

/** What each preset runs, how runs become members, and the errors for members a task cannot run. */
class EvaluationPresetTest {

	static final SegmentationTask TASK = TinyData.task();

	@Test
	void strongRunsApgdOnTheTasksFirstLossesPlusFgsmAndNoise() {
		final ReportSettings r = new ReportSettings().resolve(TASK);
		assertEquals(EvaluationPreset.STRONG, r.preset);
		final List<AttackLoss> losses = TASK.attackLosses();
		final int k = EvaluationPreset.STRONG_LOSSES;
		for (int i = 0; i < k; i++) assertEquals("apgd:" + losses.get(i).key(), r.attacks.get(i));
		assertEquals(Arrays.asList("apgd:loss", "apgd:js"), r.attacks.subList(0, k));
		assertEquals(Arrays.asList("fgsm", "noise"), r.attacks.subList(k, r.attacks.size()));
		assertEquals(EvaluationPreset.APGD_STEPS, r.attackSettings("apgd:js").iterations());
	}

	@Test
	void presetsSetStrengthsThatLaterSettingsMayChange() {
		final ReportSettings s = new ReportSettings().preset(EvaluationPreset.QUICK);
		assertEquals(Arrays.asList("pgd", "fgsm", "noise"), s.resolve(TASK).attacks);
		assertEquals(10, s.resolve(TASK).attackSettings("pgd").iterations());
		s.pgdSteps = 30;
		assertEquals(30, s.resolve(TASK).attackSettings("pgd").iterations());
		assertEquals(Arrays.asList("pgd", "ifgsm", "fgsm", "noise"), new ReportSettings().preset(
			EvaluationPreset.STANDARD).resolve(TASK).attacks);
	}

	@Test
	void runsOfRandomStartAttacksBecomeMembers() {
		final ReportSettings s = new ReportSettings();
		s.attacks = ReportSettings.parseAttacks("PGD, apgd:masked-ce, ifgsm, noise");
		s.restarts = 3;
		// deterministic attacks (IFGSM) and the noise (its draws are its runs) are not repeated
		assertEquals(Arrays.asList("pgd", "pgd#2", "pgd#3", "apgd:masked-ce", "apgd:masked-ce#2", "apgd:masked-ce#3",
			"ifgsm", "noise"), s.resolve(TASK).attacks);
		// the settings a user gave stay as they were (split reports record them)
		assertEquals(Arrays.asList("pgd", "apgd:masked-ce", "ifgsm", "noise"), s.attacks);
	}

	@Test
	void membersATaskCannotRunAreRefusedInOneSentence() {
		final ReportSettings s = new ReportSettings();
		s.attacks = ReportSettings.parseAttacks("apgd:heatmap");
		final AmatException e = assertThrows(AmatException.class, () -> s.resolve(TASK));
		assertTrue(e.getMessage().contains("'heatmap'") && e.getMessage().contains("masked-ce"), e.getMessage());
		assertThrows(AmatException.class, () -> ReportSettings.parseAttacks("apgd:ce#0"));
		assertThrows(AmatException.class, () -> ReportSettings.parseAttacks("apgd:"));
		s.attacks = ReportSettings.parseAttacks("pgd, PGD#1");
		assertThrows(AmatException.class, s::check); // the same member twice
	}
}
