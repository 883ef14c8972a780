package sc.fiji.amat.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.Locale;

/**
 * Projected gradient ascent on the task's loss, in the L2 or Linf norm, with per-sample eps:
 * <ul>
 * <li>start: x, or x plus random noise of per-sample radius (L2: a random direction scaled to
 * the radius; Linf: uniform in the box of that radius), projected into the eps ball;</li>
 * <li>T steps of size alpha * eps / T along the per-sample L2-normalised gradient (L2) or its
 * sign (Linf), each followed by projection of the total perturbation into the eps ball and
 * clamping to the valid range.</li>
 * </ul>
 * FGSM is one step with alpha 1 and no random start, IFGSM T steps without random start.
 * Each iteration runs in its own native memory scope, so memory stays flat whatever T is.
 * <p>
 * <b>Restarts</b> R (1 by default) make an evaluation attack stronger: the attack runs R times
 * from independent random starts (the engine's random generator draws them one after another,
 * so the first restart is the single-restart attack), and per sample the restart whose result
 * has the highest loss is kept. For an adaptive step size, see {@link Apgd}.
 * </p>
 */
public final class Pgd implements Attack {

	private final String name;
	private final Norm norm;
	private final int steps;
	private final float alpha;
	private final boolean randomStart;
	private final int restarts;

	public Pgd(final String name, final Norm norm, final int steps, final float alpha, final boolean randomStart) {
		this(name, norm, steps, alpha, randomStart, 1);
	}

	private Pgd(final String name, final Norm norm, final int steps, final float alpha, final boolean randomStart,
		final int restarts)
	{
		if (steps < 1) throw new IllegalArgumentException("An iterative attack needs at least one step");
		if (restarts < 1) throw new IllegalArgumentException("An attack needs at least one restart");
		this.name = name;
		this.norm = norm;
		this.steps = steps;
		this.alpha = alpha;
		this.randomStart = randomStart;
		this.restarts = restarts;
	}

	/**
	 * The same attack run {@code r} times, keeping per sample the run with the highest loss.
	 * Restarts only differ through the random start, so they only help an attack that has one.
	 */
	public Pgd withRestarts(final int r) {
		return new Pgd(name, norm, steps, alpha, randomStart, r);
	}

	/** PGD with random start, step alpha * eps / T (the spec's default alpha is 4). */
	public static Pgd pgd(final Norm norm, final int steps, final float alpha) {
		return new Pgd("pgd", norm, steps, alpha, true);
	}

	/** Iterative FGSM: no random start, T steps of eps / T. */
	public static Pgd ifgsm(final Norm norm, final int steps) {
		return new Pgd("ifgsm", norm, steps, 1f, false);
	}

	/** FGSM: one step of size eps along the gradient direction. */
	public static Pgd fgsm(final Norm norm) {
		return new Pgd("fgsm", norm, 1, 1f, false);
	}

	@Override
	public String name() {
		return name;
	}

	@Override
	public Norm norm() {
		return norm;
	}

	public int steps() {
		return steps;
	}

	public float alpha() {
		return alpha;
	}

	public boolean randomStart() {
		return randomStart;
	}

	public int restarts() {
		return restarts;
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%s %s T=%d alpha=%s%s%s", name, norm, steps, alpha, randomStart ?
			" random start" : "", restarts > 1 ? " restarts=" + restarts : "");
	}

	@Override
	public <L> NDArray perturb(final AttackTarget<L> target, final NDArray x, final NDList y, final float[] eps) {
		return perturb(target, x, y, eps, randomStart ? eps : null, null);
	}

	/**
	 * The attack with an explicit random-start radius per sample (null: no random start) and an
	 * observer of every iterate (null: none), the final one included.
	 */
	public <L> NDArray perturb(final AttackTarget<L> target, final NDArray x, final NDList y, final float[] eps,
		final float[] startRadius, final IterateObserver observer)
	{
		return perturb(target, x, y, eps, startRadius, observer, true);
	}

	/**
	 * As above; with {@code observeFinal} false the observer sees iterates 0 to T - 1 only and
	 * the caller checks the returned final iterate itself, e.g. on the output of the training
	 * forward pass that follows anyway, which saves a forward pass per step. An observer needs
	 * the plain attack: one restart.
	 */
	public <L> NDArray perturb(final AttackTarget<L> target, final NDArray x, final NDList y, final float[] eps,
		final float[] startRadius, final IterateObserver observer, final boolean observeFinal)
	{
		if (restarts == 1) {
			return run(target, x, y, eps, startRadius, observer, observeFinal);
		}
		if (observer != null) {
			throw new IllegalArgumentException("An iterate observer needs PGD with one restart");
		}
		if (eps.length != x.getShape().get(0)) {
			throw new IllegalArgumentException("eps has " + eps.length + " values for " + x.getShape().get(0) + " samples");
		}
		final NDManager outer = x.getManager();
		NDArray best = null;
		float[] bestLoss = null;
		for (int r = 0; r < restarts; r++) {
			final NDArray candidate = run(target, x, y, eps, startRadius, null, false);
			final float[] loss;
			try (NDManager it = outer.newSubManager(); AttackTarget.Frozen frozen = target.freeze()) {
				final NDArray xa = candidate.duplicate();
				xa.attach(it);
				loss = target.loss(target.forward(xa), y).toFloatArray();
			}
			if (best == null) {
				best = candidate;
				bestLoss = loss;
				continue;
			}
			final boolean[] better = new boolean[loss.length];
			boolean any = false;
			for (int i = 0; i < loss.length; i++) {
				better[i] = loss[i] > bestLoss[i];
				if (better[i]) {
					bestLoss[i] = loss[i];
					any = true;
				}
			}
			if (any) {
				final NDArray merged = choose(best, candidate, better);
				best.close();
				best = merged;
			}
			candidate.close();
		}
		return best;
	}

	/**
	 * Per sample, b where {@code takeB} is true, else a; the result belongs to a's manager.
	 */
	static NDArray choose(final NDArray a, final NDArray b, final boolean[] takeB) {
		final NDManager outer = a.getManager();
		final float[] w = new float[takeB.length];
		for (int i = 0; i < w.length; i++) w[i] = takeB[i] ? 1f : 0f;
		try (NDManager it = outer.newSubManager()) {
			// every intermediate starts from an array of this scope, so it belongs to it
			final NDArray mask = Norm.broadcast(it.create(w), a);
			final NDArray out = mask.mul(b).add(mask.neg().add(1f).mul(a));
			out.attach(outer);
			return out;
		}
	}

	/** One run with the constant step: the classic attack. */
	private <L> NDArray run(final AttackTarget<L> target, final NDArray x, final NDList y, final float[] eps,
		final float[] startRadius, final IterateObserver observer, final boolean observeFinal)
	{
		final NDManager outer = x.getManager();
		final int n = (int) x.getShape().get(0);
		if (eps.length != n) throw new IllegalArgumentException("eps has " + eps.length + " values for " + n + " samples");
		NDArray delta = start(target, x, eps, startRadius);
		try (AttackTarget.Frozen frozen = target.freeze()) {
			for (int t = 0; t < steps; t++) {
				try (NDManager it = outer.newSubManager()) {
					final NDArray xa = x.add(delta);
					xa.attach(it);
					final AttackTarget.Gradient g = target.gradient(xa, y, (double) t / steps);
					if (observer != null) observer.observe(t, xa, g.output);
					final NDArray grad = g.input;
					final NDArray epsA = it.create(eps);
					final NDArray stepSize = Norm.broadcast(epsA.mul(alpha / steps), grad);
					final NDArray moved = norm.direction(grad).mul(stepSize).add(delta);
					final NDArray next = clampDelta(target, x, norm.project(moved, epsA));
					next.attach(outer);
					delta.close();
					delta = next;
				}
			}
			final NDArray adversarial = x.add(delta);
			delta.close();
			if (observer != null && observeFinal) {
				try (NDManager it = outer.newSubManager()) {
					final NDArray xa = adversarial.duplicate();
					xa.attach(it);
					observer.observe(steps, xa, target.forward(xa));
				}
			}
			return adversarial;
		}
	}

	private <L> NDArray start(final AttackTarget<L> target, final NDArray x, final float[] eps,
		final float[] radius)
	{
		return start(target, norm, x, eps, radius);
	}

	/**
	 * The start perturbation: zero without a radius (null), else random noise of that per-sample
	 * radius (L2: a random direction scaled to it; Linf: uniform in the box), projected into the
	 * eps ball and clamped to the valid range; drawn from the engine's random generator.
	 */
	static <L> NDArray start(final AttackTarget<L> target, final Norm norm, final NDArray x, final float[] eps,
		final float[] radius)
	{
		final NDManager outer = x.getManager();
		if (radius == null) return x.zerosLike();
		try (NDManager it = outer.newSubManager()) {
			final NDArray r = it.create(radius);
			final NDArray noise = norm == Norm.L2 ? norm.normalize(it.randomNormal(x.getShape())) : it.randomUniform(-1f,
				1f, x.getShape());
			final NDArray d = noise.mul(Norm.broadcast(r, noise));
			final NDArray projected = clampDelta(target, x, norm.project(d, it.create(eps)));
			projected.attach(outer);
			return projected;
		}
	}

	/** delta such that x + delta lies in the valid range (unchanged when there is none). */
	static <L> NDArray clampDelta(final AttackTarget<L> target, final NDArray x, final NDArray delta) {
		if (target.validRange() == null) return delta;
		return target.clamp(delta.add(x)).sub(x);
	}
}
