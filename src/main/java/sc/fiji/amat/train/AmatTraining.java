package sc.fiji.amat.train;

import ai.djl.ndarray.NDArray;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.Pgd;
import sc.fiji.amat.model.ModelInfo;

/**
 * Adaptive-margin adversarial training, as specified in shared/spec/AMAT-method.md.
 * <p>
 * Every training sample i (keyed by its stable id) has a margin, its L2 noise budget over the
 * whole normalised input, starting at delta. In each step, PGD-L2 with T steps of alpha *
 * margin / T, from a random start of radius max(margin - delta, delta), attacks the batch in
 * training mode; every iterate, the start and the final one included (T + 1 checks), is tested
 * against the task's loss-defined boundary. A sample that never crossed is marked to expand;
 * the norm of the noise actually used feeds a running mean, floored at delta. The loss is
 * (1 - beta) * clean + beta * adversarial. After each epoch a marked sample's margin grows by
 * delta, any other's becomes its running mean, and all are clamped to [0, eps_max].
 * </p>
 * <p>
 * Option (off by default, from IMA): bisect 10 times between the last iterate inside and the
 * first over the boundary and train on the midpoint, so margins can also shrink.
 * </p>
 * <p>
 * This class owns AMAT's part of a model file: it writes the parameters, the per-epoch margin
 * statistics and the state, and reads them back ({@link #delta(ModelInfo.Training)},
 * {@link #history(ModelInfo.Training)}, {@link #statistics(ModelInfo.Training)}).
 * </p>
 */
public final class AmatTraining implements TrainingMethod {

	/** The name model files record. */
	public static final String KEY = "amat";

	/** AMAT's parameters; delta and the largest margin are L2 noise budgets. */
	public static final class Settings {

		public int steps = 20;
		public float alpha = 4;
		public float beta = 0.5f;
		/** Margins start at delta and grow by it. */
		public NoiseBudget delta;
		/** The largest margin; null: none. */
		public NoiseBudget epsMax;
		public boolean bisection;

		public Settings(final NoiseBudget delta) {
			this.delta = delta;
		}

		/** Settings whose delta is in absolute L2 units of the normalised input. */
		public Settings(final float delta) {
			this(NoiseBudget.absolute(delta, Norm.L2));
		}
	}

	private final Settings settings;
	/** delta and the largest margin in absolute L2 units of the normalised input. */
	private final float delta, epsMax;
	private final Thresholds thresholds;
	private final Pgd pgd;
	private final int valuesPerSample;

	private int[] trainingIds = new int[0];
	private float[] margin = new float[0];
	private boolean[] expand = new boolean[0];
	private float[] used = new float[0];
	private final JsonArray history = new JsonArray();
	private String statistics = "";
	/**
	 * Batches whose adversarial output is still to come, by their id arrays: a step split over
	 * several devices computes the adversarial inputs of every part before the forward passes.
	 */
	private final java.util.Map<int[], Pending> pending = new java.util.IdentityHashMap<>();

	/** @param valuesPerSample C * H * W of the training samples, to convert the budgets */
	public AmatTraining(final Settings settings, final Thresholds thresholds, final int valuesPerSample) {
		if (settings.delta == null) throw new AmatException("AMAT needs a delta.");
		for (final NoiseBudget b : new NoiseBudget[] { settings.delta, settings.epsMax }) {
			if (b != null && b.norm() != Norm.L2) throw new AmatException("AMAT's margins are L2, not " + b + ".");
		}
		this.delta = settings.delta.toAbsolute(valuesPerSample, null);
		this.epsMax = settings.epsMax == null ? Float.POSITIVE_INFINITY : settings.epsMax.toAbsolute(valuesPerSample,
			null);
		if (!(delta > 0)) throw new AmatException("AMAT needs delta > 0, got " + settings.delta + ".");
		if (!(settings.beta > 0 && settings.beta <= 1)) throw new AmatException("beta must be in (0, 1].");
		if (!(epsMax >= delta)) throw new AmatException("eps_max must be at least delta.");
		this.settings = settings;
		this.thresholds = thresholds;
		this.pgd = Pgd.pgd(Norm.L2, settings.steps, settings.alpha);
		this.valuesPerSample = valuesPerSample;
	}

	@Override
	public String name() {
		return KEY;
	}

	@Override
	public JsonObject parameters() {
		final JsonObject o = new JsonObject();
		o.addProperty("norm", "L2");
		o.addProperty("delta", delta);
		o.addProperty("delta_rms", rms(delta));
		o.addProperty("eps_max", Float.isInfinite(epsMax) ? "infinite" : Float.toString(epsMax));
		o.addProperty("eps_unit", "absolute L2 of the normalised input");
		o.addProperty("steps", settings.steps);
		o.addProperty("alpha", settings.alpha);
		o.addProperty("beta", settings.beta);
		o.addProperty("bisection", settings.bisection);
		o.add("thresholds", thresholds.toJson());
		return o;
	}

	/** An absolute L2 size as rms per value. */
	private double rms(final double absolute) {
		return NoiseBudget.valueOf(absolute, EpsUnit.RMS, valuesPerSample, Double.NaN);
	}

	/** delta in absolute L2 units of the normalised input. */
	public float delta() {
		return delta;
	}

	@Override
	public float cleanWeight() {
		return 1 - settings.beta;
	}

	@Override
	public float adversarialWeight() {
		return settings.beta;
	}

	public Thresholds thresholds() {
		return thresholds;
	}

	/** The current margin of a sample (absolute L2). */
	public float margin(final int id) {
		return margin[id];
	}

	@Override
	public void begin(final int[] ids) {
		trainingIds = ids.clone();
		final int size = Arrays.stream(ids).max().orElse(-1) + 1;
		margin = new float[size];
		expand = new boolean[size];
		used = new float[size];
		for (final int id : ids) margin[id] = delta;
	}

	@Override
	public void startEpoch(final int epoch) {
		pending.clear();
		Arrays.fill(expand, false);
		used = margin.clone();
	}

	@Override
	public <L> NDArray adversarial(final Batch<L> batch) {
		final int n = batch.ids.length;
		final float[] eps = new float[n], radius = new float[n];
		for (int i = 0; i < n; i++) {
			eps[i] = margin[batch.ids[i]];
			radius[i] = Math.max(eps[i] - delta, delta);
		}
		final int[] crossed = new int[n];
		final Bisection crossings = settings.bisection ? new Bisection(n, batch.x.toFloatArray()) : null;
		// Without bisection the final iterate (check T + 1) is tested on the training step's own
		// forward pass in adversarialOutput, which computes exactly that output anyway.
		NDArray adv = pgd.perturb(batch.target, batch.x, batch.y, eps, radius, (t, xa, out) -> {
			final boolean[] over = check(batch, out, crossed);
			if (crossings != null) crossings.record(over, xa.toFloatArray());
		}, crossings != null);
		if (crossings != null && crossings.any()) {
			final NDArray bisected = crossings.bisect(batch, adv, thresholds);
			adv.close();
			adv = bisected;
		}
		final float[] norms;
		try (NDArray d = adv.sub(batch.x); NDArray nrm = Norm.L2.of(d)) {
			norms = nrm.toFloatArray();
		}
		for (int i = 0; i < n; i++) {
			final int id = batch.ids[i];
			used[id] = Math.max((used[id] + norms[i]) / 2, delta);
		}
		pending.put(batch.ids, new Pending(batch.ids, crossed, crossings == null));
		return adv;
	}

	/** Tests every sample of a batch against the boundary; counts crossings. */
	private <L> boolean[] check(final Batch<L> batch, final ai.djl.ndarray.NDList output, final int[] crossed) {
		final float[][] q = batch.target.boundaryQuantities(output, batch.labels);
		final boolean[] over = new boolean[q.length];
		for (int i = 0; i < q.length; i++) {
			over[i] = thresholds.isOver(q[i]);
			if (over[i]) crossed[i]++;
		}
		return over;
	}

	@Override
	public <L> void adversarialOutput(final Batch<L> batch, final ai.djl.ndarray.NDList output) {
		final Pending p = pending.remove(batch.ids);
		if (p == null) throw new IllegalStateException("AMAT saw an output of another batch");
		if (p.finalCheckPending) check(batch, output, p.crossed);
		for (int i = 0; i < p.ids.length; i++) {
			if (p.crossed[i] == 0) expand[p.ids[i]] = true;
		}
	}

	/** Crossing counts of the batch whose adversarial output is still to come. */
	private static final class Pending {

		final int[] ids, crossed;
		final boolean finalCheckPending;

		Pending(final int[] ids, final int[] crossed, final boolean finalCheckPending) {
			this.ids = ids;
			this.crossed = crossed;
			this.finalCheckPending = finalCheckPending;
		}
	}

	@Override
	public void endEpoch(final int epoch) {
		int expanded = 0;
		for (final int id : trainingIds) {
			final float m = expand[id] ? margin[id] + delta : used[id];
			if (expand[id]) expanded++;
			margin[id] = Math.max(0, Math.min(epsMax, m));
		}
		final float[] sorted = new float[trainingIds.length];
		for (int k = 0; k < trainingIds.length; k++) sorted[k] = margin[trainingIds[k]];
		Arrays.sort(sorted);
		final Margins m = new Margins(epoch, rms(sorted[0]), rms(median(sorted)), rms(sorted[sorted.length - 1]),
			(double) expanded / trainingIds.length);
		history.add(m.toJson());
		statistics = String.format(Locale.ROOT, "margins rms min %.4f med %.4f max %.4f, %.0f%% expanded", m.min,
			m.median, m.max, 100 * m.fractionExpanded);
	}

	private static double median(final float[] sorted) {
		final int n = sorted.length;
		return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
	}

	@Override
	public String statistics() {
		return statistics;
	}

	@Override
	public JsonObject state() {
		final JsonObject o = new JsonObject();
		final JsonArray ids = new JsonArray(), m = new JsonArray();
		for (final int id : trainingIds) {
			ids.add(id);
			m.add(margin[id]);
		}
		o.add("ids", ids);
		o.add("margins", m);
		o.add("thresholds", thresholds.toJson());
		o.add("history", history.deepCopy());
		o.addProperty("statistics", statistics);
		return o;
	}

	@Override
	public void restore(final JsonObject state) {
		final JsonArray ids = state.getAsJsonArray("ids"), m = state.getAsJsonArray("margins");
		final int[] restoredIds = new int[ids.size()];
		for (int k = 0; k < ids.size(); k++) restoredIds[k] = ids.get(k).getAsInt();
		begin(restoredIds);
		for (int k = 0; k < ids.size(); k++) margin[restoredIds[k]] = m.get(k).getAsFloat();
		while (history.size() > 0) history.remove(0);
		for (final JsonElement e : state.getAsJsonArray("history")) history.add(e.deepCopy());
		statistics = state.has("statistics") ? state.get("statistics").getAsString() : "";
	}

	/** AMAT's margins after one epoch: smallest, median and largest, rms per value, and the fraction that grew. */
	public static final class Margins {

		public final int epoch;
		public final double min, median, max;
		public final double fractionExpanded;

		Margins(final int epoch, final double min, final double median, final double max,
			final double fractionExpanded)
		{
			this.epoch = epoch;
			this.min = min;
			this.median = median;
			this.max = max;
			this.fractionExpanded = fractionExpanded;
		}

		/** The median margin as a noise budget. */
		public NoiseBudget medianBudget() {
			return NoiseBudget.of(median, EpsUnit.RMS, Norm.L2);
		}

		JsonObject toJson() {
			final JsonObject h = new JsonObject();
			h.addProperty("epoch", epoch);
			h.addProperty("min_rms", min);
			h.addProperty("median_rms", median);
			h.addProperty("max_rms", max);
			h.addProperty("fraction_expanded", fractionExpanded);
			return h;
		}

		static Margins fromJson(final JsonObject h) {
			return new Margins(h.has("epoch") ? h.get("epoch").getAsInt() : 0, number(h, "min_rms"), number(h,
				"median_rms"), number(h, "max_rms"), number(h, "fraction_expanded"));
		}

		private static double number(final JsonObject h, final String key) {
			return h.has(key) && !h.get(key).isJsonNull() ? h.get(key).getAsDouble() : Double.NaN;
		}
	}

	/** The delta a model file of AMAT records, rms per value; null for a record of another method. */
	public static NoiseBudget delta(final ModelInfo.Training record) {
		final JsonObject p = record.parameters;
		if (!isAmat(record) || p == null || !p.has("delta_rms")) return null;
		return NoiseBudget.of(p.get("delta_rms").getAsDouble(), EpsUnit.RMS, Norm.L2);
	}

	/** The margins after every epoch a model file of AMAT records, oldest first (empty for other methods). */
	public static List<Margins> history(final ModelInfo.Training record) {
		final List<Margins> out = new ArrayList<>();
		final JsonObject state = record.methodState;
		if (!isAmat(record) || state == null || !state.has("history")) return out;
		for (final JsonElement e : state.getAsJsonArray("history")) {
			if (e.isJsonObject()) out.add(Margins.fromJson(e.getAsJsonObject()));
		}
		return out;
	}

	/** The statistics line after the last epoch a model file of AMAT records, or "". */
	public static String statistics(final ModelInfo.Training record) {
		final JsonObject state = record.methodState;
		return isAmat(record) && state != null && state.has("statistics") ? state.get("statistics").getAsString() : "";
	}

	private static boolean isAmat(final ModelInfo.Training record) {
		return KEY.equals(record.method);
	}
}
