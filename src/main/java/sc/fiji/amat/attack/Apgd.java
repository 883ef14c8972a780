package sc.fiji.amat.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * APGD, the step-size-free PGD of Croce and Hein (ICML 2020, "Reliable evaluation of
 * adversarial robustness with an ensemble of diverse parameter-free attacks", Algorithm 1), in
 * the L2 or Linf norm with per-sample eps. Per sample, over N iterations:
 * <ul>
 * <li>start x_0: x plus a random point of the eps ball (as PGD's random start);</li>
 * <li>step size eta = 2 eps; the first step is plain, x_1 = P(x_0 + eta d(g_0)), where d is the
 * L2-normalised gradient (L2) or its sign (Linf) and P the projection into the eps ball and the
 * valid range;</li>
 * <li>then with momentum alpha = 0.75: z = P(x_k + eta d(g_k)), x_{k+1} = P(x_k + alpha (z - x_k) +
 * (1 - alpha)(x_k - x_{k-1}));</li>
 * <li>checkpoints w_j = ceil(p_j N) with p_0 = 0, p_1 = 0.22, p_{j+1} = p_j + max(p_j - p_{j-1} -
 * 0.03, 0.06): at each, a sample halves its eta and goes back to its best point (highest loss,
 * with that point's gradient) when fewer than rho = 0.75 of its steps since the last checkpoint
 * raised its loss, or when neither its eta nor its best loss changed since the last
 * checkpoint;</li>
 * <li>the result is per sample the best point seen, the final iterate included.</li>
 * </ul>
 * Every iterate costs one forward and one backward pass (the final one a forward pass only), so
 * N iterations cost what PGD with N steps does. Restarts R: R independent runs from fresh random
 * starts, keeping per sample the run with the highest loss. The loss is the target's attack
 * loss at progress k / N. Each iteration runs in its own native memory scope.
 */
public final class Apgd implements Attack {

	public static final String NAME = "apgd";
	/** The momentum weight of the new step. */
	public static final float MOMENTUM = 0.75f;
	/** The fraction of loss-raising steps below which the step size halves. */
	public static final double RHO = 0.75;

	private final Norm norm;
	private final int iterations;
	private final int restarts;

	public Apgd(final Norm norm, final int iterations, final int restarts) {
		if (iterations < 1) throw new IllegalArgumentException("APGD needs at least one iteration");
		if (restarts < 1) throw new IllegalArgumentException("An attack needs at least one restart");
		this.norm = norm;
		this.iterations = iterations;
		this.restarts = restarts;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Norm norm() {
		return norm;
	}

	public int iterations() {
		return iterations;
	}

	public int restarts() {
		return restarts;
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "apgd %s N=%d%s", norm, iterations, restarts > 1 ? " restarts=" + restarts
			: "");
	}

	/**
	 * The checkpoint iterations w_1 < w_2 < ... of a run of n iterations, each in [1, n - 1]:
	 * ceil(p_j n) for p_1 = 0.22, p_{j+1} = p_j + max(p_j - p_{j-1} - 0.03, 0.06) (p_0 = 0) up to 1.
	 */
	public static int[] checkpoints(final int n) {
		final List<Integer> w = new ArrayList<>();
		double before = 0, p = 0.22;
		while (p <= 1) {
			final int wj = (int) Math.ceil(p * n - 1e-9);
			if (wj >= 1 && wj < n && (w.isEmpty() || wj > w.get(w.size() - 1))) w.add(wj);
			final double next = p + Math.max(p - before - 0.03, 0.06);
			before = p;
			p = next;
		}
		return w.stream().mapToInt(Integer::intValue).toArray();
	}

	@Override
	public <L> NDArray perturb(final AttackTarget<L> target, final NDArray x, final NDList y, final float[] eps) {
		return perturb(target, x, y, eps, null);
	}

	/**
	 * The attack with an observer of every iterate (null: none): iterates 0 to N with the network's
	 * output on them, before any return to a best point. An observer needs one restart.
	 */
	public <L> NDArray perturb(final AttackTarget<L> target, final NDArray x, final NDList y, final float[] eps,
		final IterateObserver observer)
	{
		final int n = (int) x.getShape().get(0);
		if (eps.length != n) throw new IllegalArgumentException("eps has " + eps.length + " values for " + n + " samples");
		if (observer != null && restarts > 1) {
			throw new IllegalArgumentException("An iterate observer needs APGD with one restart");
		}
		NDArray best = null;
		float[] bestLoss = null;
		for (int r = 0; r < restarts; r++) {
			final float[][] lossOut = new float[1][];
			final NDArray candidate = run(target, x, y, eps, observer, lossOut);
			final float[] loss = lossOut[0];
			if (best == null) {
				best = candidate;
				bestLoss = loss;
				continue;
			}
			final boolean[] better = new boolean[n];
			boolean any = false;
			for (int i = 0; i < n; i++) {
				better[i] = loss[i] > bestLoss[i];
				if (better[i]) {
					bestLoss[i] = loss[i];
					any = true;
				}
			}
			if (any) {
				final NDArray merged = Pgd.choose(best, candidate, better);
				best.close();
				best = merged;
			}
			candidate.close();
		}
		return best;
	}

	/** One run; returns x + the best perturbation seen and, in lossOut[0], its loss per sample. */
	private <L> NDArray run(final AttackTarget<L> target, final NDArray x, final NDList y, final float[] eps,
		final IterateObserver observer, final float[][] lossOut)
	{
		final NDManager outer = x.getManager();
		final int n = eps.length;
		final float[] eta = new float[n];
		for (int i = 0; i < n; i++) eta[i] = 2 * eps[i];
		final int[] checkpoints = checkpoints(iterations);
		int nextCheck = 0, lastCheck = 0;
		final int[] successes = new int[n];
		final boolean[] reducedLast = new boolean[n];
		NDArray delta = Pgd.start(target, norm, x, eps, eps);
		NDArray previous = null;
		try (AttackTarget.Frozen frozen = target.freeze()) {
			final Evaluation e0 = evaluate(target, x, delta, y, 0, true, observer);
			float[] current = e0.loss;
			NDArray grad = e0.grad;
			NDArray best = delta.duplicate(), bestGrad = grad.duplicate();
			final float[] bestLoss = current.clone();
			float[] bestAtCheck = bestLoss.clone();
			for (int k = 0; k < iterations; k++) {
				final NDArray next = step(target, x, delta, previous, grad, eps, eta);
				if (previous != null) previous.close();
				previous = delta;
				delta = next;
				final boolean last = k + 1 == iterations;
				final Evaluation e = evaluate(target, x, delta, y, k + 1, !last, observer);
				grad.close();
				grad = e.grad;
				final boolean[] improved = new boolean[n];
				boolean anyImproved = false;
				for (int i = 0; i < n; i++) {
					if (e.loss[i] > current[i]) successes[i]++;
					if (e.loss[i] > bestLoss[i]) {
						bestLoss[i] = e.loss[i];
						improved[i] = anyImproved = true;
					}
				}
				current = e.loss;
				if (anyImproved) {
					best = replace(best, Pgd.choose(best, delta, improved));
					if (!last) bestGrad = replace(bestGrad, Pgd.choose(bestGrad, grad, improved));
				}
				if (last || nextCheck >= checkpoints.length || checkpoints[nextCheck] != k + 1) continue;
				// checkpoint: halve the step and go back to the best point where progress stalled
				final int interval = k + 1 - lastCheck;
				final boolean[] reset = new boolean[n];
				boolean anyReset = false;
				for (int i = 0; i < n; i++) {
					final boolean oscillating = successes[i] < RHO * interval;
					final boolean stalled = !reducedLast[i] && bestLoss[i] <= bestAtCheck[i];
					reset[i] = oscillating || stalled;
					reducedLast[i] = reset[i];
					successes[i] = 0;
					if (reset[i]) {
						eta[i] /= 2;
						current[i] = bestLoss[i];
						anyReset = true;
					}
				}
				bestAtCheck = bestLoss.clone();
				lastCheck = k + 1;
				nextCheck++;
				if (anyReset) {
					delta = replace(delta, Pgd.choose(delta, best, reset));
					grad = replace(grad, Pgd.choose(grad, bestGrad, reset));
				}
			}
			delta.close();
			if (previous != null) previous.close();
			if (grad != null) grad.close();
			bestGrad.close();
			lossOut[0] = bestLoss;
			final NDArray adversarial = x.add(best);
			best.close();
			return adversarial;
		}
	}

	/** Closes old and returns its replacement. */
	private static NDArray replace(final NDArray old, final NDArray replacement) {
		old.close();
		return replacement;
	}

	/**
	 * The next perturbation: z = P(delta + eta d(grad)); without a previous one (the first step)
	 * z itself, else P(delta + alpha (z - delta) + (1 - alpha)(delta - previous)).
	 */
	private <L> NDArray step(final AttackTarget<L> target, final NDArray x, final NDArray delta,
		final NDArray previous, final NDArray grad, final float[] eps, final float[] eta)
	{
		final NDManager outer = x.getManager();
		try (NDManager it = outer.newSubManager()) {
			// while this scope lives, results computed from the kept arrays belong to it
			delta.tempAttach(it);
			grad.tempAttach(it);
			if (previous != null) previous.tempAttach(it);
			final NDArray epsA = it.create(eps);
			final NDArray etaA = Norm.broadcast(it.create(eta), grad);
			final NDArray z = Pgd.clampDelta(target, x, norm.project(norm.direction(grad).mul(etaA).add(delta), epsA));
			NDArray next = z;
			if (previous != null) {
				final NDArray moved = z.sub(delta).mul(MOMENTUM).add(delta.sub(previous).mul(1 - MOMENTUM)).add(delta);
				next = Pgd.clampDelta(target, x, norm.project(moved, epsA));
			}
			next.attach(outer);
			return next;
		}
	}

	/** The loss per sample at x + delta, and its input gradient (null when not asked for). */
	private static final class Evaluation {

		final float[] loss;
		final NDArray grad;

		Evaluation(final float[] loss, final NDArray grad) {
			this.loss = loss;
			this.grad = grad;
		}
	}

	private <L> Evaluation evaluate(final AttackTarget<L> target, final NDArray x, final NDArray delta, final NDList y,
		final int k, final boolean withGradient, final IterateObserver observer)
	{
		final NDManager outer = x.getManager();
		final double progress = (double) k / iterations;
		try (NDManager it = outer.newSubManager()) {
			final NDArray xa = x.add(delta);
			xa.attach(it);
			if (!withGradient) {
				final NDList out = target.forward(xa);
				if (observer != null) observer.observe(k, xa, out);
				return new Evaluation(target.loss(out, y, progress).toFloatArray(), null);
			}
			final AttackTarget.Gradient g = target.gradient(xa, y, progress);
			final float[] loss = g.loss.toFloatArray();
			if (observer != null) observer.observe(k, xa, g.output);
			final NDArray grad = g.input.duplicate();
			grad.attach(outer);
			return new Evaluation(loss, grad);
		}
	}
}
