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
 * they were obtained: a statistic of per-sample quantities on the clean training set (mean, the
 * spec's default; median; robust mean + z * robust spread, i.e. median + z * 1.4826 * MAD; a tail
 * quantile; a joint tail level) or values the user gives. Absolute thresholds compare a
 * quantity with its threshold; <b>relative</b> ones (a named deviation from the spec, see
 * docs/amat-boundaries.md) are amounts: a sample is over when a quantity is worse than the
 * sample's own clean value by more than the amount.
 */
public final class Thresholds {

	public enum Statistic {
		/** Per quantity, the mean (the spec's boundary). */
		MEAN,
		MEDIAN,
		/** Per quantity, median -/+ z * 1.4826 * MAD, on the bad side. */
		ROBUST,
		/** Per quantity, the tail quantile at the level: that fraction of samples is worse. */
		QUANTILE,
		/** One tail level for all quantities, so that the level's fraction of samples is over in any. */
		JOINT,
		/** Relative amounts: median minus the tail quantile at the level, per quantity. */
		RELATIVE,
		USER;

		public static Statistic parse(final String s) {
			try {
				return valueOf(s.trim().toUpperCase(Locale.ROOT));
			}
			catch (final IllegalArgumentException e) {
				throw new AmatException("Unknown AMAT boundary '" + s + "': use mean, median, robust, quantile, joint, " +
					"relative or user.");
			}
		}

		public String key() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	private final BoundarySpec spec;
	private final float[] values;
	private final String origin;
	private final boolean relative;

	public Thresholds(final BoundarySpec spec, final float[] values, final String origin) {
		this(spec, values, origin, false);
	}

	/** @param relative true: the values are amounts a quantity may worsen from the sample's clean value */
	public Thresholds(final BoundarySpec spec, final float[] values, final String origin, final boolean relative) {
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
		this.relative = relative;
		if (relative) {
			for (final float v : values) {
				if (v < 0) throw new AmatException("A relative boundary's amounts must be >= 0: " + Arrays.toString(values));
			}
		}
	}

	/** As {@link #calibrate(BoundarySpec, float[][], Statistic, double, double, String)} at level 0.1. */
	public static Thresholds calibrate(final BoundarySpec spec, final float[][] quantities, final Statistic statistic,
		final double z, final String source)
	{
		return calibrate(spec, quantities, statistic, z, 0.1, source);
	}

	/**
	 * Thresholds as a statistic of per-sample quantities (N rows of K values; NaN values, e.g.
	 * undefined Dice, are left out). {@code z} is ROBUST's number of spreads; {@code level} is the
	 * tail fraction of QUANTILE, JOINT and RELATIVE (the bad tail: low for "higher is better").
	 */
	public static Thresholds calibrate(final BoundarySpec spec, final float[][] quantities, final Statistic statistic,
		final double z, final double level, final String source)
	{
		if ((statistic == Statistic.QUANTILE || statistic == Statistic.JOINT || statistic == Statistic.RELATIVE) &&
			!(level >= 0 && level <= 1))
		{
			throw new AmatException("The boundary's tail level must be in [0, 1], got " + level + ".");
		}
		final double[][] sorted = new double[spec.size()][];
		for (int k = 0; k < spec.size(); k++) {
			final List<Float> v = new ArrayList<>();
			for (final float[] row : quantities) {
				if (!Float.isNaN(row[k])) v.add(row[k]);
			}
			if (v.isEmpty()) {
				throw new AmatException("No training sample defines the boundary quantity '" + spec.name(k) +
					"' (for segmentation: every label is empty): AMAT cannot calibrate its threshold.");
			}
			sorted[k] = v.stream().mapToDouble(Float::doubleValue).sorted().toArray();
		}
		final double jointLevel = statistic == Statistic.JOINT ? jointLevel(spec, quantities, sorted, level) : level;
		final float[] t = new float[spec.size()];
		for (int k = 0; k < spec.size(); k++) {
			final double[] a = sorted[k];
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
				case QUANTILE:
				case JOINT:
					t[k] = (float) tail(spec, k, a, jointLevel);
					break;
				case RELATIVE:
					t[k] = (float) Math.abs(median(a) - tail(spec, k, a, level));
					break;
				default:
					throw new IllegalArgumentException("USER thresholds are given, not calibrated");
			}
		}
		final String how;
		switch (statistic) {
			case ROBUST:
				how = String.format(Locale.ROOT, "robust (median -/+ %s x 1.4826 MAD)", z);
				break;
			case QUANTILE:
				how = String.format(Locale.ROOT, "tail quantile %s", level);
				break;
			case JOINT:
				how = String.format(Locale.ROOT, "joint tail level %.4f (%s of the samples over at zero noise)", jointLevel,
					level);
				break;
			case RELATIVE:
				how = String.format(Locale.ROOT, "relative: worse than the sample's clean value by more than median - " +
					"tail quantile %s", level);
				break;
			default:
				how = statistic.key();
		}
		return new Thresholds(spec, t, how + " of " + quantities.length + " training images on " + source,
			statistic == Statistic.RELATIVE);
	}

	/** The tail quantile of quantity k at a level: low for "higher is better", high otherwise. */
	static double tail(final BoundarySpec spec, final int k, final double[] sorted, final double level) {
		return quantile(sorted, spec.higherIsBetter(k) ? level : 1 - level);
	}

	/** The p-quantile of sorted values, interpolated linearly between order statistics (R's type 7). */
	static double quantile(final double[] sorted, final double p) {
		final double h = (sorted.length - 1) * Math.max(0, Math.min(1, p));
		final int lo = (int) Math.floor(h);
		final int hi = Math.min(sorted.length - 1, lo + 1);
		return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
	}

	/**
	 * The largest common tail level p in [0, fraction] at which at most that fraction of the rows
	 * is over in any quantity (rows with NaN count by their defined quantities), found by
	 * bisection: the fraction over grows with p.
	 */
	private static double jointLevel(final BoundarySpec spec, final float[][] rows, final double[][] sorted,
		final double fraction)
	{
		double lo = 0, hi = fraction;
		if (fractionOver(spec, rows, sorted, hi) <= fraction) return hi;
		for (int it = 0; it < 60; it++) {
			final double mid = (lo + hi) / 2;
			if (fractionOver(spec, rows, sorted, mid) <= fraction) lo = mid;
			else hi = mid;
		}
		return lo;
	}

	private static double fractionOver(final BoundarySpec spec, final float[][] rows, final double[][] sorted,
		final double p)
	{
		final float[] t = new float[spec.size()];
		for (int k = 0; k < t.length; k++) t[k] = (float) tail(spec, k, sorted[k], p);
		int over = 0;
		for (final float[] row : rows) {
			for (int k = 0; k < t.length; k++) {
				if (!Float.isNaN(row[k]) && spec.isOver(k, row[k], t[k])) {
					over++;
					break;
				}
			}
		}
		return rows.length == 0 ? 0 : (double) over / rows.length;
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

	/** True for a relative boundary: over when worse than the sample's own clean value by more than an amount. */
	public boolean relative() {
		return relative;
	}

	/** True when the sample's quantities are over an absolute boundary. */
	public boolean isOver(final float[] quantities) {
		return isOver(quantities, null);
	}

	/**
	 * True when the sample's quantities are over the boundary; a relative boundary compares them
	 * with the sample's clean quantities (NaN, in either, is over).
	 */
	public boolean isOver(final float[] quantities, final float[] clean) {
		if (!relative) return spec.isOver(quantities, values);
		if (clean == null) throw new IllegalStateException("A relative boundary needs the sample's clean quantities");
		for (int k = 0; k < values.length; k++) {
			if (Float.isNaN(quantities[k]) || Float.isNaN(clean[k])) return true;
			final float worse = spec.higherIsBetter(k) ? clean[k] - quantities[k] : quantities[k] - clean[k];
			if (worse > values[k]) return true;
		}
		return false;
	}

	/** True when the other thresholds test the same quantities the same way (values within 1e-5 relative). */
	public boolean sameBoundary(final Thresholds o) {
		if (o.relative != relative || o.values.length != values.length) return false;
		for (int k = 0; k < values.length; k++) {
			if (!spec.name(k).equals(o.spec.name(k))) return false;
			if (Math.abs(values[k] - o.values[k]) > 1e-5 * Math.max(1, Math.abs(values[k]))) return false;
		}
		return true;
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
		o.addProperty("relative", relative);
		o.addProperty("origin", origin);
		return o;
	}

	/** Thresholds as {@link #toJson()} wrote them, for the task's boundary. */
	public static Thresholds fromJson(final BoundarySpec spec, final JsonObject o) {
		final JsonArray vals = o.getAsJsonArray("values");
		final float[] v = new float[vals.size()];
		for (int k = 0; k < v.length; k++) v[k] = vals.get(k).getAsFloat();
		return new Thresholds(spec, v, o.has("origin") ? o.get("origin").getAsString() : "", o.has("relative") && o.get(
			"relative").getAsBoolean());
	}

	@Override
	public String toString() {
		final StringBuilder b = new StringBuilder();
		for (int k = 0; k < spec.size(); k++) {
			if (k > 0) b.append(", ");
			if (relative) b.append(spec.name(k)).append(spec.higherIsBetter(k) ? " falls" : " rises").append(
				" by more than ");
			else b.append(spec.name(k)).append(spec.higherIsBetter(k) ? " < " : " > ");
			b.append(String.format(Locale.ROOT, "%.4f", values[k]));
		}
		return "over the boundary when " + b + (relative ? " from its clean value" : "") + " (" + origin + ")";
	}
}
