package sc.fiji.amat.task.segmentation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

import java.util.Arrays;
import java.util.List;

import sc.fiji.amat.nn.Scalars;
import sc.fiji.amat.task.AttackLoss;

/**
 * The objectives an attack may maximise on a segmentation: the training loss and the pixel
 * losses of the segmentation robustness literature, each per sample, shape (N). The logits are
 * (N, K, H, W), the target the one-hot map {@link SegmentationTask#encodeLabels} makes. A pixel
 * is "correct" when its true class has the largest logit (ties count as correct); the
 * correctness masks and the CosPGD weights are read from the current output's values and carry
 * no gradient. Every result is computed from the output first, so it belongs to the output's
 * (per-iteration) manager, not to the labels'.
 * <ul>
 * <li>"ce": pixel-mean cross-entropy.</li>
 * <li>"masked-ce" (SEA, Croce et al. ECCV 2024): the cross-entropy averaged over the pixels the
 * model still predicts correctly (0 when none is); pixels already wrong add nothing, so the
 * attack spends its gradient on the pixels it has not flipped yet.</li>
 * <li>"segpgd" (SegPGD, Gu et al. ECCV 2022): per-pixel cross-entropy weighted 1 - lambda on
 * correct and lambda on wrong pixels, summed and divided by the number of pixels, with lambda =
 * progress / 2 (the paper's (t - 1) / (2T) for t = 1 ... T): first only correct pixels count,
 * at the end both alike.</li>
 * <li>"cospgd" (CosPGD, Agnihotri et al. ICML 2024): per-pixel cross-entropy weighted by the
 * cosine similarity of the softmax prediction and the one-hot target (p_true / ||p||), pixel
 * mean.</li>
 * <li>"js": Jensen-Shannon divergence (natural log) between softmax prediction and one-hot
 * target, pixel mean: 0 for a perfect prediction, at most ln 2.</li>
 * </ul>
 */
final class SegmentationAttackLosses {

	private SegmentationAttackLosses() {}

	static List<AttackLoss> of(final SegmentationTask task) {
		// in the order an evaluation prefers them: the strong preset runs APGD on the first two (the
		// two strongest on the demo models); plain CE is part of the training loss
		return Arrays.asList( //
			AttackLoss.of(AttackLoss.TRAINING, "the training loss: pixel-mean cross-entropy + (1 - mean soft Dice)",
				(o, t, p) -> task.loss(o, t)), //
			AttackLoss.of("js", "Jensen-Shannon divergence of softmax prediction and one-hot target, pixel mean",
				(o, t, p) -> js(o, t)), //
			AttackLoss.of("masked-ce", "cross-entropy averaged over the pixels still predicted correctly (SEA)",
				(o, t, p) -> maskedCe(o, t)), //
			AttackLoss.of("segpgd", "SegPGD: cross-entropy of correct pixels weighted 1 - progress/2, wrong ones " +
				"progress/2", SegmentationAttackLosses::segPgd), //
			AttackLoss.of("cospgd", "CosPGD: per-pixel cross-entropy weighted by the cosine similarity of softmax " +
				"prediction and one-hot target", (o, t, p) -> cosPgd(o, t)), //
			AttackLoss.of("ce", "pixel-mean cross-entropy", (o, t, p) -> ce(o, t)));
	}

	/** Per-pixel cross-entropy, (N, H, W). */
	private static NDArray pixelCe(final NDArray logp, final NDArray y) {
		return logp.mul(y).sum(new int[] { 1 }).neg();
	}

	/** The mean over each sample's pixels, (N, H, W) to (N). */
	private static NDArray pixelMean(final NDArray perPixel) {
		return perPixel.reshape(perPixel.getShape().get(0), -1).mean(new int[] { 1 });
	}

	/** 1 where the true class has the largest logit, else 0, (N, H, W), without gradient. */
	static NDArray correct(final NDArray logits, final NDArray y) {
		final NDArray z = logits.stopGradient();
		final NDArray isMax = z.eq(z.max(new int[] { 1 }, true)).toType(DataType.FLOAT32, false);
		return isMax.mul(y).sum(new int[] { 1 });
	}

	static NDArray ce(final NDList output, final NDList target) {
		final NDArray logits = output.singletonOrThrow();
		return pixelMean(pixelCe(logits.logSoftmax(1), target.singletonOrThrow()));
	}

	static NDArray maskedCe(final NDList output, final NDList target) {
		final NDArray logits = output.singletonOrThrow(), y = target.singletonOrThrow();
		final NDArray mask = correct(logits, y);
		final NDArray count = Scalars.maximum(mask.sum(new int[] { 1, 2 }), 1f);
		return pixelCe(logits.logSoftmax(1), y).mul(mask).sum(new int[] { 1, 2 }).div(count);
	}

	static NDArray segPgd(final NDList output, final NDList target, final double progress) {
		final NDArray logits = output.singletonOrThrow(), y = target.singletonOrThrow();
		final float lambda = (float) (Math.max(0, Math.min(1, progress)) / 2);
		final NDArray mask = correct(logits, y);
		// weight: (1 - lambda) on correct pixels, lambda on wrong ones = lambda + (1 - 2 lambda) mask
		final NDArray weight = Scalars.mul(mask, 1 - 2 * lambda).add(Scalars.of(mask, lambda));
		return pixelMean(pixelCe(logits.logSoftmax(1), y).mul(weight));
	}

	/** The CosPGD weight of each pixel, (N, H, W), without gradient: cos(softmax, one-hot) = p_true / ||p||_2. */
	static NDArray cosineWeight(final NDArray logits, final NDArray y) {
		final NDArray p = logits.stopGradient().softmax(1);
		return p.mul(y).sum(new int[] { 1 }).div(p.square().sum(new int[] { 1 }).sqrt());
	}

	static NDArray cosPgd(final NDList output, final NDList target) {
		final NDArray logits = output.singletonOrThrow(), y = target.singletonOrThrow();
		return pixelMean(pixelCe(logits.logSoftmax(1), y).mul(cosineWeight(logits, y)));
	}

	/**
	 * JS(p, onehot) = (2 ln 2 + p_t ln p_t - (1 + p_t) ln(1 + p_t)) / 2 with p_t the true class's
	 * probability; p_t ln p_t is summed from the log-softmax, so it stays finite at p_t = 0.
	 */
	static NDArray js(final NDList output, final NDList target) {
		final NDArray logits = output.singletonOrThrow(), y = target.singletonOrThrow();
		final NDArray logp = logits.logSoftmax(1);
		final NDArray p = logp.exp();
		final NDArray pt = p.mul(y).sum(new int[] { 1 });
		final NDArray ptLogPt = p.mul(logp).mul(y).sum(new int[] { 1 });
		final NDArray onePlus = pt.add(Scalars.of(pt, 1f));
		final NDArray js = ptLogPt.sub(onePlus.mul(onePlus.log())).add(Scalars.of(pt, (float) (2 * Math.log(2))));
		return pixelMean(Scalars.mul(js, 0.5f));
	}
}
