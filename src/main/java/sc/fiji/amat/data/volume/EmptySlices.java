package sc.fiji.amat.data.volume;

import java.util.Locale;

import sc.fiji.amat.AmatException;

/**
 * What to do with empty slices (background only in the label): {@code keep} them all,
 * {@code drop} them all, keep {@code every k}-th empty slice of each volume, or keep a seeded
 * {@code fraction f} of them (each slice decided by its id and the seed alone, so the choice
 * does not depend on the order of reading). Slices with foreground are always kept.
 */
public final class EmptySlices {

	private enum Kind {
		KEEP, DROP, EVERY, FRACTION
	}

	private final Kind kind;
	private final int every;
	private final double fraction;

	private EmptySlices(final Kind kind, final int every, final double fraction) {
		this.kind = kind;
		this.every = every;
		this.fraction = fraction;
	}

	public static EmptySlices keep() {
		return new EmptySlices(Kind.KEEP, 1, 1);
	}

	public static EmptySlices drop() {
		return new EmptySlices(Kind.DROP, 0, 0);
	}

	public static EmptySlices every(final int k) {
		if (k < 1) throw new AmatException("Keep every k-th empty slice needs k >= 1, got " + k + ".");
		return new EmptySlices(Kind.EVERY, k, 1.0 / k);
	}

	public static EmptySlices fraction(final double f) {
		if (!(f >= 0 && f <= 1)) throw new AmatException("The fraction of empty slices to keep must be 0 to 1, got " + f +
			".");
		return new EmptySlices(Kind.FRACTION, 0, f);
	}

	/** Parses "keep", "drop", "every 4" or "fraction 0.25". */
	public static EmptySlices parse(final String text) {
		final String[] w = text.trim().toLowerCase(Locale.ROOT).split("[\\s,:=]+");
		try {
			switch (w[0]) {
				case "keep":
					return keep();
				case "drop":
					return drop();
				case "every":
					if (w.length == 2) return every(Integer.parseInt(w[1]));
					break;
				case "fraction":
					if (w.length == 2) return fraction(Double.parseDouble(w[1]));
					break;
				default:
			}
		}
		catch (final NumberFormatException e) {
			// the message below
		}
		throw new AmatException("Unknown empty-slice option '" + text + "': use keep, drop, every <k> or fraction <f>.");
	}

	/**
	 * Whether to keep an empty slice: {@code nthEmpty} counts the empty slices of its volume
	 * before it (along the axis), {@code id} is its stable sample id.
	 */
	boolean keepEmpty(final int nthEmpty, final int id, final long seed) {
		switch (kind) {
			case KEEP:
				return true;
			case DROP:
				return false;
			case EVERY:
				return nthEmpty % every == 0;
			default:
				return uniform(seed, id) < fraction;
		}
	}

	/** A uniform number in [0, 1) from the seed and the id alone (SplitMix64). */
	static double uniform(final long seed, final int id) {
		long z = seed * 0x9E3779B97F4A7C15L + id + 0x632BE59BD9B4E019L;
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		z = z ^ (z >>> 31);
		return (z >>> 11) * 0x1.0p-53;
	}

	@Override
	public String toString() {
		switch (kind) {
			case KEEP:
				return "keep";
			case DROP:
				return "drop";
			case EVERY:
				return "every " + every;
			default:
				return "fraction " + fraction;
		}
	}
}
