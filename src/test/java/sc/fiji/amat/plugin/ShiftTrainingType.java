package sc.fiji.amat.plugin;

import ai.djl.ndarray.NDArray;

import com.google.gson.JsonObject;

import java.util.Arrays;
import java.util.Locale;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackSettings;
import sc.fiji.amat.attack.AttackTypes;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.train.Batch;
import sc.fiji.amat.train.TrainingMethod;
import sc.fiji.amat.train.TrainingMethodType;
import sc.fiji.amat.train.TrainingRecipe;
import sc.fiji.amat.train.TrainingRun;

/**
 * A training method from the test sources, annotated as the real ones are: half clean loss, half
 * the loss on inputs shifted by the {@link ShiftAttackType test attack} of the recipe's SAT eps.
 * It writes its eps into the model file and reads it back. Nothing outside this class names it;
 * every list of training methods must show it.
 */
@Plugin(type = TrainingMethodType.class, name = ShiftTrainingType.KEY)
public final class ShiftTrainingType implements TrainingMethodType {

	public static final String KEY = "test-method";
	public static final String NAME = "Test method";

	@Override
	public String key() {
		return KEY;
	}

	@Override
	public String displayName() {
		return NAME;
	}

	@Override
	public <L> TrainingMethod create(final TrainingRecipe recipe, final TrainingRun<L> run) {
		final NoiseBudget eps = NoiseBudget.of(recipe.satEps, recipe.satNorm);
		final float absolute = (float) eps.meanAbsolute(run.data, run.normalization.validRange());
		final Attack shift = AttackTypes.create(ShiftAttackType.KEY, eps.norm(), AttackSettings.DEFAULTS);
		return new TrainingMethod() {

			@Override
			public String name() {
				return KEY;
			}

			@Override
			public JsonObject parameters() {
				final JsonObject o = new JsonObject();
				o.addProperty("eps", eps.value());
				o.addProperty("unit", eps.unit().name());
				o.addProperty("norm", eps.norm().name());
				return o;
			}

			@Override
			public float cleanWeight() {
				return 0.5f;
			}

			@Override
			public float adversarialWeight() {
				return 0.5f;
			}

			@Override
			public <M> NDArray adversarial(final Batch<M> batch) {
				final float[] e = new float[batch.ids.length];
				Arrays.fill(e, absolute);
				return shift.perturb(batch.target, batch.x, batch.y, e);
			}
		};
	}

	@Override
	public NoiseBudget trainedBudget(final ModelInfo.Training record) {
		final JsonObject p = record.parameters;
		return NoiseBudget.of(p.get("eps").getAsDouble(), EpsUnit.valueOf(p.get("unit").getAsString()),
			sc.fiji.amat.attack.Norm.valueOf(p.get("norm").getAsString()));
	}

	@Override
	public String label(final ModelInfo.Training record) {
		return String.format(Locale.ROOT, "%s, shifted by %s", KEY, trainedBudget(record));
	}
}
