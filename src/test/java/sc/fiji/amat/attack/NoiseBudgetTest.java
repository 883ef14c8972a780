package sc.fiji.amat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;

/** A noise budget converts per sample, in one place, and refuses a unit that does not fit its norm. */
class NoiseBudgetTest {

	private static final float[] TWO = { 0, 1, 2, 3, 10, 10, 10, 12 };

	@Test
	void epsUnitsConvertAndSayWhichIsInForce() {
		final float[] rms = NoiseBudget.of(0.5, EpsUnit.RMS, Norm.L2).toAbsolute(TWO, 4, null);
		assertEquals(1.0f, rms[0], 1e-6); // 0.5 * sqrt(4)
		final float[] range = NoiseBudget.of(0.1, EpsUnit.RANGE, Norm.LINF).toAbsolute(TWO, 4, null);
		assertEquals(0.3f, range[0], 1e-6);
		assertEquals(0.2f, range[1], 1e-6);
		assertEquals(0.1f, NoiseBudget.of(0.1, Norm.LINF).toAbsolute(TWO, 4, new float[] { 0, 1 })[1], 1e-6);
		assertThrows(AmatException.class, () -> NoiseBudget.of(1, EpsUnit.RMS, Norm.LINF));
		assertThrows(AmatException.class, () -> NoiseBudget.of(1, EpsUnit.RANGE, Norm.L2));
		assertThrows(AmatException.class, () -> NoiseBudget.of(-1, Norm.L2));
		assertThrows(AmatException.class, () -> NoiseBudget.of(Double.POSITIVE_INFINITY, Norm.L2));
		assertTrue(NoiseBudget.of(0.1, Norm.L2).describe().contains("rms"));
		assertEquals("L2 eps 0.1 (rms per value of the normalised input)", NoiseBudget.of(0.1, Norm.L2).describe());
	}

	@Test
	void theSameSizeForEverySampleWhenItDoesNotDependOnTheirContent() {
		final NoiseBudget rms = NoiseBudget.of(0.05, Norm.L2);
		assertEquals((float) (0.05 * Math.sqrt(4096)), rms.toAbsolute(4096, null));
		assertEquals(2.5f, NoiseBudget.absolute(2.5, Norm.L2).toAbsolute(4096, null));
		assertEquals(0.25f, NoiseBudget.of(0.125, Norm.LINF).toAbsolute(1, new float[] { -1, 1 }));
		assertThrows(IllegalStateException.class, () -> NoiseBudget.of(0.1, Norm.LINF).toAbsolute(4, null));
	}

	@Test
	void convertsBetweenUnitsAndAveragesOverADataSet() {
		final NoiseBudget rms = NoiseBudget.of(0.1, Norm.L2);
		final NoiseBudget abs = rms.in(EpsUnit.ABSOLUTE, 100, Double.NaN);
		assertEquals(NoiseBudget.absolute(0.1 * 10, Norm.L2), abs);
		assertEquals(0.1, abs.in(EpsUnit.RMS, 100, Double.NaN).value(), 1e-15);
		assertEquals(0.5, NoiseBudget.absolute(2, Norm.LINF).in(EpsUnit.RANGE, 1, 4).value(), 0);
		assertEquals(0.5, NoiseBudget.fromAbsolute(2, null, Norm.LINF, 1, 4).value(), 0);
		final LabeledData<Object> data = new LabeledData<>(TWO, 1, 2, 2, Arrays.asList(new Object(), new Object()));
		// ranges 3 and 2: the mean absolute budget is 0.1 * 2.5
		assertEquals(0.25, NoiseBudget.of(0.1, Norm.LINF).meanAbsolute(data, null), 1e-6);
		assertEquals(1.0, NoiseBudget.of(0.5, Norm.L2).meanAbsolute(data, null), 0);
	}
}
