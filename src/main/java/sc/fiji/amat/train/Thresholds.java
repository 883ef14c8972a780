package sc.fiji.amat.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.task.BoundarySpec;

/**
 * The thresholds of AMAT's loss-defined boundary, one per boundary quantity of the task, and how
 * they were obtained: a statistic of the quantities of a normally trained model on the training
 * set (mean by default; median; robust mean + z * robust spread, i.e. median + z * 1.4826 * MAD)
 * or values the user gives.
 */
public final class Thresholds {

	public enum Statistic {
		MEAN, MEDIAN, ROBUST, USER;

		public static Statistic parse(final String s) {
			try {
				return valueOf(s.trim().toUpperCase(Locale.ROOT));
			}
			catch (final IllegalArgumentException e) {
				throw new AmatException("Unknown threshold statistic '" + s + "': use mean, median, robust or user.");
			}
		}
	}

	private final BoundarySpec spec;
	private final float[] values;
	private final String origin;

	public Thresholds(final BoundarySpec spec, final float[] values, final String origin) {
		if (values.length != spec.size()) {
			throw new AmatException("The task's boundary has " + spec.size() + " quantities " + spec + " but " +
				values.length + " threshold(s) were given.");
		}
		for (final float v : values) {
			if (!Float.isFinite(v)) throw new AmatException("A threshold is not a finite number: " + Arrays.toString(values));
		}
		this.spec = spec;
		this.values = values.clone();
		this.origin = origin;
	}

	/**
	 * Thresholds as a statistic of per-sample quantities (N rows of K values; NaN values, e.g.
	 * undefined Dice, are left out).
	 */
	public static Thresholds calibrate(final BoundarySpec spec, final float[][] quantities, final Statistic statistic,
		final double z, final String source)
	{
		final float[] t = new float[spec.size()];
		for (int k = 0; k < spec.size(); k++) {
			final List<Float> v = new ArrayList<>();
			for (final float[] row : quantities) {
				if (!Float.isNaN(row[k])) v.add(row[k]);
			}
			if (v.isEmpty()) {
				throw new AmatException("No training sample defines the boundary quantity '" + spec.name(k) +
					"' (for segmentation: every label is empty): AMAT cannot calibrate its threshold.");
			}
			final double[] a = v.stream().mapToDouble(Float::doubleValue).sorted().toArray();
			switch (statistic) {
				case MEAN:
					t[k] = (float) Arrays.stream(a).average().getAsDouble();
					break;
				case MEDIAN:
					t[k] = (float) median(a);
					break;
				case ROBUST: {
					final double med = median(a);
					final double[] dev = Arrays.stream(a).map(x -> Math.abs(x - med)).sorted().toArray();
					// a robust boundary lies on the bad side: below for "higher is better"
					final double spread = 1.4826 * median(dev);
					t[k] = (float) (spec.higherIsBetter(k) ? med - z * spread : med + z * spread);
					break;
				}
				default:
					throw new IllegalArgumentException("USER thresholds are given, not calibrated");
			}
		}
		final String how = statistic == Statistic.ROBUST ? String.format(Locale.ROOT, "robust (median %s %s x 1.4826 MAD)",
			"-/+", z) : statistic.name().toLowerCase(Locale.ROOT);
		return new Thresholds(spec, t, how + " of " + quantities.length + " training images on " + source);
	}

	static double median(final double[] sorted) {
		final int n = sorted.length;
		return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	}

	public BoundarySpec spec() {
		return spec;
	}

	public float[] values() {
		return values.clone();
	}

	public String origin() {
		return origin;
	}

	/** True when the sample's quantities are over the boundary. */
	public boolean isOver(final float[] quantities) {
		return spec.isOver(quantities, values);
	}

	public JsonObject toJson() {
		final JsonObject o = new JsonObject();
		final JsonArray names = new JsonArray(), vals = new JsonArray();
		for (int k = 0; k < spec.size(); k++) {
			names.add(spec.name(k));
			vals.add(values[k]);
		}
		o.add("quantities", names);
		o.add("values", vals);
		o.addProperty("origin", origin);
		return o;
	}

	@Override
	public String toString() {
		final StringBuilder b = new StringBuilder();
		for (int k = 0; k < spec.size(); k++) {
			if (k > 0) b.append(", ");
			b.append(spec.name(k)).append(spec.higherIsBetter(k) ? " < " : " > ").append(String.format(Locale.ROOT, "%.4f",
				values[k]));
		}
		return "over the boundary when " + b + " (" + origin + ")";
	}
}
