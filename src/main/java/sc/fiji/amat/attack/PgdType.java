package sc.fiji.amat.attack;

import java.util.Locale;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.AmatException;

/**
 * PGD: random start, T steps of alpha * eps / T, restarts as set. Its default
 * alpha, 2.5, is the evaluation attack's everywhere (report, command, command line); training's
 * PGD (SAT, AMAT) takes its own alpha from the training recipe (the paper's 4).
 */
@Plugin(type = AttackType.class, name = PgdType.KEY, priority = 400)
public final class PgdType implements AttackType {

	public static final String KEY = "pgd";
	public static final int STEPS = 20;
	public static final float ALPHA = 2.5f;

	@Override
	public String key() {
		return KEY;
	}

	@Override
	public String displayName() {
		return "PGD";
	}

	@Override
	public AttackSettings defaults() {
		return AttackSettings.DEFAULTS.iterations(STEPS).alpha(ALPHA).restarts(1);
	}

	@Override
	public void check(final AttackSettings s) {
		checkSteps(s);
		if (!(s.alpha() > 0)) throw new AmatException("The PGD step factor alpha must be > 0, got " + s.alpha() + ".");
		if (s.restarts() < 1) throw new AmatException("PGD needs at least one restart, got " + s.restarts() + ".");
	}

	static void checkSteps(final AttackSettings s) {
		if (s.iterations() < 1) throw new AmatException("Iterative attacks need at least one step.");
	}

	@Override
	public Attack create(final Norm norm, final AttackSettings s) {
		return Pgd.pgd(norm, s.iterations(), s.alpha()).withRestarts(s.restarts());
	}

	@Override
	public boolean randomStart() {
		return true;
	}

	@Override
	public double cost(final AttackSettings s) {
		return (s.iterations() + 1.0) * s.restarts() + 0.5;
	}

	@Override
	public String describe(final AttackSettings s) {
		return String.format(Locale.ROOT, "PGD %d steps, alpha %s, %d restart(s)", s.iterations(), s.alpha(), s
			.restarts());
	}
}
