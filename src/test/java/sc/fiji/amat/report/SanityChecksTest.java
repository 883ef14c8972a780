package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.attack.PgdType;
import sc.fiji.amat.attack.FgsmType;
import sc.fiji.amat.attack.WhiteNoiseType;
import sc.fiji.amat.task.MetricTable;

class SanityChecksTest {

	static final double[] EPS = { 0, 0.1, 0.2 };

	/** A table of n images whose primary metric is mean + small per-image noise. */
	static MetricTable level(final double mean, final int n, final long seed) {
		final Random r = new Random(seed);
		final MetricTable t = new MetricTable(new String[] { "dice" }, new boolean[] { true });
		for (int i = 0; i < n; i++) t.add(Math.max(0, Math.min(1, mean + 0.02 * r.nextGaussian())));
		return t;
	}

	static MetricTable[] curve(final double... means) {
		final MetricTable[] c = new MetricTable[means.length];
		for (int k = 0; k < means.length; k++) c[k] = level(means[k], 20, 100 * k + Math.round(means[k] * 1000));
		return c;
	}

	static Map<String, MetricTable[]> healthy() {
		final MetricTable[] pgd = curve(0.9, 0.5, 0.2);
		final MetricTable[] fgsm = curve(0.9, 0.7, 0.5);
		final MetricTable[] noise = curve(0.9, 0.88, 0.85);
		fgsm[0] = pgd[0];
		noise[0] = pgd[0];
		final Map<String, MetricTable[]> t = new LinkedHashMap<>();
		t.put(PgdType.KEY, pgd);
		t.put(FgsmType.KEY, fgsm);
		t.put(WhiteNoiseType.KEY, noise);
		return t;
	}

	static List<SanityChecks.Kind> kinds(final List<SanityChecks.Flag> flags) {
		return flags.stream().map(f -> f.kind).collect(Collectors.toList());
	}

	@Test
	void aHealthyModelRaisesNoFlag() {
		final List<SanityChecks.Flag> flags = SanityChecks.check("m", EPS, healthy(), new InputGradients(20, 0, 0, 1, 0.1),
			0.01);
		assertTrue(flags.isEmpty(), flags.toString());
	}

	@Test
	void pgdWeakerThanNoiseIsFlaggedAsMasking() {
		final Map<String, MetricTable[]> t = healthy();
		final MetricTable[] pgd = curve(0.9, 0.89, 0.88); // PGD barely moves...
		pgd[0] = t.get(PgdType.KEY)[0];
		t.put(PgdType.KEY, pgd);
		t.put(WhiteNoiseType.KEY, curve(0.9, 0.6, 0.4)); // ...while noise of the same size hurts
		t.get(WhiteNoiseType.KEY)[0] = pgd[0];
		final List<SanityChecks.Flag> flags = SanityChecks.check("masked", EPS, t, null, 0.01);
		assertTrue(kinds(flags).contains(SanityChecks.Kind.WEAKER_THAN_NOISE), flags.toString());
		assertTrue(kinds(flags).contains(SanityChecks.Kind.WEAKER_THAN_FGSM), flags.toString());
		final SanityChecks.Flag f = flags.get(0);
		assertEquals("masked", f.model);
		assertTrue(f.isWarning());
		assertTrue(f.message.contains("pgd") && f.message.contains("eps 0.1"), f.message);
	}

	@Test
	void aMetricRisingWithEpsIsFlagged() {
		final Map<String, MetricTable[]> t = healthy();
		final MetricTable[] pgd = curve(0.9, 0.2, 0.45); // still below FGSM (0.7, 0.5) and noise
		pgd[0] = t.get(PgdType.KEY)[0];
		t.put(PgdType.KEY, pgd);
		final List<SanityChecks.Flag> flags = SanityChecks.check("m", EPS, t, null, 0.01);
		assertEquals(List.of(SanityChecks.Kind.NOT_FALLING), kinds(flags), flags.toString());
	}

	@Test
	void differencesWithinTheirStandardErrorDoNotFire() {
		final Map<String, MetricTable[]> t = healthy();
		// noise of 0.3 per image, a mean difference of 0.05 over 20 images: about 1 standard error
		final MetricTable[] noisyPgd = new MetricTable[3];
		final MetricTable[] noisyNoise = new MetricTable[3];
		final Random r = new Random(3);
		for (int k = 0; k < 3; k++) {
			noisyPgd[k] = new MetricTable(new String[] { "dice" }, new boolean[] { true });
			noisyNoise[k] = noisyPgd[k].emptyCopy();
			for (int i = 0; i < 20; i++) {
				final double base = 0.5;
				noisyNoise[k].add(base);
				noisyPgd[k].add(base + (i % 2 == 0 ? 0.35 : -0.25) + 0.01 * r.nextGaussian());
			}
		}
		t.put(PgdType.KEY, noisyPgd);
		t.put(WhiteNoiseType.KEY, noisyNoise);
		t.remove(FgsmType.KEY);
		final List<SanityChecks.Flag> flags = SanityChecks.check("m", EPS, t, null, 0.01);
		assertTrue(!kinds(flags).contains(SanityChecks.Kind.WEAKER_THAN_NOISE), flags.toString());
	}

	@Test
	void zeroAndNonFiniteGradientsAreFlagged() {
		final List<SanityChecks.Flag> flags = SanityChecks.check("m", EPS, healthy(), new InputGradients(20, 3, 1, 0.5,
			0), 0.01);
		assertEquals(List.of(SanityChecks.Kind.ZERO_GRADIENT, SanityChecks.Kind.NON_FINITE_GRADIENT), kinds(flags));
		assertTrue(flags.get(0).message.contains("3 of 20"), flags.get(0).message);
	}

	@Test
	void anAttackWithoutEffectGetsANote() {
		final Map<String, MetricTable[]> t = healthy();
		final MetricTable[] pgd = new MetricTable[] { t.get(PgdType.KEY)[0], t.get(PgdType.KEY)[0], t.get(
			PgdType.KEY)[0] };
		t.put(PgdType.KEY, pgd);
		t.remove(WhiteNoiseType.KEY);
		t.remove(FgsmType.KEY);
		final List<SanityChecks.Flag> flags = SanityChecks.check("m", EPS, t, null, 0.01);
		assertEquals(List.of(SanityChecks.Kind.NO_DROP), kinds(flags));
		assertTrue(!flags.get(0).isWarning());
	}

	@Test
	void doublingTheStepsBelowTheWorstCaseMeansNotConverged() {
		final Map<String, MetricTable[]> t = healthy();
		final SanityChecks.Extra x = new SanityChecks.Extra();
		x.level = 1;
		x.doubledMember = PgdType.KEY;
		x.doubled = level(0.5, 20, 1000 + 5); // the same as the worst case: converged
		assertTrue(SanityChecks.check("m", EPS, t, null, 0.01, x).isEmpty());
		x.doubled = level(0.3, 20, 7); // twice the steps take 0.2 more
		final List<SanityChecks.Flag> flags = SanityChecks.check("m", EPS, t, null, 0.01, x);
		assertEquals(List.of(SanityChecks.Kind.NOT_CONVERGED), kinds(flags), flags.toString());
		assertTrue(flags.get(0).message.contains("had not converged"), flags.get(0).message);
	}

	@Test
	void aTransferBeatingTheWhiteBoxAttacksIsFlagged() {
		final Map<String, MetricTable[]> t = healthy();
		final SanityChecks.Extra x = new SanityChecks.Extra();
		x.level = 2;
		x.transferSource = "other";
		x.transfer = level(0.35, 20, 8); // weaker than white-box PGD (0.2): as it should be
		assertTrue(SanityChecks.check("m", EPS, t, null, 0.01, x).isEmpty());
		x.transfer = level(0.05, 20, 9);
		final List<SanityChecks.Flag> flags = SanityChecks.check("m", EPS, t, null, 0.01, x);
		assertEquals(List.of(SanityChecks.Kind.TRANSFER_BEATS_WHITE_BOX), kinds(flags), flags.toString());
		assertTrue(flags.get(0).message.contains("crafted on other"), flags.get(0).message);
	}

	@Test
	void anUndefendedModelThatDoesNotCollapseIsFlagged() {
		final SanityChecks.Extra x = new SanityChecks.Extra();
		x.undefended = true;
		assertTrue(SanityChecks.check("m", EPS, healthy(), null, 0.01, x).isEmpty()); // 0.9 -> 0.2
		final Map<String, MetricTable[]> t = healthy();
		final MetricTable[] pgd = curve(0.9, 0.7, 0.6); // keeps two thirds of its clean Dice
		pgd[0] = t.get(PgdType.KEY)[0];
		t.put(PgdType.KEY, pgd);
		t.remove(FgsmType.KEY);
		assertTrue(SanityChecks.check("m", EPS, t, null, 0.01, new SanityChecks.Extra()).isEmpty()); // defended: fine
		assertEquals(List.of(SanityChecks.Kind.NO_COLLAPSE), kinds(SanityChecks.check("m", EPS, t, null, 0.01, x)));
	}

	@Test
	void theGradientAttacksCountTogetherAgainstNoise() {
		// one member barely moves, another does: together they beat the noise, so no flag
		final Map<String, MetricTable[]> t = healthy();
		final MetricTable[] weak = curve(0.9, 0.89, 0.88);
		weak[0] = t.get(PgdType.KEY)[0];
		t.put("apgd:js", weak);
		t.remove(FgsmType.KEY);
		assertTrue(SanityChecks.check("m", EPS, t, null, 0.01).isEmpty());
		t.remove(PgdType.KEY); // only the weak one: flagged
		assertTrue(kinds(SanityChecks.check("m", EPS, t, null, 0.01)).contains(SanityChecks.Kind.WEAKER_THAN_NOISE));
	}
}
