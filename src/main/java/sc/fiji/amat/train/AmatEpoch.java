package sc.fiji.amat.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.model.ModelInfo;

/**
 * What AMAT did in one epoch, as the model file's history keeps it: the margins after the epoch
 * (rms per value: smallest, 10th percentile, median, 90th percentile, largest), the fraction of
 * samples that grew in the epoch and that have grown at least twice so far, and where the
 * samples were over the boundary: on the clean input, at the random start, and only after PGD
 * steps (inside at the start, over at a later iterate, the final one included). Values a file
 * written before they existed lacks are NaN.
 */
public final class AmatEpoch {

	public final int epoch;
	public final double min, q10, median, q90, max;
	public final double fractionExpanded, fractionExpandedTwice;
	public final double fractionOverClean, fractionOverAtStart, fractionOverOnlyAfterSteps;

	AmatEpoch(final int epoch, final double[] marginsRms, final double fractionExpanded,
		final double fractionExpandedTwice, final double overClean, final double overAtStart,
		final double overOnlyAfterSteps)
	{
		final double[] s = marginsRms.clone();
		Arrays.sort(s);
		this.epoch = epoch;
		this.min = s.length == 0 ? Double.NaN : s[0];
		this.q10 = s.length == 0 ? Double.NaN : Thresholds.quantile(s, 0.1);
		this.median = s.length == 0 ? Double.NaN : Thresholds.quantile(s, 0.5);
		this.q90 = s.length == 0 ? Double.NaN : Thresholds.quantile(s, 0.9);
		this.max = s.length == 0 ? Double.NaN : s[s.length - 1];
		this.fractionExpanded = fractionExpanded;
		this.fractionExpandedTwice = fractionExpandedTwice;
		this.fractionOverClean = overClean;
		this.fractionOverAtStart = overAtStart;
		this.fractionOverOnlyAfterSteps = overOnlyAfterSteps;
	}

	private AmatEpoch(final JsonObject h) {
		epoch = h.has("epoch") ? h.get("epoch").getAsInt() : 0;
		min = number(h, "min_rms");
		q10 = number(h, "q10_rms");
		median = number(h, "median_rms");
		q90 = number(h, "q90_rms");
		max = number(h, "max_rms");
		fractionExpanded = number(h, "fraction_expanded");
		fractionExpandedTwice = number(h, "fraction_expanded_twice");
		fractionOverClean = number(h, "fraction_over_clean");
		fractionOverAtStart = number(h, "fraction_over_at_start");
		fractionOverOnlyAfterSteps = number(h, "fraction_over_only_after_steps");
	}

	/** The median margin as a noise budget. */
	public NoiseBudget medianBudget() {
		return NoiseBudget.of(median, EpsUnit.RMS, Norm.L2);
	}

	/** True when the record has the boundary diagnostics (files written since they exist). */
	public boolean hasDiagnostics() {
		return !Double.isNaN(fractionOverAtStart);
	}

	/** The epoch in one line, for the log. */
	public String line() {
		final String margins = String.format(Locale.ROOT, "margins rms q10 %.4f med %.4f q90 %.4f (min %.4f max %.4f), " +
			"%.0f%% expanded, %.0f%% expanded >= 2 times", q10, median, q90, min, max, 100 * fractionExpanded, 100 *
				fractionExpandedTwice);
		return margins + "; " + overLine();
	}

	/** Where the samples were over the boundary, in words. */
	public String overLine() {
		return String.format(Locale.ROOT, "over the boundary: %.0f%% clean, %.0f%% at the random start, %.0f%% only " +
			"after PGD steps", 100 * fractionOverClean, 100 * fractionOverAtStart, 100 * fractionOverOnlyAfterSteps);
	}

	JsonObject toJson(final Thresholds inForce) {
		final JsonObject h = new JsonObject();
		h.addProperty("epoch", epoch);
		h.addProperty("min_rms", min);
		h.addProperty("q10_rms", q10);
		h.addProperty("median_rms", median);
		h.addProperty("q90_rms", q90);
		h.addProperty("max_rms", max);
		h.addProperty("fraction_expanded", fractionExpanded);
		h.addProperty("fraction_expanded_twice", fractionExpandedTwice);
		h.addProperty("fraction_over_clean", fractionOverClean);
		h.addProperty("fraction_over_at_start", fractionOverAtStart);
		h.addProperty("fraction_over_only_after_steps", fractionOverOnlyAfterSteps);
		final JsonArray t = new JsonArray();
		for (final float v : inForce.values()) t.add(v);
		h.add("thresholds", t);
		return h;
	}

	private static double number(final JsonObject h, final String key) {
		return h.has(key) && !h.get(key).isJsonNull() ? h.get(key).getAsDouble() : Double.NaN;
	}

	/** The epochs a model file of AMAT records, oldest first (empty for other methods). */
	public static List<AmatEpoch> history(final ModelInfo.Training record) {
		final List<AmatEpoch> out = new ArrayList<>();
		final JsonObject state = record.methodState;
		if (!AmatTraining.KEY.equals(record.method) || state == null || !state.has("history")) return out;
		for (final JsonElement e : state.getAsJsonArray("history")) {
			if (e.isJsonObject()) out.add(new AmatEpoch(e.getAsJsonObject()));
		}
		return out;
	}

	/** The margins of every training sample after the last epoch, rms per value (empty for other methods). */
	public static double[] finalMarginsRms(final ModelInfo.Training record) {
		final JsonObject p = record.parameters, state = record.methodState;
		if (!AmatTraining.KEY.equals(record.method) || p == null || state == null || !state.has("margins") || !p.has(
			"delta") || !p.has("delta_rms")) return new double[0];
		final double toRms = p.get("delta_rms").getAsDouble() / p.get("delta").getAsDouble();
		final JsonArray m = state.getAsJsonArray("margins");
		final double[] out = new double[m.size()];
		for (int k = 0; k < out.length; k++) out[k] = m.get(k).getAsDouble() * toRms;
		return out;
	}
}
