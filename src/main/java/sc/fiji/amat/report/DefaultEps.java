package sc.fiji.amat.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.train.TrainingMethods;

/**
 * The noise levels a report suggests when the user gives none: six evenly spaced levels from 0
 * (evenly, so the trapezoid area of the robustness score weighs every part of the range
 * alike) up to a largest level derived from the data and the models:
 * <ul>
 * <li>L2: a quarter of the typical per-image standard deviation of the normalised test images
 * (0.25 rms for z-scored images), or 1.5 times the largest L2 training budget among the models
 * (a SAT eps, or the median AMAT margin after the last epoch), whichever is larger, so the
 * curves reach beyond what the models were trained for;</li>
 * <li>Linf: 8/255 of the intensity range (the common benchmark size), or 1.5 times the largest
 * Linf SAT eps, whichever is larger; five levels.</li>
 * </ul>
 * The largest level is rounded up to 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten in
 * rms and absolute units. Levels are in the unit asked for; the explanation says how they came
 * about.
 */
public final class DefaultEps {

	private DefaultEps() {}

	/** Suggests levels for model files and a test set. */
	public static EpsLevels suggest(final List<Path> models, final TestSet<?> test, final Norm norm,
		final EpsUnit unit)
	{
		final List<ModelInfo> infos = new ArrayList<>();
		final List<String> names = ReportModels.names(models);
		for (final Path p : models) infos.add(sc.fiji.amat.model.AmatModel.readInfo(p));
		return suggest(infos, names, test, norm, unit);
	}

	/** Suggests levels for models (their info and names) and a test set. */
	public static EpsLevels suggest(final List<ModelInfo> infos, final List<String> names, final TestSet<?> test,
		final Norm norm, final EpsUnit unitOrNull)
	{
		if (infos.isEmpty()) throw new AmatException("Give at least one model.");
		final EpsUnit unit = NoiseBudget.of(0, unitOrNull, norm).unit(); // fails when the unit does not fit the norm
		// every size group's images (one group when all have one size)
		final List<? extends LabeledData<?>> data = test.groupsFor(Normalization.parse(infos.get(0).normalization));
		final float[] validRange = Normalization.parse(infos.get(0).normalization).validRange();
		final int size = medianSampleSize(data);
		// the intensity range that range budgets scale (Linf only)
		final double width = norm == Norm.L2 ? Double.NaN : validRange != null ? validRange[1] - validRange[0]
			: typicalRange(data);
		final StringBuilder why = new StringBuilder();
		double top; // in rms (L2) or range (Linf)
		String budgetOf = null;
		double budget = 0;
		if (norm == Norm.L2) {
			final double spread = typicalStd(data);
			top = 0.25 * spread;
			why.append(String.format(Locale.ROOT, "a quarter of the typical per-image standard deviation of the " +
				"normalised test images (%.3g)", spread));
		}
		else {
			top = 8 / 255.0;
			why.append("8/255 of the intensity range");
		}
		for (int m = 0; m < infos.size(); m++) {
			final double b = trainingBudget(infos.get(m), norm, width);
			if (b > budget) {
				budget = b;
				budgetOf = names.get(m);
			}
		}
		if (1.5 * budget > top) {
			top = 1.5 * budget;
			why.setLength(0);
			why.append(String.format(Locale.ROOT, "1.5 x the largest training budget among the models (%.3g %s, %s)",
				budget, norm == Norm.L2 ? "rms" : "range", budgetOf));
		}
		top = NoiseBudget.of(top, norm).in(unit, size, width).value(); // into the unit asked for
		final boolean linfRange = norm == Norm.LINF && unit == EpsUnit.RANGE;
		final int steps = norm == Norm.L2 ? 5 : 4;
		final double[] levels = new double[steps + 1];
		if (linfRange) {
			// whole 255ths: 8/255 gives 0, 2/255, ..., 8/255
			final double unitsOf255 = Math.ceil(top * 255 / steps - 1e-9) * steps;
			for (int k = 0; k <= steps; k++) levels[k] = unitsOf255 / 255 * k / steps;
		}
		else {
			final double nice = roundUpNice(top);
			for (int k = 0; k <= steps; k++) levels[k] = nice * k / steps;
		}
		final String text = String.format(Locale.ROOT, "%d evenly spaced levels from 0 to %s %s: the largest is %s.",
			levels.length, EpsLevels.format(levels[steps]), unit.name().toLowerCase(Locale.ROOT), why);
		return new EpsLevels(levels, norm, unit, text);
	}

	/**
	 * A model's training budget under the norm, in the norm's user unit (rms for L2, range for
	 * Linf: of an intensity range {@code width}): a SAT eps, AMAT's median margin after its last
	 * epoch; 0 if none.
	 */
	static double trainingBudget(final ModelInfo info, final Norm norm, final double width) {
		final NoiseBudget b = TrainingMethods.trainedBudget(info.training);
		if (b == null || b.norm() != norm) return 0;
		final int size = Math.max(1, info.inputChannels * info.inputHeight * info.inputWidth);
		return b.in(EpsUnit.defaultFor(norm), size, width).value();
	}

	/**
	 * The median number of values per image (every image's when all have one size): what a
	 * level in absolute units is converted for.
	 */
	static int medianSampleSize(final List<? extends LabeledData<?>> groups) {
		if (groups.size() == 1) return groups.get(0).sampleSize();
		final List<Integer> sizes = new ArrayList<>();
		for (final LabeledData<?> d : groups) {
			for (int i = 0; i < d.size(); i++) sizes.add(d.sampleSize());
		}
		java.util.Collections.sort(sizes);
		return sizes.get(sizes.size() / 2);
	}

	/** The images of all groups, in group order. */
	private static List<float[]> images(final List<? extends LabeledData<?>> groups) {
		final List<float[]> out = new ArrayList<>();
		for (final LabeledData<?> d : groups) {
			for (int i = 0; i < d.size(); i++) out.add(d.image(i));
		}
		return out;
	}

	/** Median over images of the standard deviation of their normalised values. */
	static double typicalStd(final List<? extends LabeledData<?>> groups) {
		final List<float[]> images = images(groups);
		final double[] s = new double[images.size()];
		for (int i = 0; i < s.length; i++) {
			final float[] v = images.get(i);
			double sum = 0, sum2 = 0;
			for (final float f : v) {
				sum += f;
				sum2 += (double) f * f;
			}
			final double mean = sum / v.length;
			s[i] = Math.sqrt(Math.max(0, sum2 / v.length - mean * mean));
		}
		return median(s);
	}

	/** Median over images of the range (max - min) of their normalised values. */
	static double typicalRange(final List<? extends LabeledData<?>> groups) {
		final List<float[]> images = images(groups);
		final double[] r = new double[images.size()];
		for (int i = 0; i < r.length; i++) {
			float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
			for (final float f : images.get(i)) {
				lo = Math.min(lo, f);
				hi = Math.max(hi, f);
			}
			r[i] = hi - lo;
		}
		return median(r);
	}

	private static double median(final double[] v) {
		final double[] s = v.clone();
		Arrays.sort(s);
		final int n = s.length;
		return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	}

	/** The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten that is >= v. */
	static double roundUpNice(final double v) {
		if (!(v > 0)) return 1;
		final double p = Math.pow(10, Math.floor(Math.log10(v)));
		for (final double m : new double[] { 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 }) {
			if (m * p >= v * (1 - 1e-9)) return m * p;
		}
		return 10 * p;
	}
}
