package sc.fiji.amat.report;

import java.util.Locale;

/**
 * One independent piece of a report's sweep: one model under one attack at one noise level, or
 * one model's clean evaluation (the attack {@value #CLEAN} at level 0, which also measures the
 * input gradients and keeps the clean example images). Every other unit's random generator is
 * seeded from the report's seed, the attack and the noise level alone
 * ({@link #attackSeed}), so a unit computes the same numbers in whatever job
 * and order it runs.
 */
public final class SweepUnit {

	/** The attack name of a model's clean unit. */
	public static final String CLEAN = "clean";

	/** The model's index in the report and its display name. */
	public final int model;
	public final String modelName;
	/** A canonical attack name ({@link sc.fiji.amat.attack.AttackTypes}), or {@value #CLEAN}. */
	public final String attack;
	/** The noise level's index (0 for the clean unit) and value. */
	public final int level;
	public final double eps;

	public SweepUnit(final int model, final String modelName, final String attack, final int level, final double eps) {
		this.model = model;
		this.modelName = modelName;
		this.attack = attack;
		this.level = level;
		this.eps = eps;
	}

	/**
	 * The seed of the random generator for an attack at a noise level: a function of the
	 * report's seed, the attack's name and the level's value only, so every model meets the same
	 * random starts and noise, and a unit computes the same numbers whichever job runs it and
	 * whatever else that job runs.
	 */
	public static int attackSeed(final long seed, final String attack, final double eps) {
		long h = mix(seed + 0x9E3779B97F4A7C15L);
		for (int i = 0; i < attack.length(); i++) h = mix(h ^ attack.charAt(i));
		h = mix(h ^ Double.doubleToLongBits(eps));
		return (int) (h ^ (h >>> 32));
	}

	/** SplitMix64's finaliser. */
	private static long mix(final long x) {
		long z = x + 0x9E3779B97F4A7C15L;
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}

	public boolean isClean() {
		return CLEAN.equals(attack);
	}

	/** Identifies the unit within one sweep. */
	public String key() {
		return modelName + "\u0000" + attack + "\u0000" + level;
	}

	@Override
	public String toString() {
		return isClean() ? modelName + " clean" : String.format(Locale.ROOT, "%s %s eps %s", modelName, attack,
			EpsLevels.format(eps));
	}
}
