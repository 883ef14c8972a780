package sc.fiji.amat.attack;

import java.util.Locale;

import sc.fiji.amat.AmatException;

/**
 * How a user states a noise size. Attacks work in absolute units of the normalised input (the
 * paper's convention, whose meaning changes with image size); users can reason in
 * <ul>
 * <li>{@code rms} (L2 only): root-mean-square noise per value, eps_abs = rms * sqrt(C*H*W), so
 * 0.1 means noise of a tenth of a standard deviation of a z-scored image, whatever its size;</li>
 * <li>{@code range} (Linf only): a fraction of the image's intensity range: of the valid range
 * when the normalisation has one, else of that image's own normalised min..max;</li>
 * <li>{@code absolute}: eps as the attack sees it.</li>
 * </ul>
 * Every output states which unit is in force.
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

	public void checkFits(final Norm norm) {
		if (this == RMS && norm != Norm.L2) throw new AmatException("The eps unit rms is for the L2 norm; use range for Linf.");
		if (this == RANGE && norm != Norm.LINF) throw new AmatException("The eps unit range is for the Linf norm; use rms for L2.");
	}

	/**
	 * Absolute eps per sample for a value in this unit.
	 *
	 * @param samples N samples of {@code valuesPerSample} normalised values each, flattened
	 * @param validRange the normalisation's valid range, or null
	 */
	public float[] toAbsolute(final double value, final Norm norm, final float[] samples, final int valuesPerSample,
		final float[] validRange)
	{
		if (!(value >= 0) || Double.isInfinite(value)) throw new AmatException("eps must be >= 0, got " + value + ".");
		checkFits(norm);
		final int n = samples.length / valuesPerSample;
		final float[] out = new float[n];
		for (int i = 0; i < n; i++) {
			switch (this) {
				case RMS:
					out[i] = (float) (value * Math.sqrt(valuesPerSample));
					break;
				case RANGE: {
					double width;
					if (validRange != null) width = validRange[1] - validRange[0];
					else {
						float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
						for (int k = i * valuesPerSample; k < (i + 1) * valuesPerSample; k++) {
							lo = Math.min(lo, samples[k]);
							hi = Math.max(hi, samples[k]);
						}
						width = hi - lo;
					}
					out[i] = (float) (value * width);
					break;
				}
				default:
					out[i] = (float) value;
			}
		}
		return out;
	}

	/** A label like "L2 eps 0.1 (rms per value)". */
	public String describe(final double value, final Norm norm) {
		final String unit;
		switch (this) {
			case RMS:
				unit = "rms per value of the normalised input";
				break;
			case RANGE:
				unit = "fraction of the intensity range";
				break;
			default:
				unit = "absolute, normalised-input units";
		}
		return String.format(Locale.ROOT, "%s eps %s (%s)", norm == Norm.L2 ? "L2" : "Linf", value, unit);
	}
}
