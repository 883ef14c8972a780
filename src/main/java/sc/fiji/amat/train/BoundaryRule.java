package sc.fiji.amat.train;

import com.google.gson.JsonObject;

import java.util.Locale;

import sc.fiji.amat.task.BoundarySpec;

/**
 * How AMAT's boundary thresholds are obtained: the statistic of the clean per-sample quantities
 * (with ROBUST's z and the tail level of QUANTILE, JOINT and RELATIVE), and whether they follow
 * the model as it trains (recalibrated after every epoch on the current model's clean
 * quantities of that epoch) or stay as first calibrated. See docs/amat-boundaries.md.
 */
public final class BoundaryRule {

	public Thresholds.Statistic statistic = Thresholds.Statistic.MEAN;
	/** ROBUST: the number of robust spreads. */
	public double z = 1;
	/** QUANTILE, RELATIVE: the tail quantile; JOINT: the fraction of samples over at zero noise. */
	public double level = 0.1;
	/** Recalibrate after every epoch on the current model's clean quantities (train mode). */
	public boolean followModel;

	public BoundaryRule() {}

	public BoundaryRule(final Thresholds.Statistic statistic, final double z, final double level,
		final boolean followModel)
	{
		this.statistic = statistic;
		this.z = z;
		this.level = level;
		this.followModel = followModel;
	}

	/** Thresholds by this rule from per-sample quantities (N rows of K values). */
	public Thresholds calibrate(final BoundarySpec spec, final float[][] quantities, final String source) {
		return Thresholds.calibrate(spec, quantities, statistic, z, level, source);
	}

	public JsonObject toJson() {
		final JsonObject o = new JsonObject();
		o.addProperty("statistic", statistic.key());
		if (statistic == Thresholds.Statistic.ROBUST) o.addProperty("z", z);
		if (usesLevel()) o.addProperty("level", level);
		o.addProperty("follow_model", followModel);
		return o;
	}

	private boolean usesLevel() {
		return statistic == Thresholds.Statistic.QUANTILE || statistic == Thresholds.Statistic.JOINT ||
			statistic == Thresholds.Statistic.RELATIVE;
	}

	@Override
	public String toString() {
		return statistic.key() + (statistic == Thresholds.Statistic.ROBUST ? String.format(Locale.ROOT, " z %s", z) : "") +
			(usesLevel() ? String.format(Locale.ROOT, " level %s", level) : "") + (followModel ? ", following the model"
				: ", fixed");
	}
}
