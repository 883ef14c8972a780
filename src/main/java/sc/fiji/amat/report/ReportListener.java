package sc.fiji.amat.report;

/**
 * Progress of a robustness report, for the console, Fiji's status bar and log, or a test. Every
 * method has a default, so a listener implements what it shows.
 */
public interface ReportListener {

	/** The report starts: what it will evaluate. */
	default void started(final String plan) {}

	/**
	 * After every batch: the fraction done (by estimated cost: an attack step costs about a
	 * forward and a backward pass), what runs now, and the estimated seconds left (NaN at first).
	 */
	default void progress(final double fraction, final String status, final double secondsLeft) {}

	/** One model was evaluated under one attack at one noise level (primary metric mean). */
	default void evaluated(final String model, final String attack, final double eps, final String metric,
		final double mean)
	{}

	/** A line of information. */
	default void message(final String text) {}

	/**
	 * Asked before every batch and before the report is moved into place: true stops the
	 * report with a {@link java.util.concurrent.CancellationException}, and nothing is written.
	 */
	default boolean isCancelled() {
		return false;
	}
}
