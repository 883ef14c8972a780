package sc.fiji.amat.train;

import ai.djl.ndarray.NDArray;

import com.google.gson.JsonObject;

import java.util.Arrays;
import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.Apgd;
import sc.fiji.amat.attack.ApgdType;
import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackTypes;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.Pgd;
import sc.fiji.amat.attack.PgdType;
import sc.fiji.amat.model.ModelInfo;

/**
 * Standard adversarial training (SAT): every training sample gets PGD noise of one fixed size
 * eps (random start, T steps of alpha * eps / T, in training mode), or APGD noise of that size
 * (T iterations, its own step size; model files record "attack": "apgd"). The loss is either the
 * adversarial loss alone (as the research code trains segmentation) or
 * (1 - beta) * clean + beta * adversarial (as it trains landmarks and detection).
 * <p>
 * This class owns SAT's part of a model file: it writes the parameters and reads them back
 * ({@link #budget(ModelInfo.Training)}, {@link #label(ModelInfo.Training)}).
 * </p>
 */
public final class SatTraining implements TrainingMethod {

	/** The name model files record. */
	public static final String KEY = "sat";

	public enum LossMode {
		ADVERSARIAL, MIXED;

		public static LossMode parse(final String s) {
			switch (s.trim().toLowerCase(Locale.ROOT)) {
				case "adversarial":
				case "adv":
					return ADVERSARIAL;
				case "mixed":
					return MIXED;
				default:
					throw new AmatException("Unknown SAT loss '" + s + "': use adversarial or mixed.");
			}
		}
	}

	private final Attack attack;
	private final Norm norm;
	private final int steps;
	private final float alpha;
	private final float eps;
	private final float epsPerValueRms;
	private final LossMode mode;
	private final float beta;

	/**
	 * @param eps absolute eps in normalised-input units
	 * @param valuesPerSample C * H * W, to report eps per value as well
	 */
	public SatTraining(final Norm norm, final float eps, final int steps, final float alpha, final LossMode mode,
		final float beta, final int valuesPerSample)
	{
		this(PgdType.KEY, norm, eps, steps, alpha, mode, beta, valuesPerSample);
	}

	/**
	 * @param attack "pgd" (T steps of alpha * eps / T) or "apgd" (T iterations; alpha unused)
	 */
	public SatTraining(final String attack, final Norm norm, final float eps, final int steps, final float alpha,
		final LossMode mode, final float beta, final int valuesPerSample)
	{
		if (!(eps > 0)) throw new AmatException("SAT needs an eps > 0, got " + eps + ".");
		if (!(beta > 0 && beta <= 1)) throw new AmatException("beta must be in (0, 1], got " + beta + ".");
		final String key = attackKey(attack);
		this.attack = key.equals(ApgdType.KEY) ? new Apgd(norm, steps, 1) : Pgd.pgd(norm, steps, alpha);
		this.norm = norm;
		this.steps = steps;
		this.alpha = alpha;
		this.eps = eps;
		this.epsPerValueRms = norm == Norm.L2 ? (float) NoiseBudget.valueOf(eps, EpsUnit.RMS, valuesPerSample,
			Double.NaN) : eps;
		this.mode = mode;
		this.beta = beta;
	}

	/** The key of SAT's attack a name stands for: pgd or apgd; an error for any other attack. */
	public static String attackKey(final String name) {
		final String key = AttackTypes.canonical(name == null ? PgdType.KEY : name);
		if (!key.equals(PgdType.KEY) && !key.equals(ApgdType.KEY)) {
			throw new AmatException("SAT trains with PGD or APGD, not " + name + ".");
		}
		return key;
	}

	@Override
	public String name() {
		return KEY;
	}

	@Override
	public JsonObject parameters() {
		final JsonObject o = new JsonObject();
		if (!attack.name().equals(PgdType.KEY)) o.addProperty("attack", attack.name());
		o.addProperty("norm", norm.name());
		o.addProperty("eps", eps);
		o.addProperty("eps_unit", "absolute");
		if (norm == Norm.L2) o.addProperty("eps_rms", epsPerValueRms);
		o.addProperty("steps", steps);
		if (attack instanceof Pgd) o.addProperty("alpha", alpha);
		o.addProperty("loss", mode.name().toLowerCase(Locale.ROOT));
		o.addProperty("beta", mode == LossMode.MIXED ? beta : 1f);
		return o;
	}

	@Override
	public float cleanWeight() {
		return mode == LossMode.MIXED ? 1 - beta : 0;
	}

	@Override
	public float adversarialWeight() {
		return mode == LossMode.MIXED ? beta : 1;
	}

	@Override
	public <L> NDArray adversarial(final Batch<L> batch) {
		final float[] e = new float[batch.ids.length];
		Arrays.fill(e, eps);
		return attack.perturb(batch.target, batch.x, batch.y, e);
	}

	/**
	 * The eps a model file of SAT records: rms per value for L2, absolute for Linf; null for a
	 * record of another method.
	 */
	public static NoiseBudget budget(final ModelInfo.Training record) {
		final JsonObject p = record.parameters;
		if (!KEY.equals(record.method) || p == null || !p.has("norm") || !p.has("eps")) return null;
		final Norm norm = Norm.valueOf(p.get("norm").getAsString());
		if (norm == Norm.L2 && p.has("eps_rms")) return NoiseBudget.of(p.get("eps_rms").getAsDouble(), EpsUnit.RMS, norm);
		return NoiseBudget.absolute(p.get("eps").getAsDouble(), norm);
	}

	/** "sat, L2 eps 0.0500 rms", or "sat, LINF eps 0.1" (absolute), from a model file of SAT. */
	public static String label(final ModelInfo.Training record) {
		final NoiseBudget b = budget(record);
		if (b == null) return KEY;
		return b.unit() == EpsUnit.RMS ? String.format(Locale.ROOT, "%s, %s eps %.4f rms", KEY, b.norm().name(), b
			.value()) : KEY + ", " + b.norm().name() + " eps " + record.parameters.get("eps").getAsString();
	}
}
