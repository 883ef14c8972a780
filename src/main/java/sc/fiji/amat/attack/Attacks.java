package sc.fiji.amat.attack;

import java.util.Locale;

import sc.fiji.amat.AmatException;

/** Attacks by the names users type: PGD, IFGSM, FGSM, white noise. */
public final class Attacks {

	/** The paper's PGD step-size factor: step = alpha * eps / T. */
	public static final float PGD_ALPHA = 4;

	private Attacks() {}

	/**
	 * @param iterations PGD and IFGSM steps; white-noise draws (worst of); ignored by FGSM
	 */
	public static Attack create(final String name, final Norm norm, final int iterations) {
		switch (name.trim().toLowerCase(Locale.ROOT).replace(" ", "").replace("-", "")) {
			case "pgd":
				return Pgd.pgd(norm, iterations, PGD_ALPHA);
			case "ifgsm":
				return Pgd.ifgsm(norm, iterations);
			case "fgsm":
				return Pgd.fgsm(norm);
			case "whitenoise":
			case "noise":
				return new WhiteNoise(norm, WhiteNoise.Distribution.UNIFORM, iterations);
			default:
				throw new AmatException("Unknown attack '" + name + "': use PGD, IFGSM, FGSM or White noise.");
		}
	}
}
