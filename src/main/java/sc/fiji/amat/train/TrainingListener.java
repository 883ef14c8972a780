package sc.fiji.amat.train;

/**
 * Progress of a training run, for the console, Fiji's status bar and log, or a test. One
 * interface for all; every method has a default so a listener implements what it shows.
 */
public interface TrainingListener {

	/** Training starts: the plan. */
	default void started(final int epochs, final int stepsPerEpoch, final int trainingSize,
		final int validationSize, final String description)
	{}

	/** One optimisation step is done. */
	default void step(final int epoch, final int step, final int stepsPerEpoch, final float loss,
		final double secondsLeft)
	{}

	/** An epoch is done (epochs count from 1). */
	default void epochEnded(final EpochSummary summary) {}

	/** A line of information (calibration, checkpoint written, ...). */
	default void message(final String text) {}

	/** Asked after every step: true stops training cleanly and keeps the best model so far. */
	default boolean isCancelled() {
		return false;
	}

	/** What one epoch did. */
	final class EpochSummary {

		public final int epoch, epochs;
		public final double loss;
		public final String metricName;
		public final double validationMetric;
		public final boolean best;
		public final double seconds, secondsLeft;
		/** The training method's own statistics (AMAT margins), or empty. */
		public final String methodStatistics;

		public EpochSummary(final int epoch, final int epochs, final double loss, final String metricName,
			final double validationMetric, final boolean best, final double seconds, final double secondsLeft,
			final String methodStatistics)
		{
			this.epoch = epoch;
			this.epochs = epochs;
			this.loss = loss;
			this.metricName = metricName;
			this.validationMetric = validationMetric;
			this.best = best;
			this.seconds = seconds;
			this.secondsLeft = secondsLeft;
			this.methodStatistics = methodStatistics;
		}
	}
}
