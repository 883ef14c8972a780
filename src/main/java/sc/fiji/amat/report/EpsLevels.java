package sc.fiji.amat.report;

import java.util.Locale;

import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;

/** Noise levels with their norm and unit, and why they were chosen (for the user and the report). */
public final class EpsLevels {

	private final double[] values;
	private final NoiseBudget[] budgets;
	public final Norm norm;
	public final EpsUnit unit;
	/** How the levels were chosen, one or two sentences. */
	public final String explanation;

	public EpsLevels(final double[] values, final Norm norm, final EpsUnit unit, final String explanation) {
		ReportSettings.checkEps(values);
		this.values = values.clone();
		this.budgets = new NoiseBudget[values.length];
		for (int k = 0; k < values.length; k++) budgets[k] = NoiseBudget.of(values[k], unit, norm);
		this.norm = norm;
		this.unit = unit;
		this.explanation = explanation;
	}

	public double[] values() {
		return values.clone();
	}

	public int size() {
		return values.length;
	}

	public double get(final int k) {
		return values[k];
	}

	/** Level k as a noise budget, in the levels' unit and norm. */
	public NoiseBudget budget(final int k) {
		return budgets[k];
	}

	public double max() {
		return values[values.length - 1];
	}

	/** The unit's short name: rms, range or absolute. */
	public String unitName() {
		return unit.name().toLowerCase(Locale.ROOT);
	}

	/** "L2, rms per value of the normalised input" and the like. */
	public String describeUnit() {
		return budgets[0].unitDescription();
	}

	/** The levels as "0, 0.05, 0.1". */
	public String list() {
		final StringBuilder b = new StringBuilder();
		for (int k = 0; k < values.length; k++) {
			if (k > 0) b.append(", ");
			b.append(format(values[k]));
		}
		return b.toString();
	}

	static String format(final double v) {
		final String s = String.format(Locale.ROOT, "%.4g", v);
		return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
	}

	@Override
	public String toString() {
		return (norm == Norm.L2 ? "L2" : "Linf") + " eps " + list() + " (" + describeUnit() + ")";
	}
}
