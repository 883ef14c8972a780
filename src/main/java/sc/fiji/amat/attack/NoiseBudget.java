package sc.fiji.amat.attack;

import java.util.Locale;
import java.util.Objects;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;

/**
 * A noise budget: how large a perturbation may be, as a value in a {@link EpsUnit unit} under a
 * {@link Norm norm}, e.g. "L2 0.1 rms per value". Attacks work in absolute units of the
 * normalised input; this is the one place that converts a budget into them, per sample:
 * <ul>
 * <li>{@code rms} (L2 only): {@code value * sqrt(C*H*W)}, the same for every sample of a size;</li>
 * <li>{@code range} (Linf only): {@code value} times the intensity range: the valid range of the
 * normalisation when it has one, else that sample's own normalised min..max;</li>
 * <li>{@code absolute}: the value itself.</li>
 * </ul>
 * A budget cannot be made with a unit that does not fit its norm, nor with a value that is
 * negative or not finite.
 */
public final class NoiseBudget {

	private final double value;
	private final EpsUnit unit;
	private final Norm norm;

	private NoiseBudget(final double value, final EpsUnit unit, final Norm norm) {
		this.value = value;
		this.unit = unit;
		this.norm = norm;
	}

	/** A budget of {@code value} in {@code unit} under {@code norm}; fails when the unit does not fit the norm. */
	public static NoiseBudget of(final double value, final EpsUnit unit, final Norm norm) {
		if (norm == null) throw new AmatException("Choose a norm: L2 or Linf.");
		if (unit == EpsUnit.RMS && norm != Norm.L2) {
			throw new AmatException("The eps unit rms is for the L2 norm; use range for Linf.");
		}
		if (unit == EpsUnit.RANGE && norm != Norm.LINF) {
			throw new AmatException("The eps unit range is for the Linf norm; use rms for L2.");
		}
		if (!(value >= 0) || Double.isInfinite(value)) throw new AmatException("eps must be >= 0, got " + value + ".");
		return new NoiseBudget(value, unit == null ? EpsUnit.defaultFor(norm) : unit, norm);
	}

	/** A budget in the norm's user unit: rms per value for L2, fraction of the range for Linf. */
	public static NoiseBudget of(final double value, final Norm norm) {
		return of(value, EpsUnit.defaultFor(norm), norm);
	}

	/** A budget in absolute units of the normalised input, as attacks see it. */
	public static NoiseBudget absolute(final double value, final Norm norm) {
		return of(value, EpsUnit.ABSOLUTE, norm);
	}

	public double value() {
		return value;
	}

	public EpsUnit unit() {
		return unit;
	}

	public Norm norm() {
		return norm;
	}

	/**
	 * The absolute budget of each sample.
	 *
	 * @param samples N samples of {@code valuesPerSample} normalised values each, flattened
	 * @param validRange the normalisation's valid range, or null
	 */
	public float[] toAbsolute(final float[] samples, final int valuesPerSample, final float[] validRange) {
		final float[] out = new float[samples.length / valuesPerSample];
		for (int i = 0; i < out.length; i++) out[i] = absolute(valuesPerSample, width(samples, i * valuesPerSample,
			valuesPerSample, validRange));
		return out;
	}

	/**
	 * The absolute budget of every sample of {@code valuesPerSample} values, when it does not
	 * depend on their content: rms, absolute, or range with a valid range.
	 */
	public float toAbsolute(final int valuesPerSample, final float[] validRange) {
		if (unit == EpsUnit.RANGE && validRange == null) {
			throw new IllegalStateException("A range budget without a valid range differs from sample to sample");
		}
		return absolute(valuesPerSample, validRange == null ? Double.NaN : validRange[1] - validRange[0]);
	}

	/** The mean absolute budget over the samples of a data set, sample by sample. */
	public double meanAbsolute(final LabeledData<?> data, final float[] validRange) {
		double sum = 0;
		for (int i = 0; i < data.size(); i++) {
			sum += absolute(data.sampleSize(), width(data.image(i), 0, data.sampleSize(), validRange));
		}
		return sum / data.size();
	}

	/**
	 * This budget in another unit of the same norm, for samples of {@code valuesPerSample} values
	 * whose intensity range is {@code rangeWidth} (used by range only).
	 */
	public NoiseBudget in(final EpsUnit target, final int valuesPerSample, final double rangeWidth) {
		if (target == unit) return this;
		return fromAbsolute(absolute(valuesPerSample, rangeWidth, value), target, norm, valuesPerSample, rangeWidth);
	}

	/** The budget in {@code unit} (null: the norm's user unit) whose absolute size is {@code absolute}. */
	public static NoiseBudget fromAbsolute(final double absolute, final EpsUnit unit, final Norm norm,
		final int valuesPerSample, final double rangeWidth)
	{
		final EpsUnit u = unit == null ? EpsUnit.defaultFor(norm) : unit;
		return of(valueOf(absolute, u, valuesPerSample, rangeWidth), u, norm);
	}

	/**
	 * The value in {@code unit} of an absolute size, unchecked (statistics of sizes that may be
	 * undefined are recorded as they are).
	 */
	public static double valueOf(final double absolute, final EpsUnit unit, final int valuesPerSample,
		final double rangeWidth)
	{
		return unit == EpsUnit.RMS ? absolute / Math.sqrt(valuesPerSample) : unit == EpsUnit.RANGE ? absolute /
			rangeWidth : absolute;
	}

	/** The absolute budget of one sample, as a float like every eps an attack takes. */
	private float absolute(final int valuesPerSample, final double rangeWidth) {
		return (float) absolute(valuesPerSample, rangeWidth, value);
	}

	private double absolute(final int valuesPerSample, final double rangeWidth, final double v) {
		switch (unit) {
			case RMS:
				return v * Math.sqrt(valuesPerSample);
			case RANGE:
				return v * rangeWidth;
			default:
				return v;
		}
	}

	/** The intensity range a range budget scales: the valid range's, else the sample's own. */
	private double width(final float[] values, final int from, final int size, final float[] validRange) {
		if (unit != EpsUnit.RANGE) return Double.NaN;
		if (validRange != null) return validRange[1] - validRange[0];
		float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
		for (int k = from; k < from + size; k++) {
			lo = Math.min(lo, values[k]);
			hi = Math.max(hi, values[k]);
		}
		return hi - lo;
	}

	/** "L2" or "Linf". */
	public String normName() {
		return norm == Norm.L2 ? "L2" : "Linf";
	}

	/** What the unit means: "rms per value of the normalised input" and the like. */
	public String unitDescription() {
		switch (unit) {
			case RMS:
				return "rms per value of the normalised input";
			case RANGE:
				return "fraction of the intensity range";
			default:
				return "absolute, normalised-input units";
		}
	}

	/** A label like "L2 eps 0.1 (rms per value of the normalised input)". */
	public String describe() {
		return String.format(Locale.ROOT, "%s eps %s (%s)", normName(), value, unitDescription());
	}

	@Override
	public boolean equals(final Object o) {
		if (!(o instanceof NoiseBudget)) return false;
		final NoiseBudget b = (NoiseBudget) o;
		return Double.compare(value, b.value) == 0 && unit == b.unit && norm == b.norm;
	}

	@Override
	public int hashCode() {
		return Objects.hash(value, unit, norm);
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%s %s %s", normName(), value, unit.name().toLowerCase(Locale.ROOT));
	}
}
