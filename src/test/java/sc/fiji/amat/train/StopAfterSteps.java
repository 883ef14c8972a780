package sc.fiji.amat.train;

/** Cancels training once a given number of optimisation steps is done, as a user pressing Esc. */
final class StopAfterSteps implements TrainingListener {

	private final int steps;
	private int done;

	StopAfterSteps(final int steps) {
		this.steps = steps;
	}

	@Override
	public void step(final int epoch, final int step, final int stepsPerEpoch, final float loss,
		final double secondsLeft)
	{
		done++;
	}

	@Override
	public boolean isCancelled() {
		return done >= steps;
	}
}
