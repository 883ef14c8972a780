package sc.fiji.amat.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.Locale;

/**
 * Random noise, the baseline every gradient attack must beat: {@code draws} independent noise
 * images per sample (uniform or Gaussian values), each scaled so that its norm is exactly eps
 * (L2: divided by its L2 norm; Linf: by its largest absolute value), and per sample the draw
 * with the highest loss is kept: the target's attack loss at progress 1 (all draws are compared
 * on the same objective).
 */
public final class WhiteNoise implements Attack {

	public enum Distribution {
		UNIFORM, GAUSSIAN
	}

	private final Norm norm;
	private final Distribution distribution;
	private final int draws;

	public WhiteNoise(final Norm norm, final Distribution distribution, final int draws) {
		if (draws < 1) throw new IllegalArgumentException("White noise needs at least one draw");
		this.norm = norm;
		this.distribution = distribution;
		this.draws = draws;
	}

	@Override
	public String name() {
		return "noise";
	}

	@Override
	public Norm norm() {
		return norm;
	}

	@Override
	public boolean followsGradient() {
		return false;
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "white noise %s %s worst of %d", distribution.name().toLowerCase(Locale.ROOT),
			norm, draws);
	}

	@Override
	public <L> NDArray perturb(final AttackTarget<L> target, final NDArray x, final NDList y, final float[] eps) {
		final NDManager outer = x.getManager();
		NDArray best = x.duplicate();
		NDArray bestLoss = null;
		try (AttackTarget.Frozen frozen = target.freeze()) {
			for (int d = 0; d < draws; d++) {
				try (NDManager it = outer.newSubManager()) {
					final NDArray raw = distribution == Distribution.UNIFORM ? it.randomUniform(-1f, 1f, x.getShape())
						: it.randomNormal(x.getShape());
					final NDArray unit = norm.normalize(raw);
					final NDArray noise = unit.mul(Norm.broadcast(it.create(eps), unit));
					final NDArray xa = target.clamp(noise.add(x));
					final NDArray loss = target.loss(target.forward(xa), y, 1);
					final NDArray keep;
					if (bestLoss == null) {
						keep = xa;
						bestLoss = loss;
					}
					else {
						// per sample: take this draw where its loss is higher (a 0/1 blend broadcasts)
						final NDArray better = Norm.broadcast(loss.gt(bestLoss).toType(DataType.FLOAT32, false), xa);
						keep = xa.sub(best).mul(better).add(best);
						final NDArray previous = bestLoss;
						bestLoss = loss.maximum(bestLoss);
						previous.close();
					}
					keep.attach(outer);
					bestLoss.attach(outer);
					if (keep != best) best.close();
					best = keep;
				}
			}
		}
		if (bestLoss != null) bestLoss.close();
		return best;
	}
}
