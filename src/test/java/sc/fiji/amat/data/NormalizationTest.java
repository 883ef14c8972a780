package sc.fiji.amat.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;

class NormalizationTest {

	@Test
	void zscoreGivesZeroMeanUnitVariancePerImageAndChannel() {
		final float[] raw = { 1, 2, 3, 4, 10, 10, 10, 30 };
		final Normalization.Normalized n = Normalization.zscore().apply(raw, 2, 1, 4);
		for (int i = 0; i < 2; i++) {
			double s = 0, s2 = 0;
			for (int k = 0; k < 4; k++) {
				s += n.values[4 * i + k];
				s2 += n.values[4 * i + k] * n.values[4 * i + k];
			}
			assertEquals(0, s / 4, 1e-6);
			assertEquals(1, s2 / 4, 1e-5);
		}
		final float[] back = n.values.clone();
		n.invert(back, 4, 4, 1);
		assertArrayEquals(new float[] { 10, 10, 10, 30 }, java.util.Arrays.copyOfRange(back, 4, 8), 1e-4f);
	}

	@Test
	void percentileMapsLowAndHighToZeroAndOne() {
		final float[] raw = new float[101];
		for (int i = 0; i <= 100; i++) raw[i] = i;
		final float[] v = Normalization.percentile(10, 90).apply(raw, 1, 1, 101).values;
		assertEquals(0, v[10], 1e-6);
		assertEquals(1, v[90], 1e-6);
		assertNull(Normalization.percentile(10, 90).validRange());
	}

	@Test
	void rangeHasAValidRange() {
		final Normalization r = Normalization.range(0, 255);
		assertArrayEquals(new float[] { 0, 1 }, r.validRange());
		assertArrayEquals(new float[] { 0, 0.5f, 1 }, r.apply(new float[] { 0, 127.5f, 255 }, 1, 1, 3).values, 1e-6f);
	}

	@Test
	void parsesWhatItPrints() {
		for (final Normalization n : new Normalization[] { Normalization.zscore(), Normalization.percentile(1, 99.8),
			Normalization.range(0, 4095) })
		{
			assertEquals(n, Normalization.parse(n.toString()));
		}
		assertThrows(AmatException.class, () -> Normalization.parse("minmax"));
		assertThrows(AmatException.class, () -> Normalization.percentile(50, 40));
	}
}
