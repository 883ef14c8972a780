package sc.fiji.amat.report;

import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.Pgd;
import sc.fiji.amat.attack.WhiteNoise;

/**
 * The attacks a report offers, by name, and how the report's settings configure them:
 * <ul>
 * <li>{@code pgd}: random start, T steps of alpha * eps / T, restarts and step schedule as
 * set;</li>
 * <li>{@code ifgsm}: no random start, T steps of eps / T;</li>
 * <li>{@code fgsm}: one step of size eps;</li>
 * <li>{@code noise}: uniform white noise scaled to norm eps, the worst of several draws.</li>
 * </ul>
 */
public final class AttackSpec {

	public static final String PGD = "pgd", IFGSM = "ifgsm", FGSM = "fgsm", NOISE = "noise";
	/** The name of the per-image worst case over the chosen attacks. */
	public static final String WORST_CASE = "worst case";

	private AttackSpec() {}

	/** The canonical name of an attack as users may type it. */
	public static String canonical(final String name) {
		switch (name.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace(" ", "")) {
			case "pgd":
				return PGD;
			case "ifgsm":
			case "bim":
				return IFGSM;
			case "fgsm":
				return FGSM;
			case "noise":
			case "whitenoise":
			case "random":
				return NOISE;
			default:
				throw new AmatException("Unknown attack '" + name + "': choose from pgd, ifgsm, fgsm and noise.");
		}
	}

	/** True for the attacks that follow the input gradient. */
	public static boolean isGradientAttack(final String name) {
		return !NOISE.equals(canonical(name));
	}

	/** The attack a name stands for under the settings. */
	public static Attack create(final String name, final ReportSettings s) {
		switch (canonical(name)) {
			case PGD:
				return Pgd.pgd(s.norm, s.pgdSteps, s.pgdAlpha).withRestarts(s.restarts).withSchedule(s.schedule);
			case IFGSM:
				return Pgd.ifgsm(s.norm, s.ifgsmSteps);
			case FGSM:
				return Pgd.fgsm(s.norm);
			default:
				return new WhiteNoise(s.norm, WhiteNoise.Distribution.UNIFORM, s.noiseDraws);
		}
	}

	/**
	 * The rough cost of one batch under the attack, in forward + backward passes, for progress
	 * estimates.
	 */
	static double cost(final String name, final ReportSettings s) {
		switch (canonical(name)) {
			case PGD:
				return (s.pgdSteps + 1.0) * s.restarts + 0.5;
			case IFGSM:
				return s.ifgsmSteps + 0.5;
			case FGSM:
				return 1.5;
			default:
				return 0.4 * s.noiseDraws + 0.5;
		}
	}
}
