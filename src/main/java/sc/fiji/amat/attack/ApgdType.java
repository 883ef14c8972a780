package sc.fiji.amat.attack;

import java.util.Locale;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.AmatException;

/**
 * APGD ({@link Apgd}): random start, N iterations with momentum and a step size that starts at
 * 2 eps and halves where progress stalls, the best point returned; restarts as set.
 */
@Plugin(type = AttackType.class, name = ApgdType.KEY, priority = 350)
public final class ApgdType implements AttackType {

	public static final String KEY = Apgd.NAME;
	public static final int ITERATIONS = 20;

	@Override
	public String key() {
		return KEY;
	}

	@Override
	public String displayName() {
		return "APGD";
	}

	@Override
	public AttackSettings defaults() {
		return AttackSettings.DEFAULTS.iterations(ITERATIONS).restarts(1);
	}

	@Override
	public void check(final AttackSettings s) {
		PgdType.checkSteps(s);
		if (s.restarts() < 1) throw new AmatException("APGD needs at least one restart, got " + s.restarts() + ".");
	}

	@Override
	public Attack create(final Norm norm, final AttackSettings s) {
		return new Apgd(norm, s.iterations(), s.restarts());
	}

	/** Per restart N forward and backward passes and a last forward pass; then the caller's forward pass. */
	@Override
	public boolean randomStart() {
		return true;
	}

	@Override
	public double cost(final AttackSettings s) {
		return (s.iterations() + 0.5) * s.restarts() + 0.5;
	}

	@Override
	public String describe(final AttackSettings s) {
		return String.format(Locale.ROOT, "APGD %d iterations, %d restart(s)", s.iterations(), s.restarts());
	}
}
