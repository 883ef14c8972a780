package sc.fiji.amat.task.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import sc.fiji.amat.engine.Engines;

/** Per-volume Dice against values computed by hand. */
class VolumeDiceTest {

	static Mask m(final int... classes) {
		final byte[] b = new byte[classes.length];
		for (int i = 0; i < b.length; i++) b[i] = (byte) classes[i];
		return new Mask(b, 2, 2);
	}

	static final List<String> CLASSES = Arrays.asList("background", "ring", "blob");

	@Test
	void meanPerSliceAndPooledDicePerVolumeAndClass() {
		// v1 slice 0: ring I 1, P 1, T 3 -> 2/4; blob absent from both (no Dice)
		// v1 slice 1: ring I 1, P 2, T 1 -> 2/3; blob I 0, P 1, T 1 -> 0
		// v2: nothing true, nothing predicted
		final List<Mask> truth = Arrays.asList(m(1, 1, 1, 0), m(1, 0, 2, 0), m(0, 0, 0, 0));
		final List<Mask> pred = Arrays.asList(m(1, 0, 0, 0), m(1, 1, 0, 2), m(0, 0, 0, 0));
		final VolumeDice d = VolumeDice.of(pred, truth, Arrays.asList("v1", "v1", "v2"), CLASSES);
		assertEquals(Arrays.asList("ring", "blob"), d.classes);
		assertEquals(2, d.rows.size());
		final VolumeDice.Row v1 = d.rows.get(0), v2 = d.rows.get(1);
		assertEquals("v1", v1.volume);
		assertEquals(2, v1.slices);
		assertArrayEquals(new double[] { (0.5 + 2.0 / 3) / 2, 0 }, v1.meanSliceDice, 1e-12);
		assertArrayEquals(new double[] { 2.0 * 2 / (3 + 4), 0 }, v1.pooledDice, 1e-12);
		assertEquals(((0.5 + 2.0 / 3) / 2 + 0) / 2, v1.meanSliceDiceOverClasses(), 1e-12);
		assertArrayEquals(new double[] { 1, 1 }, v2.meanSliceDice, 0);
		assertArrayEquals(new double[] { 1, 1 }, v2.pooledDice, 0);
		assertArrayEquals(new double[] { (4.0 / 7 + 1) / 2, 0.5 }, d.meanOverVolumes(true), 1e-12);
		assertEquals("volume,slices,slice dice ring,pooled dice ring,slice dice blob,pooled dice blob", d.csv().split(
			"\n")[0]);
		assertEquals("v2,1,1.000000,1.000000,1.000000,1.000000", d.csv().split("\n")[2]);
	}

	@Test
	void emptySlicesDoNotChangeAVolumesDice() {
		final List<Mask> truth = Arrays.asList(m(1, 1, 1, 0), m(1, 0, 2, 0));
		final List<Mask> pred = Arrays.asList(m(1, 0, 0, 0), m(1, 1, 0, 2));
		final VolumeDice without = VolumeDice.of(pred, truth, Arrays.asList("v", "v"), CLASSES);
		final VolumeDice with = VolumeDice.of(Arrays.asList(pred.get(0), m(0, 0, 0, 0), pred.get(1)), Arrays.asList(truth
			.get(0), m(0, 0, 0, 0), truth.get(1)), Arrays.asList("v", "v", "v"), CLASSES);
		assertArrayEquals(without.rows.get(0).meanSliceDice, with.rows.get(0).meanSliceDice, 0);
		assertArrayEquals(without.rows.get(0).pooledDice, with.rows.get(0).pooledDice, 0);
		assertEquals(3, with.rows.get(0).slices);
	}

	@Test
	void takesTheTasksOwnPerSliceTable() {
		final List<Mask> truth = Arrays.asList(m(1, 1, 1, 0), m(1, 0, 2, 0), m(0, 0, 0, 0));
		final List<Mask> pred = Arrays.asList(m(1, 0, 0, 0), m(1, 1, 0, 2), m(0, 0, 0, 0));
		final List<String> volumes = Arrays.asList("v1", "v1", "v2");
		final SegmentationTask task = new SegmentationTask(CLASSES, 1, null);
		final float[] logits = new float[3 * 3 * 4];
		for (int n = 0; n < 3; n++) {
			for (int p = 0; p < 4; p++) logits[(n * 3 + pred.get(n).classes()[p]) * 4 + p] = 5;
		}
		try (NDManager manager = Engines.pytorch().newBaseManager()) {
			final NDList out = new NDList(manager.create(logits, new Shape(3, 3, 2, 2)));
			final VolumeDice fromTable = VolumeDice.of(task.metrics(out, truth), volumes);
			final VolumeDice fromMasks = VolumeDice.of(pred, truth, volumes, CLASSES);
			assertEquals(fromMasks.csv(), fromTable.csv());
			assertEquals(2.0 * 2 / (3 + 4), fromTable.rows.get(0).pooledDice[0], 1e-12);
		}
	}
}
