package sc.fiji.amat.train;

import ai.djl.ndarray.NDArray;

import com.google.gson.JsonObject;

import java.util.Arrays;
import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.Pgd;

/**
 * Standard adversarial training (SAT): every training sample gets PGD noise of one fixed size
 * eps (random start, T steps of alpha * eps / T, in training mode). The loss is either the
 * adversarial loss alone (as the research code trains segmentation) or
 * (1 - beta) * clean + beta * adversarial (as it trains landmarks and detection).
 */
public final class SatTraining implements TrainingMethod {

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

	private final Pgd pgd;
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
		if (!(eps > 0)) throw new AmatException("SAT needs an eps > 0, got " + eps + ".");
		if (!(beta > 0 && beta <= 1)) throw new AmatException("beta must be in (0, 1], got " + beta + ".");
		this.pgd = Pgd.pgd(norm, steps, alpha);
		this.eps = eps;
		this.epsPerValueRms = norm == Norm.L2 ? (float) (eps / Math.sqrt(valuesPerSample)) : eps;
		this.mode = mode;
		this.beta = beta;
	}

	@Override
	public String name() {
		return "sat";
	}

	@Override
	public JsonObject parameters() {
		final JsonObject o = new JsonObject();
		o.addProperty("norm", pgd.norm().name());
		o.addProperty("eps", eps);
		o.addProperty("eps_unit", "absolute");
		if (pgd.norm() == Norm.L2) o.addProperty("eps_rms", epsPerValueRms);
		o.addProperty("steps", pgd.steps());
		o.addProperty("alpha", pgd.alpha());
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
		return pgd.perturb(batch.target, batch.x, batch.y, e);
	}
}
