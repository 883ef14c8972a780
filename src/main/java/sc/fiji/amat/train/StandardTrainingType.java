package sc.fiji.amat.train;

import org.scijava.plugin.Plugin;

/** Registers {@link StandardTraining}: clean inputs only. */
@Plugin(type = TrainingMethodType.class, name = StandardTraining.KEY, priority = 300)
public final class StandardTrainingType implements TrainingMethodType {

	@Override
	public String key() {
		return StandardTraining.KEY;
	}

	@Override
	public String displayName() {
		return "Standard";
	}

	@Override
	public boolean adversarial() {
		return false;
	}

	@Override
	public <L> TrainingMethod create(final TrainingRecipe recipe, final TrainingRun<L> run) {
		return new StandardTraining();
	}
}
