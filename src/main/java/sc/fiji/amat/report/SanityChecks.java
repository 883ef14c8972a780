package sc.fiji.amat.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sc.fiji.amat.attack.FgsmType;
import sc.fiji.amat.attack.IfgsmType;
import sc.fiji.amat.attack.PgdType;
import sc.fiji.amat.attack.WhiteNoiseType;
import sc.fiji.amat.task.MetricTable;

/**
 * Checks a sceptical reviewer would ask for before believing a robustness curve, run for every
 * model; each one that fires is a {@link Flag}. Comparisons use the primary metric per image,
 * paired between two evaluations of the same images, and fire only when the mean difference
 * exceeds both the tolerance and twice its standard error, so sampling noise alone rarely
 * fires them.
 * <ul>
 * <li>a gradient attack (PGD, IFGSM, FGSM) weaker than white noise of the same size, or PGD or
 * IFGSM weaker than FGSM: the gradient leads the attack astray (gradient masking);</li>
 * <li>the metric under a gradient attack, or in the worst case, rising as eps grows;</li>
 * <li>the strongest gradient attack at the largest eps not lowering the metric at all (a note:
 * the model may be robust at that size, or its gradients masked: try a larger eps);</li>
 * <li>input gradients that are exactly zero or not finite.</li>
 * </ul>
 */
public final class SanityChecks {

	/** What a check found. */
	public enum Kind {
		WEAKER_THAN_NOISE, WEAKER_THAN_FGSM, NOT_FALLING, NO_DROP, ZERO_GRADIENT, NON_FINITE_GRADIENT,
		/** A model without gradients: its gradient attacks were transfer attacks, the checks do not apply. */
		NOT_WHITE_BOX
	}

	/** One finding about one model. */
	public static final class Flag {

		public final String model;
		public final Kind kind;
		public final String message;

		public Flag(final String model, final Kind kind, final String message) {
			this.model = model;
			this.kind = kind;
			this.message = message;
		}

		/** True for findings that suggest gradient masking; false for notes. */
		public boolean isWarning() {
			return kind != Kind.NO_DROP && kind != Kind.NOT_WHITE_BOX;
		}

		@Override
		public String toString() {
			return model + ": " + message;
		}
	}

	/** The built-in attacks the checks compare. */
	private static final String PGD = PgdType.KEY, IFGSM = IfgsmType.KEY, FGSM = FgsmType.KEY, NOISE = WhiteNoiseType.KEY;

	private SanityChecks() {}

	/**
	 * Runs the checks on one model's results.
	 *
	 * @param model the model's name, for the messages
	 * @param eps the noise levels (eps[0] = 0)
	 * @param tables per attack name (attack keys, and {@link WorstCase#NAME}),
	 *          one per-image table per noise level, the same images in the same order
	 * @param gradients the model's input gradients, or null when not measured
	 * @param tolerance the smallest difference of the primary metric that counts
	 */
	public static List<Flag> check(final String model, final double[] eps, final Map<String, MetricTable[]> tables,
		final InputGradients gradients, final double tolerance)
	{
		final List<Flag> flags = new ArrayList<>();
		final MetricTable[] noise = tables.get(NOISE), fgsm = tables.get(FGSM);
		for (final String attack : new String[] { PGD, IFGSM, FGSM }) {
			final MetricTable[] t = tables.get(attack);
			if (t == null) continue;
			if (noise != null) {
				final List<String> where = weaker(t, noise, eps, tolerance);
				if (!where.isEmpty()) {
					flags.add(new Flag(model, Kind.WEAKER_THAN_NOISE, String.format(Locale.ROOT,
						"%s is weaker than white noise of the same size at %s: its gradient leads it astray (gradient " +
							"masking?)", attack, String.join("; ", where))));
				}
			}
			if (fgsm != null && !attack.equals(FGSM)) {
				final List<String> where = weaker(t, fgsm, eps, tolerance);
				if (!where.isEmpty()) {
					flags.add(new Flag(model, Kind.WEAKER_THAN_FGSM, String.format(Locale.ROOT,
						"%s is weaker than one FGSM step of the same size at %s: more steps should never hurt (gradient " +
							"masking?)", attack, String.join("; ", where))));
				}
			}
		}
		for (final Map.Entry<String, MetricTable[]> e : tables.entrySet()) {
			if (e.getKey().equals(NOISE)) continue; // random: no reason to be monotone
			final MetricTable[] t = e.getValue();
			final List<String> rises = new ArrayList<>();
			for (int k = 1; k < eps.length; k++) {
				final double[] d = difference(t[k], t[k - 1]);
				if (exceeds(d, tolerance)) {
					rises.add(String.format(Locale.ROOT, "eps %s -> %s: %s %.4f -> %.4f", fmt(eps[k - 1]), fmt(eps[k]), t[k]
						.primaryName(), t[k - 1].primaryMean(), t[k].primaryMean()));
				}
			}
			if (!rises.isEmpty()) {
				flags.add(new Flag(model, Kind.NOT_FALLING, String.format(Locale.ROOT,
					"under %s the metric rises as eps grows (%s): a stronger attack should never do less harm (gradient " +
						"masking?)", e.getKey(), String.join("; ", rises))));
			}
		}
		final String strongest = tables.containsKey(PGD) ? PGD : tables.containsKey(
			IFGSM) ? IFGSM : tables.containsKey(FGSM) ? FGSM : null;
		if (strongest != null) {
			final MetricTable[] t = tables.get(strongest);
			final int last = eps.length - 1;
			final double[] drop = difference(t[0], t[last]);
			if (!exceeds(drop, tolerance)) {
				flags.add(new Flag(model, Kind.NO_DROP, String.format(Locale.ROOT,
					"%s at the largest eps %s does not lower %s (%.4f clean, %.4f attacked): the model is robust at this " +
						"size, or its gradients are masked; a larger eps tells which", strongest, fmt(eps[last]), t[0]
							.primaryName(), t[0].primaryMean(), t[last].primaryMean())));
			}
		}
		if (gradients != null) {
			if (gradients.zero > 0) {
				flags.add(new Flag(model, Kind.ZERO_GRADIENT, String.format(Locale.ROOT,
					"the input gradient of the loss is exactly zero for %d of %d test images: gradient attacks cannot " +
						"move them, so their curves overstate robustness", gradients.zero, gradients.n)));
			}
			if (gradients.nonFinite > 0) {
				flags.add(new Flag(model, Kind.NON_FINITE_GRADIENT, String.format(Locale.ROOT,
					"the input gradient of the loss is not finite (NaN or infinite) for %d of %d test images",
					gradients.nonFinite, gradients.n)));
			}
		}
		return flags;
	}

	/** The levels (eps > 0) where attack a leaves a clearly better metric than attack b. */
	private static List<String> weaker(final MetricTable[] a, final MetricTable[] b, final double[] eps,
		final double tolerance)
	{
		final List<String> where = new ArrayList<>();
		for (int k = 1; k < eps.length; k++) {
			if (exceeds(difference(a[k], b[k]), tolerance)) {
				where.add(String.format(Locale.ROOT, "eps %s (%s %.4f vs %.4f)", fmt(eps[k]), a[k].primaryName(), a[k]
					.primaryMean(), b[k].primaryMean()));
			}
		}
		return where;
	}

	/**
	 * Per image, how much better the primary metric is in a than in b (positive: a is better),
	 * over the images where both are defined.
	 */
	static double[] difference(final MetricTable a, final MetricTable b) {
		final int n = Math.min(a.size(), b.size());
		final double sign = a.higherIsBetter(0) ? 1 : -1;
		final double[] d = new double[n];
		int k = 0;
		for (int i = 0; i < n; i++) {
			final double v = sign * (a.value(i, 0) - b.value(i, 0));
			if (!Double.isNaN(v)) d[k++] = v;
		}
		return java.util.Arrays.copyOf(d, k);
	}

	/** True when the mean of d exceeds both the tolerance and twice its standard error. */
	static boolean exceeds(final double[] d, final double tolerance) {
		if (d.length == 0) return false;
		double mean = 0;
		for (final double v : d) mean += v;
		mean /= d.length;
		double var = 0;
		for (final double v : d) var += (v - mean) * (v - mean);
		final double se = d.length < 2 ? 0 : Math.sqrt(var / (d.length - 1) / d.length);
		return mean > tolerance && mean > 2 * se;
	}

	static String fmt(final double eps) {
		return String.format(Locale.ROOT, "%.4g", eps);
	}
}
