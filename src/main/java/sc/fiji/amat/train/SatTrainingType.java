package sc.fiji.amat.train;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.model.ModelInfo;

/**
 * Registers {@link SatTraining}: PGD of the recipe's SAT eps (in the SAT norm's user unit: rms
 * per value for L2, fraction of the intensity range for Linf, whose absolute size is the mean
 * over the training images), T steps, alpha, adversarial or mixed loss; or APGD of that eps and
 * T iterations when the recipe's {@code satAttack} says "apgd".
 */
@Plugin(type = TrainingMethodType.class, name = SatTraining.KEY, priority = 200)
public final class SatTrainingType implements TrainingMethodType {

	@Override
	public String key() {
		return SatTraining.KEY;
	}

	@Override
	public String displayName() {
		return "SAT";
	}

	@Override
	public void check(final TrainingRecipe recipe) {
		if (!(eps(recipe).value() > 0)) throw new AmatException("SAT needs an eps > 0, got " + recipe.satEps + ".");
		SatTraining.attackKey(recipe.satAttack);
	}

	private static NoiseBudget eps(final TrainingRecipe recipe) {
		return NoiseBudget.of(recipe.satEps, recipe.satNorm);
	}

	@Override
	public <L> TrainingMethod create(final TrainingRecipe r, final TrainingRun<L> run) {
		final NoiseBudget eps = eps(r);
		return new SatTraining(r.satAttack, eps.norm(), (float) eps.meanAbsolute(run.data, run.normalization.validRange()), r.steps,
			r.alpha, r.satLoss, r.beta, run.data.sampleSize());
	}

	@Override
	public NoiseBudget trainedBudget(final ModelInfo.Training record) {
		return SatTraining.budget(record);
	}

	@Override
	public String label(final ModelInfo.Training record) {
		return SatTraining.label(record);
	}
}
