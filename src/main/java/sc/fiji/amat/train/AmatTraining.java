package sc.fiji.amat.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.Arrays;
import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.Pgd;

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
 */
public final class AmatTraining implements TrainingMethod {

	static final int BISECTIONS = 10;

	/** AMAT's parameters; margins and delta in absolute L2 units of the normalised input. */
	public static final class Settings {

		public int steps = 20;
		public float alpha = 4;
		public float beta = 0.5f;
		public float delta;
		public float epsMax = Float.POSITIVE_INFINITY;
		public boolean bisection;

		public Settings(final float delta) {
			this.delta = delta;
		}

		/** Settings whose delta and eps_max are given as per-value RMS for C*H*W values. */
		public static Settings fromRms(final double deltaRms, final double epsMaxRms, final int valuesPerSample) {
			final double s = Math.sqrt(valuesPerSample);
			final Settings st = new Settings((float) (deltaRms * s));
			st.epsMax = (float) (epsMaxRms * s);
			return st;
		}
	}

	private final Settings settings;
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

	public AmatTraining(final Settings settings, final Thresholds thresholds, final int valuesPerSample) {
		if (!(settings.delta > 0)) throw new AmatException("AMAT needs delta > 0, got " + settings.delta + ".");
		if (!(settings.beta > 0 && settings.beta <= 1)) throw new AmatException("beta must be in (0, 1].");
		if (!(settings.epsMax >= settings.delta)) throw new AmatException("eps_max must be at least delta.");
		this.settings = settings;
		this.thresholds = thresholds;
		this.pgd = Pgd.pgd(Norm.L2, settings.steps, settings.alpha);
		this.valuesPerSample = valuesPerSample;
	}

	@Override
	public String name() {
		return "amat";
	}

	@Override
	public JsonObject parameters() {
		final JsonObject o = new JsonObject();
		o.addProperty("norm", "L2");
		o.addProperty("delta", settings.delta);
		o.addProperty("delta_rms", settings.delta / Math.sqrt(valuesPerSample));
		o.addProperty("eps_max", Float.isInfinite(settings.epsMax) ? "infinite" : Float.toString(settings.epsMax));
		o.addProperty("eps_unit", "absolute L2 of the normalised input");
		o.addProperty("steps", settings.steps);
		o.addProperty("alpha", settings.alpha);
		o.addProperty("beta", settings.beta);
		o.addProperty("bisection", settings.bisection);
		o.add("thresholds", thresholds.toJson());
		return o;
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
		for (final int id : ids) margin[id] = settings.delta;
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
			radius[i] = Math.max(eps[i] - settings.delta, settings.delta);
		}
		final int[] crossed = new int[n];
		final Crossings crossings = settings.bisection ? new Crossings(n, batch.x.toFloatArray()) : null;
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
			used[id] = Math.max((used[id] + norms[i]) / 2, settings.delta);
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
			final float m = expand[id] ? margin[id] + settings.delta : used[id];
			if (expand[id]) expanded++;
			margin[id] = Math.max(0, Math.min(settings.epsMax, m));
		}
		final float[] sorted = new float[trainingIds.length];
		for (int k = 0; k < trainingIds.length; k++) sorted[k] = margin[trainingIds[k]];
		Arrays.sort(sorted);
		final double rms = Math.sqrt(valuesPerSample);
		final double min = sorted[0] / rms, med = median(sorted) / rms, max = sorted[sorted.length - 1] / rms;
		final double fraction = (double) expanded / trainingIds.length;
		final JsonObject h = new JsonObject();
		h.addProperty("epoch", epoch);
		h.addProperty("min_rms", min);
		h.addProperty("median_rms", med);
		h.addProperty("max_rms", max);
		h.addProperty("fraction_expanded", fraction);
		history.add(h);
		statistics = String.format(Locale.ROOT, "margins rms min %.4f med %.4f max %.4f, %.0f%% expanded", min, med, max,
			100 * fraction);
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

	/**
	 * Per sample, the last iterate inside the boundary and the first one over it, for the
	 * optional bisection.
	 */
	private static final class Crossings {

		private final int n, size;
		private final float[] clean;
		private float[] previous;
		private final float[][] inside, over;

		Crossings(final int n, final float[] clean) {
			this.n = n;
			this.size = clean.length / n;
			this.clean = clean;
			this.inside = new float[n][];
			this.over = new float[n][];
		}

		void record(final boolean[] isOver, final float[] iterate) {
			for (int i = 0; i < n; i++) {
				if (isOver[i] && over[i] == null) {
					over[i] = Arrays.copyOfRange(iterate, i * size, (i + 1) * size);
					final float[] from = previous == null ? clean : previous;
					inside[i] = Arrays.copyOfRange(from, i * size, (i + 1) * size);
				}
			}
			previous = iterate;
		}

		boolean any() {
			for (final float[] o : over) {
				if (o != null) return true;
			}
			return false;
		}

		/** Bisects between inside and over for crossing samples; others keep their PGD result. */
		<L> NDArray bisect(final Batch<L> batch, final NDArray pgdResult, final Thresholds thresholds) {
			final float[] result = pgdResult.toFloatArray();
			for (int b = 0; b < BISECTIONS; b++) {
				final float[] mid = result.clone();
				for (int i = 0; i < n; i++) {
					if (over[i] == null) continue;
					for (int k = 0; k < size; k++) mid[i * size + k] = (inside[i][k] + over[i][k]) / 2;
				}
				final float[][] q;
				try (NDManager m = batch.x.getManager().newSubManager()) {
					final NDArray x = m.create(mid, batch.x.getShape());
					q = batch.target.boundaryQuantities(batch.target.forward(x), batch.labels);
				}
				for (int i = 0; i < n; i++) {
					if (over[i] == null) continue;
					final float[] half = Arrays.copyOfRange(mid, i * size, (i + 1) * size);
					if (thresholds.isOver(q[i])) over[i] = half;
					else inside[i] = half;
				}
			}
			for (int i = 0; i < n; i++) {
				if (over[i] == null) continue;
				for (int k = 0; k < size; k++) result[i * size + k] = (inside[i][k] + over[i][k]) / 2;
			}
			return batch.x.getManager().create(result, batch.x.getShape());
		}
	}
}
