package sc.fiji.amat.attack;

import java.util.Locale;
import java.util.Objects;

/**
 * The options of one attack as a report or a command sets them: iterations (PGD, APGD and IFGSM
 * steps, white-noise draws), PGD's step factor alpha and restarts. An option left unset (null)
 * takes the attack's default ({@link AttackType#defaults()}); each attack reads only the options
 * it has.
 */
public final class AttackSettings {

	/** Every option unset: the attack's defaults. */
	public static final AttackSettings DEFAULTS = new AttackSettings(null, null, null);

	private final Integer iterations;
	private final Float alpha;
	private final Integer restarts;

	private AttackSettings(final Integer iterations, final Float alpha, final Integer restarts) {
		this.iterations = iterations;
		this.alpha = alpha;
		this.restarts = restarts;
	}

	public AttackSettings iterations(final int n) {
		return new AttackSettings(n, alpha, restarts);
	}

	public AttackSettings alpha(final float a) {
		return new AttackSettings(iterations, a, restarts);
	}

	public AttackSettings restarts(final int r) {
		return new AttackSettings(iterations, alpha, r);
	}

	/** These settings with every unset option taken from {@code defaults}. */
	public AttackSettings orElse(final AttackSettings defaults) {
		return new AttackSettings(iterations != null ? iterations : defaults.iterations, alpha != null ? alpha
			: defaults.alpha, restarts != null ? restarts : defaults.restarts);
	}

	/** PGD, APGD and IFGSM steps, white-noise draws; null when unset. */
	public Integer iterations() {
		return iterations;
	}

	/** PGD's step factor: each step is alpha * eps / T; null when unset. */
	public Float alpha() {
		return alpha;
	}

	public Integer restarts() {
		return restarts;
	}

	@Override
	public boolean equals(final Object o) {
		if (!(o instanceof AttackSettings)) return false;
		final AttackSettings s = (AttackSettings) o;
		return Objects.equals(iterations, s.iterations) && Objects.equals(alpha, s.alpha) && Objects.equals(restarts,
			s.restarts);
	}

	@Override
	public int hashCode() {
		return Objects.hash(iterations, alpha, restarts);
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "iterations %s, alpha %s, restarts %s", iterations, alpha, restarts);
	}
}
