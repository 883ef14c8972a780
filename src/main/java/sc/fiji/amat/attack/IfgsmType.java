package sc.fiji.amat.attack;

import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.scijava.plugin.Plugin;

/** Iterative FGSM (also called BIM): no random start, T steps of eps / T. */
@Plugin(type = AttackType.class, name = IfgsmType.KEY, priority = 300)
public final class IfgsmType implements AttackType {

	public static final String KEY = "ifgsm";
	public static final int STEPS = 10;

	@Override
	public String key() {
		return KEY;
	}

	@Override
	public String displayName() {
		return "IFGSM";
	}

	@Override
	public List<String> aliases() {
		return Collections.singletonList("bim");
	}

	@Override
	public AttackSettings defaults() {
		return AttackSettings.DEFAULTS.iterations(STEPS);
	}

	@Override
	public void check(final AttackSettings s) {
		PgdType.checkSteps(s);
	}

	@Override
	public Attack create(final Norm norm, final AttackSettings s) {
		return Pgd.ifgsm(norm, s.iterations());
	}

	@Override
	public double cost(final AttackSettings s) {
		return s.iterations() + 0.5;
	}

	@Override
	public String describe(final AttackSettings s) {
		return String.format(Locale.ROOT, "IFGSM %d steps", s.iterations());
	}
}
