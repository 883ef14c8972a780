package sc.fiji.amat.train;

import java.io.PrintStream;
import java.util.Locale;
import sc.fiji.amat.Durations;

/**
 * Prints one line per epoch (and messages) to a stream; the validation metric only when the run
 * validates ({@link #started} with validation images).
 */
public final class ConsoleProgress implements TrainingListener {

	private final PrintStream out;
	private final String prefix;
	private boolean validates = true;

	public ConsoleProgress(final PrintStream out, final String prefix) {
		this.out = out;
		this.prefix = prefix == null || prefix.isEmpty() ? "" : prefix + " ";
	}

	@Override
	public void started(final int epochs, final int stepsPerEpoch, final int trainingSize, final int validationSize,
		final String description)
	{
		validates = validationSize > 0;
		out.printf(Locale.ROOT, "%s%s: %d training and %d validation images, %d epochs of %d steps%n", prefix,
			description, trainingSize, validationSize, epochs, stepsPerEpoch);
	}

	@Override
	public void epochEnded(final EpochSummary s) {
		out.print(line(s));
	}

	/** The epoch's line (with its line break): loss, validation metric (* best so far) when validating, time. */
	String line(final EpochSummary s) {
		final String val = validates ? String.format(Locale.ROOT, "  val %s %.4f%s", s.metricName, s.validationMetric,
			s.best ? " *" : "  ") : "";
		return String.format(Locale.ROOT, "%sepoch %2d/%d  loss %.4f%s  %.1f s  ~%s left%s%n", prefix, s.epoch,
			s.epochs, s.loss, val, s.seconds, Durations.text(s.secondsLeft), s.methodStatistics.isEmpty() ? "" : "  " +
				s.methodStatistics);
	}

	@Override
	public void message(final String text) {
		out.println(prefix + text);
	}

}
