package sc.fiji.amat.attack;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.AmatException;

/** Uniform white noise scaled to norm eps, the worst of several draws: the baseline every gradient attack must beat. */
@Plugin(type = AttackType.class, name = WhiteNoiseType.KEY, priority = 100)
public final class WhiteNoiseType implements AttackType {

	public static final String KEY = "noise";
	public static final int DRAWS = 10;

	@Override
	public String key() {
		return KEY;
	}

	@Override
	public String displayName() {
		return "White noise";
	}

	@Override
	public List<String> aliases() {
		return Arrays.asList("white noise", "random");
	}

	@Override
	public AttackSettings defaults() {
		return AttackSettings.DEFAULTS.iterations(DRAWS);
	}

	@Override
	public void check(final AttackSettings s) {
		if (s.iterations() < 1) throw new AmatException("White noise needs at least one draw, got " + s.iterations() + ".");
	}

	@Override
	public Attack create(final Norm norm, final AttackSettings s) {
		return new WhiteNoise(norm, WhiteNoise.Distribution.UNIFORM, s.iterations());
	}

	@Override
	public boolean followsGradient() {
		return false;
	}

	@Override
	public double cost(final AttackSettings s) {
		return 0.4 * s.iterations() + 0.5;
	}

	@Override
	public String describe(final AttackSettings s) {
		return String.format(Locale.ROOT, "white noise worst of %d draws", s.iterations());
	}
}
