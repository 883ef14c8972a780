package sc.fiji.amat.attack;

import ai.djl.ndarray.NDArray;

import java.util.Locale;

import sc.fiji.amat.AmatException;

/**
 * The two threat models: an L2 ball (noise energy over the whole input tensor) or an Linf box
 * (largest change of any one value). Every operation is per sample: arrays are (N, ...) and
 * per-sample radii come as (N, 1, ..., 1) arrays that broadcast.
 */
public enum Norm {
	L2, LINF;

	public static Norm parse(final String s) {
		final String t = s.trim().toUpperCase(Locale.ROOT).replace("-", "");
		if (t.equals("L2")) return L2;
		if (t.equals("LINF") || t.equals("LINFINITY") || t.equals("INF")) return LINF;
		throw new AmatException("Unknown norm '" + s + "': use L2 or Linf.");
	}

	/** The norm of each sample, shape (N). */
	public NDArray of(final NDArray x) {
		final NDArray flat = x.reshape(x.getShape().get(0), -1);
		return this == L2 ? flat.square().sum(new int[] { 1 }).sqrt() : flat.abs().max(new int[] { 1 });
	}

	/** Unit steepest-ascent direction of each sample's gradient: g / ||g||_2, or sign(g). */
	public NDArray direction(final NDArray grad) {
		if (this == LINF) return grad.sign();
		return grad.div(broadcast(of(grad).add(1e-12f), grad));
	}

	/** Scales each sample so that its norm equals 1 (zero samples stay zero). */
	public NDArray normalize(final NDArray d) {
		return d.div(broadcast(of(d).add(1e-12f), d));
	}

	/** Projects each sample's perturbation into the ball (box) of radius eps (shape (N)). */
	public NDArray project(final NDArray delta, final NDArray eps) {
		final NDArray e = broadcast(eps, delta);
		if (this == LINF) return delta.minimum(e).maximum(e.neg());
		final NDArray factor = broadcast(eps.div(of(delta).add(1e-12f)).minimum(1f), delta);
		return delta.mul(factor);
	}

	/** Reshapes a (N) vector to (N, 1, ..., 1) so that it broadcasts over samples like x. */
	public static NDArray broadcast(final NDArray perSample, final NDArray like) {
		final long[] s = new long[like.getShape().dimension()];
		java.util.Arrays.fill(s, 1);
		s[0] = like.getShape().get(0);
		return perSample.reshape(s);
	}
}
