package sc.fiji.amat.command;

import ij.IJ;
import ij.gui.Plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

import sc.fiji.amat.train.TrainingListener;
import sc.fiji.amat.Durations;

/**
 * Training progress in Fiji: the status and progress bar, one log line per epoch (loss,
 * validation metric, AMAT margin statistics), a live loss and metric plot when there is a GUI;
 * Esc, the command's cancel or an interrupt stop training after the current step.
 */
final class CommandProgress implements TrainingListener {

	private final String title;
	private final BooleanSupplier cancelled;
	private final List<Double> epochs = new ArrayList<>(), losses = new ArrayList<>(), metrics = new ArrayList<>();
	private Plot plot;
	private int totalEpochs;
	private String stage = "";
	private boolean validates = true;

	CommandProgress(final String title, final BooleanSupplier cancelled) {
		this.title = title;
		this.cancelled = cancelled;
	}

	@Override
	public void started(final int epochs, final int stepsPerEpoch, final int trainingSize, final int validationSize,
		final String description)
	{
		totalEpochs = epochs;
		validates = validationSize > 0;
		stage = description;
		this.epochs.clear();
		losses.clear();
		metrics.clear();
		plot = null;
		IJ.resetEscape();
		line(String.format(Locale.ROOT, "%s: %s, %d training and %d validation images, %d epochs of %d steps", title,
			description, trainingSize, validationSize, epochs, stepsPerEpoch));
	}

	@Override
	public void step(final int epoch, final int step, final int stepsPerEpoch, final float loss,
		final double secondsLeft)
	{
		IJ.showStatus(String.format(Locale.ROOT, "%s: epoch %d/%d, step %d/%d, loss %.4f, ~%s left (Esc cancels)", title,
			epoch, totalEpochs, step, stepsPerEpoch, loss, Durations.text(secondsLeft)));
		IJ.showProgress((epoch - 1) * stepsPerEpoch + step, totalEpochs * stepsPerEpoch);
	}

	@Override
	public void epochEnded(final EpochSummary s) {
		final String val = validates ? String.format(Locale.ROOT, "  validation %s %.4f%s", s.metricName,
			s.validationMetric, s.best ? " (best)" : "") : "";
		line(String.format(Locale.ROOT, "%s: epoch %d/%d  loss %.4f%s  %.1f s%s", title, s.epoch, s.epochs, s.loss, val,
			s.seconds, s.methodStatistics.isEmpty() ? "" : "  " + s.methodStatistics));
		epochs.add((double) s.epoch);
		losses.add(s.loss);
		metrics.add(s.validationMetric);
		if (CommandSupport.hasGui()) showPlot(validates ? s.metricName : null);
	}

	/** The loss, and the validation metric unless {@code metricName} is null (no validation). */
	private void showPlot(final String metricName) {
		final double[] x = epochs.stream().mapToDouble(d -> d).toArray();
		final Plot p = new Plot(title + " progress", "epoch", metricName == null ? "loss" : "loss / validation " +
			metricName);
		p.setLimits(1, Math.max(2, totalEpochs), 0, Math.max(1, losses.stream().mapToDouble(d -> d).max().orElse(1)));
		p.setColor("blue");
		p.addPoints(x, losses.stream().mapToDouble(d -> d).toArray(), Plot.LINE);
		if (metricName != null) {
			p.setColor("red");
			p.addPoints(x, metrics.stream().mapToDouble(d -> d).toArray(), Plot.LINE);
		}
		p.addLegend(metricName == null ? "training loss" : "training loss\nvalidation " + metricName);
		if (plot == null || plot.getImagePlus() == null || plot.getImagePlus().getWindow() == null) {
			plot = p;
			plot.show();
		}
		else {
			plot.getImagePlus().setProcessor(p.getProcessor());
			plot = p;
		}
	}

	@Override
	public void message(final String text) {
		line(title + ": " + text);
	}

	@Override
	public boolean isCancelled() {
		return IJ.escapePressed() || Thread.currentThread().isInterrupted() || cancelled.getAsBoolean();
	}

	/** ImageJ's log: the Log window in Fiji, standard output headless. */
	private void line(final String s) {
		IJ.log(s);
	}

	String stage() {
		return stage;
	}
}
