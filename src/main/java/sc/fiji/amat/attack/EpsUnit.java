package sc.fiji.amat.attack;

import java.util.Locale;

import sc.fiji.amat.AmatException;

/**
 * How a user states a noise size. Attacks work in absolute units of the normalised input (the
 * paper's convention, whose meaning changes with image size); users can reason in
 * <ul>
 * <li>{@code rms} (L2 only): root-mean-square noise per value, so 0.1 means noise of a tenth of
 * a standard deviation of a z-scored image, whatever its size;</li>
 * <li>{@code range} (Linf only): a fraction of the image's intensity range;</li>
 * <li>{@code absolute}: eps as the attack sees it.</li>
 * </ul>
 * A {@link NoiseBudget} holds a value with its unit and norm, checks that they fit and converts
 * it; every output states which unit is in force.
 */
public enum EpsUnit {
	ABSOLUTE, RMS, RANGE;

	public static EpsUnit parse(final String s) {
		switch (s.trim().toLowerCase(Locale.ROOT)) {
			case "absolute":
			case "abs":
				return ABSOLUTE;
			case "rms":
				return RMS;
			case "range":
			case "fraction":
				return RANGE;
			default:
				throw new AmatException("Unknown eps unit '" + s + "': use absolute, rms (L2) or range (Linf).");
		}
	}

	/** The default user unit for a norm: rms for L2, range for Linf. */
	public static EpsUnit defaultFor(final Norm norm) {
		return norm == Norm.L2 ? RMS : RANGE;
	}
}
