package sc.fiji.amat.plugin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackSettings;
import sc.fiji.amat.attack.AttackTarget;
import sc.fiji.amat.attack.AttackType;
import sc.fiji.amat.attack.Norm;

/**
 * An attack from the test sources, annotated as the real ones are: it shifts every value of a
 * sample by the same amount, so that the shift's norm is the sample's eps. Nothing outside this
 * class names it; every list of attacks must show it.
 */
@Plugin(type = AttackType.class, name = ShiftAttackType.KEY)
public final class ShiftAttackType implements AttackType {

	public static final String KEY = "test-shift";
	public static final String NAME = "Test shift";

	@Override
	public String key() {
		return KEY;
	}

	@Override
	public String displayName() {
		return NAME;
	}

	@Override
	public AttackSettings defaults() {
		return AttackSettings.DEFAULTS;
	}

	@Override
	public Attack create(final Norm norm, final AttackSettings s) {
		return new Attack() {

			@Override
			public String name() {
				return KEY;
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
			public <L> NDArray perturb(final AttackTarget<L> target, final NDArray x, final NDList y, final float[] eps) {
				final long n = x.getShape().get(0), values = x.getShape().size() / n;
				final float[] shift = new float[eps.length];
				for (int i = 0; i < eps.length; i++) shift[i] = norm == Norm.L2 ? (float) (eps[i] / Math.sqrt(values)) : eps[i];
				return target.clamp(x.add(Norm.broadcast(x.getManager().create(shift), x)));
			}

			@Override
			public String toString() {
				return "test shift " + norm;
			}
		};
	}

	@Override
	public double cost(final AttackSettings s) {
		return 0.5;
	}
}
