package sc.fiji.amat.train;

import java.io.PrintStream;
import java.util.Locale;

/** Prints one line per epoch (and messages) to a stream. */
public final class ConsoleProgress implements TrainingListener {

	private final PrintStream out;
	private final String prefix;

	public ConsoleProgress(final PrintStream out, final String prefix) {
		this.out = out;
		this.prefix = prefix == null || prefix.isEmpty() ? "" : prefix + " ";
	}

	@Override
	public void started(final int epochs, final int stepsPerEpoch, final int trainingSize, final int validationSize,
		final String description)
	{
		out.printf(Locale.ROOT, "%s%s: %d training and %d validation images, %d epochs of %d steps%n", prefix,
			description, trainingSize, validationSize, epochs, stepsPerEpoch);
	}

	@Override
	public void epochEnded(final EpochSummary s) {
		out.printf(Locale.ROOT, "%sepoch %2d/%d  loss %.4f  val %s %.4f%s  %.1f s  ~%s left%s%n", prefix, s.epoch,
			s.epochs, s.loss, s.metricName, s.validationMetric, s.best ? " *" : "  ", s.seconds, duration(s.secondsLeft),
			s.methodStatistics.isEmpty() ? "" : "  " + s.methodStatistics);
	}

	@Override
	public void message(final String text) {
		out.println(prefix + text);
	}

	static String duration(final double seconds) {
		if (Double.isNaN(seconds) || seconds < 0) return "?";
		final long s = Math.round(seconds);
		return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
	}
}
