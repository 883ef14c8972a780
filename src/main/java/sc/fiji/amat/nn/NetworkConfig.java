package sc.fiji.amat.nn;

import java.util.Locale;

import sc.fiji.amat.AmatException;

/**
 * The size of a task's network: how many times it halves the resolution (depth), the number of
 * feature channels at full resolution (width, doubled at each level) and its normalisation.
 */
public final class NetworkConfig {

	public enum Norm {
		BATCH, INSTANCE;

		public static Norm parse(final String s) {
			try {
				return valueOf(s.trim().toUpperCase(Locale.ROOT));
			}
			catch (final IllegalArgumentException e) {
				throw new AmatException("Unknown normalisation layer '" + s + "': use batch or instance.");
			}
		}
	}

	private int depth = 3;
	private int width = 16;
	private Norm norm = Norm.BATCH;

	public NetworkConfig() {}

	public NetworkConfig(final int depth, final int width, final Norm norm) {
		if (depth < 1 || depth > 6) throw new AmatException("Network depth must be 1 to 6, got " + depth + ".");
		if (width < 1 || width > 256) throw new AmatException("Network width must be 1 to 256, got " + width + ".");
		this.depth = depth;
		this.width = width;
		this.norm = norm;
	}

	public int depth() {
		return depth;
	}

	public int width() {
		return width;
	}

	public Norm norm() {
		return norm;
	}

	/** Image sides must be multiples of this. */
	public int sizeMultiple() {
		return 1 << depth;
	}

	/**
	 * The smallest side that is a multiple of both size multiples (their least common multiple):
	 * what images given to two networks must be a multiple of. A multiple of 1 or less asks nothing.
	 */
	public static int commonSizeMultiple(final int a, final int b) {
		if (b <= 1) return Math.max(1, a);
		if (a <= 1) return b;
		int x = a, y = b;
		while (y != 0) {
			final int t = x % y;
			x = y;
			y = t;
		}
		return a / x * b;
	}

	@Override
	public String toString() {
		return "depth " + depth + ", width " + width + ", " + norm.name().toLowerCase(Locale.ROOT) + " norm";
	}
}
