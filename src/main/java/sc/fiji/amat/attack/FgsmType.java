package sc.fiji.amat.attack;

import org.scijava.plugin.Plugin;

/** FGSM: one step of size eps along the gradient direction. */
@Plugin(type = AttackType.class, name = FgsmType.KEY, priority = 200)
public final class FgsmType implements AttackType {

	public static final String KEY = "fgsm";

	@Override
	public String key() {
		return KEY;
	}

	@Override
	public String displayName() {
		return "FGSM";
	}

	@Override
	public AttackSettings defaults() {
		return AttackSettings.DEFAULTS;
	}

	@Override
	public Attack create(final Norm norm, final AttackSettings s) {
		return Pgd.fgsm(norm);
	}

	@Override
	public double cost(final AttackSettings s) {
		return 1.5;
	}
}
