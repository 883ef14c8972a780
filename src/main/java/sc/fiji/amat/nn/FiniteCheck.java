package sc.fiji.amat.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.List;

/**
 * A debug mode that finds the first tensor of a network built here that is not finite: with it
 * on, every layer's output is checked as the forward pass goes ({@link NonFiniteException} names
 * the layer), and {@link #firstNonFiniteGradient} names the first parameter, in the order the
 * backward pass reaches them, whose gradient is not finite. It costs one synchronisation per
 * layer, so it is off unless asked for: on the current thread by {@link #on()} (training replays
 * a step whose loss was not finite with it), or everywhere by {@code -Damat.check.finite=true}.
 */
public final class FiniteCheck {

	/** The system property that turns the check on for every forward pass. */
	public static final String PROPERTY = "amat.check.finite";

	private static final ThreadLocal<Boolean> ON = new ThreadLocal<>();

	private FiniteCheck() {}

	/** Thrown by a checked forward pass at the first layer whose output is not finite. */
	public static final class NonFiniteException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		/** The layer, e.g. "down1 > 02BatchNorm". */
		public final String where;

		NonFiniteException(final String where) {
			super("the output of " + where + " is not finite");
			this.where = where;
		}
	}

	/** Turns the check on for the current thread until the returned scope is closed. */
	public static AutoCloseable on() {
		final Boolean before = ON.get();
		ON.set(Boolean.TRUE);
		return () -> ON.set(before);
	}

	/** Whether forward passes on this thread check every layer. */
	public static boolean enabled() {
		final Boolean local = ON.get();
		return local != null ? local : Boolean.getBoolean(PROPERTY);
	}

	/** True when no value of the array is NaN or infinite. */
	public static boolean isFinite(final NDArray a) {
		try (NDArray nan = a.isNaN(); NDArray inf = a.isInfinite(); NDArray bad = nan.logicalOr(inf);
			NDArray any = bad.any())
		{
			return !any.getBoolean();
		}
	}

	/** When the check is on, throws {@link NonFiniteException} if an array of {@code out} is not finite. */
	static NDList check(final NDList out, final String where) {
		if (!enabled()) return out;
		for (final NDArray a : out) {
			if (!isFinite(a)) throw new NonFiniteException(where);
		}
		return out;
	}

	/**
	 * The first parameter whose gradient is not finite, in the order the backward pass computes
	 * them (from the output towards the input), as "block path: parameter"; null when all are
	 * finite or have no gradient.
	 */
	public static String firstNonFiniteGradient(final Block block) {
		final List<Pair<String, Parameter>> params = new java.util.ArrayList<>();
		block.getParameters().forEach(params::add);
		for (int i = params.size() - 1; i >= 0; i--) {
			final NDArray w = params.get(i).getValue().getArray();
			if (!w.hasGradient()) continue;
			try (NDArray g = w.getGradient()) {
				if (!isFinite(g)) return params.get(i).getKey();
			}
		}
		return null;
	}
}
