package sc.fiji.amat.report;

import java.util.Locale;

import sc.fiji.amat.AmatException;

/**
 * The paper's single robustness number for a metric-vs-eps curve:
 * {@code sqrt(clean * area)}, where clean is the metric at eps 0 and area is the trapezoid area
 * under the curve from 0 to the largest eps, divided by that eps (so a flat curve at m has area
 * m and score m). Defined for metrics where higher is better and that are not negative
 * (Dice, detection rates, mAP); NaN when the curve has an undefined point or the product is
 * negative.
 */
public final class RobustnessScore {

	public final double clean;
	public final double normalizedArea;
	public final double epsMax;
	public final double score;

	private RobustnessScore(final double clean, final double normalizedArea, final double epsMax) {
		this.clean = clean;
		this.normalizedArea = normalizedArea;
		this.epsMax = epsMax;
		final double p = clean * normalizedArea;
		this.score = Double.isNaN(p) || p < 0 ? Double.NaN : Math.sqrt(p);
	}

	/**
	 * The score of a curve.
	 *
	 * @param eps the noise levels, ascending, starting at 0, at least two
	 * @param metric the metric at each level
	 */
	public static RobustnessScore of(final double[] eps, final double[] metric) {
		if (eps.length != metric.length) {
			throw new IllegalArgumentException(eps.length + " noise levels but " + metric.length + " metric values");
		}
		ReportSettings.checkEps(eps);
		return new RobustnessScore(metric[0], normalizedArea(eps, metric), eps[eps.length - 1]);
	}

	/** Trapezoid area under the curve from eps[0] = 0 to the last eps, divided by the last eps. */
	public static double normalizedArea(final double[] eps, final double[] metric) {
		if (eps.length < 2) throw new AmatException("A curve needs at least two points.");
		double area = 0;
		for (int k = 1; k < eps.length; k++) {
			area += (eps[k] - eps[k - 1]) * (metric[k] + metric[k - 1]) / 2;
		}
		return area / (eps[eps.length - 1] - eps[0]);
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "score %.4f (clean %.4f, normalised area %.4f up to eps %s)", score, clean,
			normalizedArea, epsMax);
	}
}
