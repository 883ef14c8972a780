package sc.fiji.amat.attack;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import java.util.Arrays;
import java.util.Locale;

import sc.fiji.amat.AmatException;

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
 * Two options make an evaluation attack stronger; both are off by default, and with both off
 * the attack is exactly the one described above:
 * </p>
 * <ul>
 * <li><b>restarts</b> R: the attack runs R times from independent random starts (the engine's
 * random generator draws them one after another, so the first restart is the single-restart
 * attack), and per sample the restart whose result has the highest loss is kept;</li>
 * <li><b>step schedule</b> {@link StepSchedule#HALVE_ON_PLATEAU} (a simplified APGD
 * schedule): every sample keeps the best iterate it has seen (highest loss); when its loss has
 * not improved on that best for {@code patience = max(2, ceil(T / 10))} steps in a row, its
 * step size halves and it jumps back to its best iterate. The result is the best iterate, so
 * the attack never ends worse than any point it visited.</li>
 * </ul>
 */
public final class Pgd implements Attack {

	private final String name;
	private final Norm norm;
	private final int steps;
	private final float alpha;
	private final boolean randomStart;
	private final int restarts;
	private final StepSchedule schedule;

	/** How the step size evolves during one run of the attack. */
	public enum StepSchedule {
		/** alpha * eps / T at every step (classic PGD, IFGSM, FGSM). */
		CONSTANT,
		/** Halve a sample's step when its loss stops improving and return its best iterate. */
		HALVE_ON_PLATEAU;

		public static StepSchedule parse(final String s) {
			switch (s.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
				case "constant":
				case "none":
					return CONSTANT;
				case "halve":
				case "halve-on-plateau":
				case "apgd":
					return HALVE_ON_PLATEAU;
				default:
					throw new AmatException("Unknown step schedule '" + s + "': use constant or halve.");
			}
		}
	}

	public Pgd(final String name, final Norm norm, final int steps, final float alpha, final boolean randomStart) {
		this(name, norm, steps, alpha, randomStart, 1, StepSchedule.CONSTANT);
	}

	private Pgd(final String name, final Norm norm, final int steps, final float alpha, final boolean randomStart,
		final int restarts, final StepSchedule schedule)
	{
		if (steps < 1) throw new IllegalArgumentException("An iterative attack needs at least one step");
		if (restarts < 1) throw new IllegalArgumentException("An attack needs at least one restart");
		this.name = name;
		this.norm = norm;
		this.steps = steps;
		this.alpha = alpha;
		this.randomStart = randomStart;
		this.restarts = restarts;
		this.schedule = schedule == null ? StepSchedule.CONSTANT : schedule;
	}

	/**
	 * The same attack run {@code r} times, keeping per sample the run with the highest loss.
	 * Restarts only differ through the random start, so they only help an attack that has one.
	 */
	public Pgd withRestarts(final int r) {
		return new Pgd(name, norm, steps, alpha, randomStart, r, schedule);
	}

	/** The same attack with another step-size schedule. */
	public Pgd withSchedule(final StepSchedule s) {
		return new Pgd(name, norm, steps, alpha, randomStart, restarts, s);
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

	public StepSchedule schedule() {
		return schedule;
	}

	/** Steps of halving without improvement before a sample's step size halves. */
	public int patience() {
		return Math.max(2, (steps + 9) / 10);
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%s %s T=%d alpha=%s%s%s%s", name, norm, steps, alpha, randomStart ?
			" random start" : "", restarts > 1 ? " restarts=" + restarts : "", schedule == StepSchedule.HALVE_ON_PLATEAU
				? " step halving (patience " + patience() + ")" : "");
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
	 * the plain attack: one restart and the constant step.
	 */
	public <L> NDArray perturb(final AttackTarget<L> target, final NDArray x, final NDList y, final float[] eps,
		final float[] startRadius, final IterateObserver observer, final boolean observeFinal)
	{
		if (restarts == 1 && schedule == StepSchedule.CONSTANT) {
			return run(target, x, y, eps, startRadius, observer, observeFinal);
		}
		if (observer != null) {
			throw new IllegalArgumentException("An iterate observer needs PGD with one restart and the constant step");
		}
		if (eps.length != x.getShape().get(0)) {
			throw new IllegalArgumentException("eps has " + eps.length + " values for " + x.getShape().get(0) + " samples");
		}
		final NDManager outer = x.getManager();
		NDArray best = null;
		float[] bestLoss = null;
		for (int r = 0; r < restarts; r++) {
			final NDArray candidate;
			final float[] loss;
			if (schedule == StepSchedule.CONSTANT) {
				candidate = run(target, x, y, eps, startRadius, null, false);
				try (NDManager it = outer.newSubManager(); AttackTarget.Frozen frozen = target.freeze()) {
					final NDArray xa = candidate.duplicate();
					xa.attach(it);
					loss = target.loss(target.forward(xa), y).toFloatArray();
				}
			}
			else {
				final float[][] lossOut = new float[1][];
				candidate = runHalving(target, x, y, eps, startRadius, lossOut);
				loss = lossOut[0];
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
					xa.setRequiresGradient(true);
					final NDArray grad;
					try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
						final NDList out = target.forward(xa);
						final NDArray loss = target.loss(out, y, (double) t / steps);
						if (observer != null) observer.observe(t, xa, out);
						gc.backward(loss.sum());
					}
					grad = xa.getGradient();
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

	/**
	 * One run with the step-halving schedule; returns per sample the best iterate seen (the
	 * final one included) and its loss in {@code lossOut[0]}.
	 */
	private <L> NDArray runHalving(final AttackTarget<L> target, final NDArray x, final NDList y, final float[] eps,
		final float[] startRadius, final float[][] lossOut)
	{
		final NDManager outer = x.getManager();
		final int n = (int) x.getShape().get(0);
		final float[] step = new float[n];
		for (int i = 0; i < n; i++) step[i] = alpha * eps[i] / steps;
		final float[] bestLoss = new float[n];
		Arrays.fill(bestLoss, Float.NEGATIVE_INFINITY);
		final int[] stalled = new int[n];
		final int patience = patience();
		NDArray delta = start(target, x, eps, startRadius);
		NDArray bestDelta = delta.duplicate();
		try (AttackTarget.Frozen frozen = target.freeze()) {
			for (int t = 0; t <= steps; t++) {
				try (NDManager it = outer.newSubManager()) {
					final NDArray xa = x.add(delta);
					xa.attach(it);
					final boolean last = t == steps;
					if (!last) xa.setRequiresGradient(true);
					final float[] loss;
					NDArray grad = null;
					if (last) {
						loss = target.loss(target.forward(xa), y).toFloatArray();
					}
					else {
						try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
							final NDArray l = target.loss(target.forward(xa), y, (double) t / steps);
							loss = l.toFloatArray();
							gc.backward(l.sum());
						}
						grad = xa.getGradient();
					}
					final boolean[] improved = new boolean[n], reset = new boolean[n];
					boolean anyImproved = false, anyReset = false;
					for (int i = 0; i < n; i++) {
						if (loss[i] > bestLoss[i]) {
							bestLoss[i] = loss[i];
							improved[i] = true;
							anyImproved = true;
							stalled[i] = 0;
						}
						else if (++stalled[i] >= patience) {
							step[i] /= 2;
							stalled[i] = 0;
							reset[i] = true;
							anyReset = true;
						}
					}
					if (anyImproved) {
						final NDArray merged = choose(bestDelta, delta, improved);
						bestDelta.close();
						bestDelta = merged;
					}
					if (last) break;
					final NDArray epsA = it.create(eps);
					final NDArray stepSize = Norm.broadcast(it.create(step), grad);
					final NDArray moved = norm.direction(grad).mul(stepSize).add(delta);
					NDArray next = clampDelta(target, x, norm.project(moved, epsA));
					if (anyReset) {
						// a stalled sample goes back to its best iterate; its next step is half as long
						final NDArray fromBest = choose(next, bestDelta, reset);
						next = fromBest;
					}
					next.attach(outer);
					delta.close();
					delta = next;
				}
			}
		}
		delta.close();
		lossOut[0] = bestLoss;
		final NDArray adversarial = x.add(bestDelta);
		bestDelta.close();
		return adversarial;
	}

	private <L> NDArray start(final AttackTarget<L> target, final NDArray x, final float[] eps,
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
