package sc.fiji.amat;

/** Wall times as people read them in progress lines: "45 s", "3 min 05 s", "?" when unknown. */
public final class Durations {

	private Durations() {}

	public static String text(final double seconds) {
		if (Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds < 0) return "?";
		final long r = Math.round(seconds);
		return r >= 60 ? String.format(java.util.Locale.ROOT, "%d min %02d s", r / 60, r % 60) : r + " s";
	}
}
