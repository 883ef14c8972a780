package sc.fiji.amat.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sc.fiji.amat.attack.AttackSpec;
import sc.fiji.amat.attack.FgsmType;
import sc.fiji.amat.attack.WhiteNoiseType;
import sc.fiji.amat.task.MetricTable;

/**
 * Checks a sceptical reviewer would ask for before believing a robustness curve, run for every
 * model; each one that fires is a {@link Flag} that says what it means. Comparisons use the
 * primary metric per image, paired between two evaluations of the same images, and fire only when
 * the mean difference exceeds both the tolerance and twice its standard error, so sampling noise
 * alone rarely fires them. "The gradient attacks" are the evaluation's members that follow the
 * gradient, taken together (per image the worst of them):
 * <ul>
 * <li>the gradient attacks weaker than white noise of the same size, or the iterative ones weaker
 * than one FGSM step: the gradient leads the attacks astray (gradient masking);</li>
 * <li>the metric under an attack, or in the worst case, rising as eps grows;</li>
 * <li>the gradient attacks at the largest eps not lowering the metric at all (a note: the model
 * may be robust at that size, or its gradients masked: try a larger eps);</li>
 * <li>an undefended (standard) model that keeps more than half its clean metric at the largest
 * eps: undefended networks collapse, so the evaluation is probably too weak;</li>
 * <li>at the check level, the first gradient member run with twice its steps lowering the worst
 * case (the evaluation had not converged), or the same attack crafted on another model (a
 * transfer, black-box) beating the white-box attacks (gradient masking);</li>
 * <li>input gradients that are exactly zero or not finite.</li>
 * </ul>
 */
public final class SanityChecks {

	/** What a check found. */
	public enum Kind {
		WEAKER_THAN_NOISE, WEAKER_THAN_FGSM, NOT_FALLING, NO_DROP, NO_COLLAPSE, NOT_CONVERGED, TRANSFER_BEATS_WHITE_BOX,
		ZERO_GRADIENT, NON_FINITE_GRADIENT,
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

		/** True for findings that suggest gradient masking or a weak evaluation; false for notes. */
		public boolean isWarning() {
			return kind != Kind.NO_DROP && kind != Kind.NOT_WHITE_BOX;
		}

		@Override
		public String toString() {
			return model + ": " + message;
		}
	}

	/** What the checks that cost extra attacks found, at one noise level; and whether the model is undefended. */
	public static final class Extra {

		/** The level (index into eps) of the extra attacks. */
		public int level;
		/** The first gradient member with twice its steps, and its name; null when not run. */
		public MetricTable doubled;
		public String doubledMember;
		/** That member crafted on another model, and that model's name; null when not run. */
		public MetricTable transfer;
		public String transferSource;
		/** True for a model trained without any defence (method "standard"). */
		public boolean undefended;
	}

	private static final String FGSM = FgsmType.KEY, NOISE = WhiteNoiseType.KEY;

	private SanityChecks() {}

	/** The checks without the extra attacks, for a model of unknown training. */
	public static List<Flag> check(final String model, final double[] eps, final Map<String, MetricTable[]> tables,
		final InputGradients gradients, final double tolerance)
	{
		return check(model, eps, tables, gradients, tolerance, new Extra());
	}

	/**
	 * Runs the checks on one model's results.
	 *
	 * @param model the model's name, for the messages
	 * @param eps the noise levels (eps[0] = 0)
	 * @param tables per attack member (and {@link WorstCase#NAME}), one per-image table per noise
	 *          level, the same images in the same order
	 * @param gradients the model's input gradients, or null when not measured
	 * @param tolerance the smallest difference of the primary metric that counts
	 * @param extra what the extra attacks found
	 */
	public static List<Flag> check(final String model, final double[] eps, final Map<String, MetricTable[]> tables,
		final InputGradients gradients, final double tolerance, final Extra extra)
	{
		final List<Flag> flags = new ArrayList<>();
		final List<String> gradient = new ArrayList<>(), iterative = new ArrayList<>();
		for (final String a : tables.keySet()) {
			if (a.equals(WorstCase.NAME) || !AttackSpec.parse(a).attackType().followsGradient()) continue;
			gradient.add(a);
			if (!AttackSpec.parse(a).type().equals(FGSM)) iterative.add(a);
		}
		final MetricTable[] gradWorst = worst(tables, gradient, eps.length);
		final MetricTable[] iterWorst = worst(tables, iterative, eps.length);
		final String gradName = names(gradient), iterName = names(iterative);
		final MetricTable[] noise = tables.get(NOISE), fgsm = tables.get(FGSM);
		if (gradWorst != null && noise != null) {
			final List<String> where = weaker(gradWorst, noise, eps, tolerance);
			if (!where.isEmpty()) {
				flags.add(new Flag(model, Kind.WEAKER_THAN_NOISE, String.format(Locale.ROOT,
					"%s %s weaker than white noise of the same size at %s: the gradient leads the attack astray (gradient " +
						"masking?)", gradName, gradient.size() > 1 ? "are together" : "is", String.join("; ", where))));
			}
		}
		if (iterWorst != null && fgsm != null) {
			final List<String> where = weaker(iterWorst, fgsm, eps, tolerance);
			if (!where.isEmpty()) {
				flags.add(new Flag(model, Kind.WEAKER_THAN_FGSM, String.format(Locale.ROOT,
					"%s %s weaker than one FGSM step of the same size at %s: more steps should never hurt (gradient " +
						"masking?)", iterName, iterative.size() > 1 ? "are together" : "is", String.join("; ", where))));
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
		final int last = eps.length - 1;
		if (gradWorst != null) {
			final double[] drop = difference(gradWorst[0], gradWorst[last]);
			if (!exceeds(drop, tolerance)) {
				flags.add(new Flag(model, Kind.NO_DROP, String.format(Locale.ROOT,
					"%s at the largest eps %s %s not lower %s (%.4f clean, %.4f attacked): the model is robust at this " +
						"size, or its gradients are masked; a larger eps tells which", gradName, fmt(eps[last]), gradient
							.size() > 1 ? "do" : "does", gradWorst[0].primaryName(), gradWorst[0].primaryMean(), gradWorst[last]
								.primaryMean())));
			}
		}
		final MetricTable[] all = tables.containsKey(WorstCase.NAME) ? tables.get(WorstCase.NAME) : gradWorst;
		if (extra.undefended && all != null && all[0].higherIsBetter(0) && last > 0) {
			final double clean = all[0].primaryMean(), attacked = all[last].primaryMean();
			if (attacked > 0.5 * clean) {
				flags.add(new Flag(model, Kind.NO_COLLAPSE, String.format(Locale.ROOT,
					"this undefended (standard) model keeps %.4f of its clean %s %.4f at the largest eps %s: undefended " +
						"networks normally collapse towards 0, so the attacks are probably too weak or its gradients masked " +
						"(or the largest eps is too small)", attacked, all[0].primaryName(), clean, fmt(eps[last]))));
			}
		}
		final int k = extra.level;
		if (all != null && extra.doubled != null && exceeds(difference(all[k], extra.doubled), tolerance)) {
			flags.add(new Flag(model, Kind.NOT_CONVERGED, String.format(Locale.ROOT,
				"%s with twice its steps lowers %s at eps %s below the worst case of the whole evaluation (%.4f vs %.4f): " +
					"the evaluation had not converged, so the curves overstate robustness; use more steps (a stronger " +
					"preset)", extra.doubledMember, all[k].primaryName(), fmt(eps[k]), extra.doubled.primaryMean(), all[k]
						.primaryMean())));
		}
		if (gradWorst != null && extra.transfer != null && exceeds(difference(gradWorst[k], extra.transfer), tolerance)) {
			flags.add(new Flag(model, Kind.TRANSFER_BEATS_WHITE_BOX, String.format(Locale.ROOT,
				"the same attack crafted on %s (a transfer, which never sees this model's gradients) lowers %s at eps %s " +
					"more than the white-box attacks (%.4f vs %.4f): this model's own gradients mislead the attacks " +
					"(gradient masking)", extra.transferSource, gradWorst[k].primaryName(), fmt(eps[k]), extra.transfer
						.primaryMean(), gradWorst[k].primaryMean())));
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

	/** Per level, the per-image worst case over some members; null for none. */
	private static MetricTable[] worst(final Map<String, MetricTable[]> tables, final List<String> members,
		final int levels)
	{
		if (members.isEmpty()) return null;
		if (members.size() == 1) return tables.get(members.get(0));
		final MetricTable[] out = new MetricTable[levels];
		for (int k = 0; k < levels; k++) {
			final List<MetricTable> at = new ArrayList<>();
			for (final String m : members) at.add(tables.get(m)[k]);
			out[k] = WorstCase.of(at).table();
		}
		return out;
	}

	private static String names(final List<String> members) {
		return members.size() == 1 ? members.get(0) : "the gradient attacks (" + String.join(", ", members) + ")";
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
