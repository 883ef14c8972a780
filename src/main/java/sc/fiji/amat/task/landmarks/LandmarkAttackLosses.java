package sc.fiji.amat.task.landmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import java.util.Arrays;
import java.util.List;

import sc.fiji.amat.task.AttackLoss;

/**
 * The objectives an attack may maximise on landmark heatmaps, per sample, shape (N), averaged
 * over landmarks like the training loss ({@link LandmarkTask#terms}):
 * <ul>
 * <li>"heatmap": the heatmap term alone, KL(target Gaussian || softmax of the map);</li>
 * <li>"coordinate": the coordinate term alone, the distance in pixels between the soft-argmax
 * (probability-weighted mean position) of each map and the true point;</li>
 * <li>"cospgd" (after CosPGD, Agnihotri et al. ICML 2024): each landmark's heatmap term, pixel
 * by pixel g (ln g - ln p), weighted by the cosine similarity of its predicted probability map
 * and its target Gaussian (as vectors over the pixels; no gradient), so landmarks still found
 * weigh more than those already lost.</li>
 * </ul>
 */
final class LandmarkAttackLosses {

	private LandmarkAttackLosses() {}

	static List<AttackLoss> of(final LandmarkTask task) {
		// in the order an evaluation prefers them (the strong preset runs APGD on the first two): the
		// coordinate error attacks the metric (distance) most directly
		return Arrays.asList( //
			AttackLoss.of(AttackLoss.TRAINING, "the training loss: heatmap KL + coordinate weight x soft-argmax error", (o,
				t, p) -> task.loss(o, t)), //
			AttackLoss.of("coordinate", "the coordinate error: soft-argmax distance to the true point in pixels", (o, t,
				p) -> task.terms(o, t)[1]), //
			AttackLoss.of("heatmap", "the heatmap term of the training loss: KL(target Gaussian || softmax map)", (o, t,
				p) -> task.terms(o, t)[0]), //
			AttackLoss.of("cospgd", "CosPGD-style: each landmark's heatmap KL weighted by the cosine similarity of " +
				"predicted and target heatmaps", (o, t, p) -> cosPgd(o, t)));
	}

	/** Per landmark the cosine similarity of softmax map and target Gaussian, (N, K), without gradient. */
	static NDArray cosineWeight(final NDArray logp, final NDArray gauss) {
		final NDArray p = logp.stopGradient().exp();
		// a copy of the target on the output's (per-iteration) manager, so nothing lands on the labels'
		final NDArray g = gauss.duplicate();
		g.attach(p.getManager());
		final NDArray dot = p.mul(g).sum(new int[] { 2 });
		return dot.div(p.square().sum(new int[] { 2 }).sqrt().mul(g.square().sum(new int[] { 2 }).sqrt()));
	}

	static NDArray cosPgd(final NDList output, final NDList target) {
		final NDArray z = output.singletonOrThrow();
		final long n = z.getShape().get(0), k = z.getShape().get(1), plane = z.getShape().get(2) * z.getShape().get(3);
		final NDArray logp = z.reshape(n, k, plane).logSoftmax(2);
		final NDArray kl = logp.mul(target.get(0)).sum(new int[] { 2 }).neg().add(target.get(1));
		return kl.mul(cosineWeight(logp, target.get(0))).mean(new int[] { 1 });
	}
}
