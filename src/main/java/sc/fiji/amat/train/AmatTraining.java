package sc.fiji.amat.train;

import ai.djl.ndarray.NDArray;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.Arrays;

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
 * The boundary ({@link Thresholds}) is absolute or relative to the sample's clean quantities,
 * which come from the training step's own clean forward pass (training mode), or, for a relative
 * boundary (needed during the attack) and with beta = 1 (no clean pass), from a forward pass
 * before the attack. With a {@link BoundaryRule} that follows the model, the thresholds are
 * recalibrated after every epoch on the clean quantities of that epoch. Each epoch records the
 * diagnostics of {@link AmatEpoch}.
 * </p>
 * <p>
 * Option (off by default, from IMA): bisect 10 times between the last iterate inside and the
 * first over the boundary and train on the midpoint, so margins can also shrink.
 * </p>
 * <p>
 * This class owns AMAT's part of a model file: it writes the parameters, the per-epoch margin
 * diagnostics and the state, and reads them back ({@link #delta(ModelInfo.Training)},
 * {@link AmatEpoch#history(ModelInfo.Training)}, {@link #statistics(ModelInfo.Training)}).
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
		/** How the thresholds were calibrated, and whether they follow the model; null: given, fixed. */
		public BoundaryRule rule;

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
	/** The thresholds the run started with, and those in force (they differ when they follow the model). */
	private final Thresholds initialThresholds;
	private Thresholds thresholds;
	private final Pgd pgd;
	private final int valuesPerSample;

	private int[] trainingIds = new int[0];
	private float[] margin = new float[0];
	private boolean[] expand = new boolean[0];
	private float[] used = new float[0];
	private int[] timesExpanded = new int[0];
	/** This epoch: clean quantities by id, and counts of samples checked and over (clean, start, only later). */
	private float[][] clean = new float[0][];
	private int seen, overClean, overAtStart, overOnlyAfterSteps;
	private final JsonArray history = new JsonArray();
	private String statistics = "";
	/**
	 * Batches whose adversarial output is still to come, by their id arrays: a step split over
	 * several devices computes the adversarial inputs of every part before the forward passes.
	 */
	private final java.util.Map<int[], BoundaryChecks> pending = new java.util.IdentityHashMap<>();

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
		this.initialThresholds = thresholds;
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
		o.add("boundary", boundaryJson());
		o.add("thresholds", initialThresholds.toJson());
		return o;
	}

	private JsonObject boundaryJson() {
		if (settings.rule != null) return settings.rule.toJson();
		final JsonObject b = new JsonObject();
		b.addProperty("statistic", "given");
		b.addProperty("follow_model", false);
		return b;
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

	/** The thresholds in force now (after an epoch that recalibrated them, the new ones). */
	public Thresholds thresholds() {
		return thresholds;
	}

	/** The current margin of a sample (absolute L2). */
	public float margin(final int id) {
		return margin[id];
	}

	/** How many epochs a sample's margin grew in, in all. */
	public int timesExpanded(final int id) {
		return timesExpanded[id];
	}

	/** The diagnostics of every epoch so far, oldest first. */
	public java.util.List<AmatEpoch> epochs() {
		final ModelInfo.Training t = new ModelInfo.Training();
		t.method = KEY;
		t.methodState = state();
		return AmatEpoch.history(t);
	}

	@Override
	public void begin(final int[] ids) {
		trainingIds = ids.clone();
		final int size = Arrays.stream(ids).max().orElse(-1) + 1;
		margin = new float[size];
		expand = new boolean[size];
		used = new float[size];
		timesExpanded = new int[size];
		clean = new float[size][];
		for (final int id : ids) margin[id] = delta;
	}

	@Override
	public void startEpoch(final int epoch) {
		pending.clear();
		Arrays.fill(expand, false);
		Arrays.fill(clean, null);
		seen = overClean = overAtStart = overOnlyAfterSteps = 0;
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
		final BoundaryChecks checks = new BoundaryChecks(batch.ids);
		// a relative boundary needs the clean reference during the attack; beta = 1 has no clean pass
		if (thresholds.relative() || cleanWeight() == 0) checks.clean = BoundaryChecks.cleanQuantities(batch);
		final Bisection crossings = settings.bisection ? new Bisection(n, batch.x.toFloatArray()) : null;
		// Without bisection the final iterate (check T + 1) is tested on the training step's own
		// forward pass in adversarialOutput, which computes exactly that output anyway.
		checks.finalCheckPending = crossings == null;
		NDArray adv = pgd.perturb(batch.target, batch.x, batch.y, eps, radius, (t, xa, out) -> {
			final boolean[] over = check(batch, out, checks, t);
			if (crossings != null) crossings.record(over, xa.toFloatArray());
		}, crossings != null);
		if (crossings != null && crossings.any()) {
			final NDArray bisected = crossings.bisect(batch, adv, thresholds, checks.clean);
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
		pending.put(batch.ids, checks);
		return adv;
	}

	/** Tests every sample of a batch against the boundary at one iterate (0: the random start, T: the final one). */
	private <L> boolean[] check(final Batch<L> batch, final ai.djl.ndarray.NDList output, final BoundaryChecks checks,
		final int iterate)
	{
		final float[][] q = batch.target.boundaryQuantities(output, batch.labels);
		final boolean[] over = new boolean[q.length];
		for (int i = 0; i < q.length; i++) {
			over[i] = thresholds.isOver(q[i], checks.clean == null ? null : checks.clean[i]);
		}
		checks.record(iterate, over);
		return over;
	}

	@Override
	public <L> void cleanOutput(final Batch<L> batch, final ai.djl.ndarray.NDList output) {
		final BoundaryChecks checks = pending.get(batch.ids);
		if (checks != null && checks.clean == null) checks.clean = batch.target.boundaryQuantities(output, batch.labels);
	}

	@Override
	public <L> void adversarialOutput(final Batch<L> batch, final ai.djl.ndarray.NDList output) {
		final BoundaryChecks p = pending.remove(batch.ids);
		if (p == null) throw new IllegalStateException("AMAT saw an output of another batch");
		if (p.clean == null) p.clean = BoundaryChecks.cleanQuantities(batch);
		if (p.finalCheckPending) check(batch, output, p, settings.steps);
		account(p);
	}

	/** Books a batch whose T + 1 checks are done: marks samples to expand, counts the diagnostics. */
	void account(final BoundaryChecks p) {
		for (int i = 0; i < p.ids.length; i++) {
			final int id = p.ids[i];
			if (p.neverOver(i)) expand[id] = true;
			clean[id] = p.clean[i];
			seen++;
			if (thresholds.isOver(p.clean[i], p.clean[i])) overClean++;
			if (p.overAtStart[i]) overAtStart++;
			if (p.overOnlyAfterSteps(i)) overOnlyAfterSteps++;
		}
	}

	@Override
	public void endEpoch(final int epoch) {
		int expanded = 0, twice = 0;
		final double[] rmsMargins = new double[trainingIds.length];
		for (int k = 0; k < trainingIds.length; k++) {
			final int id = trainingIds[k];
			final float m = expand[id] ? margin[id] + delta : used[id];
			if (expand[id]) {
				expanded++;
				timesExpanded[id]++;
			}
			if (timesExpanded[id] >= 2) twice++;
			margin[id] = Math.max(0, Math.min(epsMax, m));
			rmsMargins[k] = rms(margin[id]);
		}
		final int n = Math.max(1, trainingIds.length), s = Math.max(1, seen);
		final AmatEpoch e = new AmatEpoch(epoch, rmsMargins, (double) expanded / n, (double) twice / n,
			(double) overClean / s, (double) overAtStart / s, (double) overOnlyAfterSteps / s);
		history.add(e.toJson(thresholds));
		statistics = e.line();
		if (settings.rule != null && settings.rule.followModel) follow(epoch);
	}

	/** Recalibrates the thresholds on the clean quantities this epoch saw (the model as it trained). */
	private void follow(final int epoch) {
		final java.util.List<float[]> rows = new java.util.ArrayList<>();
		for (final int id : trainingIds) {
			if (clean[id] != null) rows.add(clean[id]);
		}
		if (rows.isEmpty()) return;
		try {
			thresholds = settings.rule.calibrate(thresholds.spec(), rows.toArray(new float[0][]), "the model's clean " +
				"training images in epoch " + epoch + " (training mode)");
			statistics += "; next boundary " + Arrays.toString(thresholds.values());
		}
		catch (final AmatException e) {
			statistics += "; boundary kept (" + e.getMessage() + ")";
		}
	}

	@Override
	public String statistics() {
		return statistics;
	}

	@Override
	public String resumeConflict(final JsonObject saved) {
		final JsonObject now = parameters();
		final Thresholds before = saved.has("thresholds") ? Thresholds.fromJson(initialThresholds.spec(), saved
			.getAsJsonObject("thresholds")) : null;
		if (before == null || !before.sameBoundary(initialThresholds) || !String.valueOf(saved.get("boundary")).equals(
			String.valueOf(now.get("boundary"))))
		{
			return "another AMAT boundary (" + (before == null ? "none recorded" : before) + ", " + saved.get("boundary") +
				") than this run's (" + initialThresholds + ", " + now.get("boundary") + ")";
		}
		return null;
	}

	@Override
	public JsonObject state() {
		final JsonObject o = new JsonObject();
		final JsonArray ids = new JsonArray(), m = new JsonArray(), times = new JsonArray();
		for (final int id : trainingIds) {
			ids.add(id);
			m.add(margin[id]);
			times.add(timesExpanded[id]);
		}
		o.add("ids", ids);
		o.add("margins", m);
		o.add("times_expanded", times);
		o.add("thresholds", thresholds.toJson());
		o.add("history", history.deepCopy());
		o.addProperty("statistics", statistics);
		return o;
	}

	@Override
	public void restore(final JsonObject state) {
		final JsonArray ids = state.getAsJsonArray("ids"), m = state.getAsJsonArray("margins");
		final JsonArray times = state.has("times_expanded") ? state.getAsJsonArray("times_expanded") : null;
		final int[] restoredIds = new int[ids.size()];
		for (int k = 0; k < ids.size(); k++) restoredIds[k] = ids.get(k).getAsInt();
		begin(restoredIds);
		for (int k = 0; k < ids.size(); k++) {
			margin[restoredIds[k]] = m.get(k).getAsFloat();
			if (times != null) timesExpanded[restoredIds[k]] = times.get(k).getAsInt();
		}
		if (state.has("thresholds")) thresholds = Thresholds.fromJson(initialThresholds.spec(), state.getAsJsonObject(
			"thresholds"));
		while (history.size() > 0) history.remove(0);
		for (final JsonElement e : state.getAsJsonArray("history")) history.add(e.deepCopy());
		statistics = state.has("statistics") ? state.get("statistics").getAsString() : "";
	}

	/** The delta a model file of AMAT records, rms per value; null for a record of another method. */
	public static NoiseBudget delta(final ModelInfo.Training record) {
		final JsonObject p = record.parameters;
		if (!KEY.equals(record.method) || p == null || !p.has("delta_rms")) return null;
		return NoiseBudget.of(p.get("delta_rms").getAsDouble(), EpsUnit.RMS, Norm.L2);
	}

	/** The statistics line after the last epoch a model file of AMAT records, or "". */
	public static String statistics(final ModelInfo.Training record) {
		final JsonObject state = record.methodState;
		return KEY.equals(record.method) && state != null && state.has("statistics") ? state.get("statistics")
			.getAsString() : "";
	}
}
