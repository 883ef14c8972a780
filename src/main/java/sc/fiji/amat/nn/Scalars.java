package sc.fiji.amat.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant that is safe in code PyTorch differentiates.
 * <p>
 * DJL's {@code NDArray.mul(Number)} (and div, maximum, minimum, pow) turns the number into a
 * tensor backed by a Java direct buffer ({@code torch::from_blob}, no copy), runs the op and
 * closes that tensor at once, which lets the garbage collector free the buffer. But autograd has
 * kept the scalar for the backward pass (d(a * s)/da = s): when a garbage collection runs between
 * the forward and the backward pass and the memory is reused, the backward pass reads whatever is
 * there now. Training then gives different models from the same seed, and NaN now and then: on
 * any CPU, more often the more the Java heap is under pressure. These constants are made by
 * PyTorch ({@code torch::full}), belong to the array's manager and live until it is closed.
 * </p>
 */
public final class Scalars {

	private Scalars() {}

	/** A 0-dimensional constant of {@code like}'s type on its manager (and device), owned by PyTorch. */
	public static NDArray of(final NDArray like, final float value) {
		return like.getManager().full(new Shape(), value, like.getDataType());
	}

	/** a * value. */
	public static NDArray mul(final NDArray a, final float value) {
		return a.mul(of(a, value));
	}

	/** a / value. */
	public static NDArray div(final NDArray a, final float value) {
		return a.div(of(a, value));
	}

	/** max(a, value), element-wise. */
	public static NDArray maximum(final NDArray a, final float value) {
		return a.maximum(of(a, value));
	}
}
