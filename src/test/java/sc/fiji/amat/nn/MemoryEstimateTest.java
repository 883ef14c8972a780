package sc.fiji.amat.nn;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.engine.Engines;

/** The memory estimate: its shape in batch and image side, its refusals and its parameter count. */
class MemoryEstimateTest {

	private static final NetworkConfig NET = new NetworkConfig(3, 16, NetworkConfig.Norm.BATCH);
	private final MemoryEstimate e = new MemoryEstimate(NET, 1, 2);

	@Test
	void growsLinearlyWithTheBatch() {
		for (final MemoryEstimate.Use use : MemoryEstimate.Use.values()) {
			final long fixed = e.bytes(use, 0, 128, 128), one = e.bytes(use, 1, 128, 128) - fixed;
			assertTrue(one > 0, use.name());
			for (final int b : new int[] { 2, 8, 64 }) {
				assertEquals(b * (double) one, e.bytes(use, b, 128, 128) - fixed, 4.0 * b, use + " batch " + b);
			}
		}
		assertTrue(e.bytes(MemoryEstimate.Use.ADVERSARIAL_TRAINING, 8, 128, 128) > e.bytes(MemoryEstimate.Use.TRAINING,
			8, 128, 128), "two graphs and the attack's copies");
	}

	@Test
	void growsQuadraticallyWithTheImageSide() {
		final long a = e.activationFloats(64, 64), b = e.activationFloats(128, 128), c = e.activationFloats(256, 256);
		assertEquals(4.0, b / (double) a, 1e-6);
		assertEquals(4.0, c / (double) b, 1e-6);
		assertEquals(2.0, e.activationFloats(128, 256) / (double) b, 1e-6, "the area counts, not the side");
		final long fixed = e.bytes(MemoryEstimate.Use.TRAINING, 0, 64, 64);
		assertEquals(16.0, (e.bytes(MemoryEstimate.Use.TRAINING, 4, 256, 256) - fixed) / (double) (e.bytes(
			MemoryEstimate.Use.TRAINING, 4, 64, 64) - fixed), 1e-6);
	}

	@Test
	void aRequestFarOverTheMemoryIsRefusedWithABatchThatFits() {
		final long available = e.bytes(MemoryEstimate.Use.TRAINING, 10, 512, 512) + 1000;
		final AmatException x = assertThrows(AmatException.class, () -> e.check(MemoryEstimate.Use.TRAINING, 256, 512,
			512, available, "cpu()", "the batch size"));
		final String m = x.getMessage();
		assertTrue(m.startsWith("Training needs about ") && m.contains("on cpu() for a batch of 256 images of 1 x 512 x " +
			"512") && m.endsWith(": set the batch size to 10 or less (or use smaller patches)."), m);
		assertEquals(1, m.split("\\. ").length, "one sentence: " + m);
		// the suggestion fits, one more does not
		assertDoesNotThrow(() -> e.check(MemoryEstimate.Use.TRAINING, 10, 512, 512, available, "cpu()", "the batch size"));
		assertThrows(AmatException.class, () -> e.check(MemoryEstimate.Use.TRAINING, 11, 512, 512, available, "cpu()",
			"the batch size"));
	}

	@Test
	void whereTheBatchChangesNoResultItIsFittedToTheMemory() {
		System.setProperty(MemoryEstimate.AVAILABLE, Long.toString(e.bytes(MemoryEstimate.Use.ATTACK, 3, 128, 128) + 1));
		try {
			assertEquals(3, e.fit(MemoryEstimate.Use.ATTACK, 16, 128, 128, Device.cpu()));
			assertEquals(2, e.fit(MemoryEstimate.Use.ATTACK, 2, 128, 128, Device.cpu()));
			assertThrows(AmatException.class, () -> e.fit(MemoryEstimate.Use.ATTACK, 1, 512, 512, Device.cpu()));
		}
		finally {
			System.clearProperty(MemoryEstimate.AVAILABLE);
		}
	}

	@Test
	void whenNotOneImageFitsItSuggestsPatches() {
		final long available = e.bytes(MemoryEstimate.Use.ATTACK, 1, 256, 256);
		final String m = assertThrows(AmatException.class, () -> e.check(MemoryEstimate.Use.ATTACK, 4, 1024, 1024,
			available, "gpu(0)", "the batch size")).getMessage();
		assertTrue(m.contains("even one image does not fit, so use patches of at most 256 x 256 pixels"), m);
	}

	@Test
	void aNormalRequestPassesOnThisMachine() {
		final long available = MemoryEstimate.available(Device.cpu());
		assertTrue(available > 100L << 20, "this machine has memory available: " + available);
		assertDoesNotThrow(() -> e.check(MemoryEstimate.Use.ADVERSARIAL_TRAINING, 8, 128, 128, Device.cpu(),
			"the batch size"));
		// the property overrides what the system says
		System.setProperty(MemoryEstimate.AVAILABLE, "64m");
		try {
			assertEquals(64L << 20, MemoryEstimate.available(Device.cpu()));
			assertThrows(AmatException.class, () -> e.check(MemoryEstimate.Use.TRAINING, 64, 256, 256, Device.cpu(),
				"the batch size"));
			System.setProperty(MemoryEstimate.CHECK, "false");
			assertDoesNotThrow(() -> e.check(MemoryEstimate.Use.TRAINING, 64, 256, 256, Device.cpu(), "the batch size"));
		}
		finally {
			System.clearProperty(MemoryEstimate.AVAILABLE);
			System.clearProperty(MemoryEstimate.CHECK);
		}
	}

	@Test
	void countsTheNetworksParameters() {
		try (Model model = Model.newInstance("count", Device.cpu(), Engines.PYTORCH)) {
			model.setBlock(new UNet(NET, 2));
			model.getBlock().initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 1, 32,
				32));
			long n = 0;
			for (final Pair<String, Parameter> p : model.getBlock().getParameters()) n += p.getValue().getArray().size();
			assertEquals(n, e.parameters(), 0.02 * n, "within 2%");
		}
	}
}
