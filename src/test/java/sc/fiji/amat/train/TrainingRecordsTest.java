package sc.fiji.amat.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.model.ModelInfo;

/**
 * What a model file records of its training method is read back as typed values by the method
 * that wrote it, also from files written before the noise budget existed (the same keys).
 */
class TrainingRecordsTest {

	private static ModelInfo.Training record(final String method, final String parameters, final String state) {
		final ModelInfo.Training t = new ModelInfo.Training();
		t.method = method;
		t.parameters = JsonParser.parseString(parameters).getAsJsonObject();
		t.methodState = state == null ? new JsonObject() : JsonParser.parseString(state).getAsJsonObject();
		return t;
	}

	/** As AMAT wrote it in library version 0.1 (64 x 64 images, delta 0.04 rms). */
	static final String AMAT_PARAMETERS = "{\"norm\":\"L2\",\"delta\":2.56,\"delta_rms\":0.04,\"eps_max\":\"infinite\"," +
		"\"eps_unit\":\"absolute L2 of the normalised input\",\"steps\":5,\"alpha\":4.0,\"beta\":0.5,\"bisection\":false," +
		"\"thresholds\":{\"quantities\":[\"dice\"],\"values\":[0.8],\"origin\":\"test\"}}";
	static final String AMAT_STATE = "{\"ids\":[0,1],\"margins\":[2.56,5.12],\"history\":[" +
		"{\"epoch\":1,\"min_rms\":0.04,\"median_rms\":0.06,\"max_rms\":0.08,\"fraction_expanded\":0.5}," +
		"{\"epoch\":2,\"min_rms\":0.04,\"median_rms\":0.1,\"max_rms\":0.12,\"fraction_expanded\":0.25}]," +
		"\"statistics\":\"margins rms min 0.0400 med 0.1000 max 0.1200, 25% expanded\"}";

	@Test
	void amatRecordsReadBackTyped() {
		final ModelInfo.Training t = record("amat", AMAT_PARAMETERS, AMAT_STATE);
		assertSame(AmatTrainingType.class, TrainingMethods.of(t).getClass());
		assertEquals(NoiseBudget.of(0.04, EpsUnit.RMS, Norm.L2), AmatTraining.delta(t));
		// the budget it trained for: the median margin after its last epoch
		assertEquals(NoiseBudget.of(0.1, EpsUnit.RMS, Norm.L2), TrainingMethods.trainedBudget(t));
		assertEquals("amat, delta 0.0400 rms", TrainingMethods.label(t));
		assertEquals("margins rms min 0.0400 med 0.1000 max 0.1200, 25% expanded", AmatTraining.statistics(t));
		final List<Map<String, Double>> epochs = TrainingMethods.epochValues(t);
		assertEquals(2, epochs.size());
		assertEquals(0.12, epochs.get(1).get("margin max (rms)"));
		assertEquals(0.5, epochs.get(0).get("fraction expanded"));
		assertEquals("after epoch 2: rms min 0.0400, median 0.1000, max 0.1200; 25% of the samples grew in that epoch",
			TrainingMethods.summary(t).get("AMAT margins"));
		// before its first epoch: delta
		assertEquals(NoiseBudget.of(0.04, EpsUnit.RMS, Norm.L2), TrainingMethods.trainedBudget(record("amat",
			AMAT_PARAMETERS, null)));
	}

	@Test
	void amatDiagnosticsReadBack() {
		final String state = "{\"ids\":[0,1],\"margins\":[2.56,5.12],\"times_expanded\":[0,1],\"history\":[" +
			"{\"epoch\":1,\"min_rms\":0.04,\"q10_rms\":0.044,\"median_rms\":0.06,\"q90_rms\":0.076,\"max_rms\":0.08," +
			"\"fraction_expanded\":0.5,\"fraction_expanded_twice\":0.0,\"fraction_over_clean\":0.25," +
			"\"fraction_over_at_start\":0.5,\"fraction_over_only_after_steps\":0.125,\"thresholds\":[0.8]}]}";
		final ModelInfo.Training t = record("amat", AMAT_PARAMETERS, state);
		final AmatEpoch e = AmatEpoch.history(t).get(0);
		assertTrue(e.hasDiagnostics());
		assertEquals(0.125, e.fractionOverOnlyAfterSteps);
		assertEquals(0.076, TrainingMethods.epochValues(t).get(0).get("margin q90 (rms)"));
		assertEquals("over the boundary: 25% clean, 50% at the random start, 13% only after PGD steps", TrainingMethods
			.summary(t).get("AMAT boundary in the last epoch"));
		assertTrue(TrainingMethods.summary(t).get("AMAT margins").contains("10% 0.0440, median 0.0600, 90% 0.0760"));
		// margins in absolute L2 (delta 2.56 = 0.04 rms) read back as rms
		final double[] rms = AmatEpoch.finalMarginsRms(t);
		assertEquals(0.04, rms[0], 1e-9);
		assertEquals(0.08, rms[1], 1e-9);
		assertEquals(0, AmatEpoch.finalMarginsRms(record("sat", "{}", null)).length);
	}

	@Test
	void satRecordsReadBackTyped() {
		final ModelInfo.Training l2 = record("sat", "{\"norm\":\"L2\",\"eps\":9.6,\"eps_unit\":\"absolute\"," +
			"\"eps_rms\":0.15,\"steps\":5,\"alpha\":4.0,\"loss\":\"adversarial\",\"beta\":1.0}", null);
		assertEquals(NoiseBudget.of(0.15, EpsUnit.RMS, Norm.L2), TrainingMethods.trainedBudget(l2));
		assertEquals("sat, L2 eps 0.1500 rms", TrainingMethods.label(l2));
		final ModelInfo.Training linf = record("sat", "{\"norm\":\"LINF\",\"eps\":0.1,\"eps_unit\":\"absolute\"," +
			"\"steps\":2,\"alpha\":2.5,\"loss\":\"adversarial\",\"beta\":1.0}", null);
		assertEquals(NoiseBudget.absolute(0.1, Norm.LINF), TrainingMethods.trainedBudget(linf));
		assertEquals("sat, LINF eps 0.1", TrainingMethods.label(linf));
		assertTrue(TrainingMethods.summary(linf).isEmpty());
	}

	@Test
	void modelsTrainedElsewhereHaveNoBudget() {
		final ModelInfo.Training onnx = record("onnx", "{}", null);
		assertNull(TrainingMethods.of(onnx));
		assertNull(TrainingMethods.trainedBudget(onnx));
		assertEquals("onnx", TrainingMethods.label(onnx));
		assertNull(TrainingMethods.trainedBudget(record("standard", "{}", null)));
		assertEquals("?", TrainingMethods.label(new ModelInfo.Training()));
	}

	@Test
	void methodsAreFoundByKeyNameOrAnyCase() {
		assertEquals(java.util.Arrays.asList("standard", "sat", "amat"), TrainingMethods.keys().subList(0, 3));
		assertEquals(java.util.Arrays.asList("Standard", "SAT", "AMAT"), TrainingMethods.displayNames().subList(0, 3));
		assertEquals("amat", TrainingMethods.get("AMAT").key());
		assertEquals("sat", TrainingMethods.get(" sat ").key());
		final AmatException e = assertThrows(AmatException.class, () -> TrainingMethods.get("trades"));
		assertTrue(e.getMessage().contains("Standard, SAT") && e.getMessage().contains("AMAT"), e.getMessage());
		assertTrue(!TrainingMethods.get("standard").adversarial() && TrainingMethods.get("amat").adversarial());
		// each method checks what it reads of a recipe before anything is trained
		final TrainingRecipe r = TrainingRecipe.defaults("sat");
		r.satEps = 0;
		assertThrows(AmatException.class, () -> r.type().check(r));
		r.satNorm = Norm.LINF;
		r.satEps = 0.1;
		r.type().check(r);
		final TrainingRecipe a = TrainingRecipe.defaults("amat");
		a.amatDelta = -1;
		assertThrows(AmatException.class, () -> a.type().check(a));
	}
}
