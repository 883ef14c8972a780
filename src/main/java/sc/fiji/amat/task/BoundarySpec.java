package sc.fiji.amat.task;

import java.util.Arrays;

/**
 * Names the K quantities a task's AMAT boundary test reads, and for each whether higher values
 * are better (Dice) or worse (a loss term). A sample is over the boundary when any quantity is
 * on the wrong side of its threshold.
 */
public final class BoundarySpec {

	private final String[] names;
	private final boolean[] higherIsBetter;

	public BoundarySpec(final String[] names, final boolean[] higherIsBetter) {
		if (names.length != higherIsBetter.length || names.length == 0) throw new IllegalArgumentException();
		this.names = names.clone();
		this.higherIsBetter = higherIsBetter.clone();
	}

	public int size() {
		return names.length;
	}

	public String name(final int k) {
		return names[k];
	}

	public boolean higherIsBetter(final int k) {
		return higherIsBetter[k];
	}

	/** True when quantity value v is over the boundary given by threshold t. NaN is always over. */
	public boolean isOver(final int k, final float v, final float t) {
		if (Float.isNaN(v)) return true;
		return higherIsBetter[k] ? v < t : v > t;
	}

	/** True when any of the sample's quantities is over its threshold. */
	public boolean isOver(final float[] values, final float[] thresholds) {
		for (int k = 0; k < names.length; k++) {
			if (isOver(k, values[k], thresholds[k])) return true;
		}
		return false;
	}

	@Override
	public String toString() {
		return Arrays.toString(names);
	}
}
