package sc.fiji.amat.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;

class EnginesTest {

	@Test
	void pytorchLoadsOfflineFromTheNativeJar() {
		assertEquals("true", System.getProperty("ai.djl.offline"));
		assertEquals("2.5.1", Engines.pytorch().getVersion());
		assertEquals(Engines.PYTORCH, Engines.pytorch().getEngineName());
	}

	@Test
	void deviceChoices() {
		assertEquals(Device.cpu(), Engines.device("cpu"));
		assertEquals(Engines.gpuCount() > 0 ? Device.gpu(0) : Device.cpu(), Engines.device("auto"));
		assertThrows(AmatException.class, () -> Engines.device("tpu"));
		if (Engines.gpuCount() == 0) {
			final AmatException e = assertThrows(AmatException.class, () -> Engines.device("gpu 1"));
			assertTrue(e.getMessage().contains("pytorch-native-cu124"), e.getMessage());
		}
	}

	@Test
	void severalGpusAreParsedInOrderAndCheckedAgainstTheMachine() {
		// no engine needed: the GPU count is given
		assertArrayEquals(new int[] { 0, 1 }, Engines.parseDevices("gpus 0,1", 4));
		assertArrayEquals(new int[] { 2, 0 }, Engines.parseDevices(" GPUs  2 0 ", 4));
		assertArrayEquals(new int[] { 0, 1, 2 }, Engines.parseDevices("all gpus", 3));
		assertArrayEquals(new int[] { 0, 1, 2 }, Engines.parseDevices("gpus all", 3));
		assertArrayEquals(new int[] { 3 }, Engines.parseDevices("gpu 3", 4));
		assertArrayEquals(new int[] { 0 }, Engines.parseDevices("gpu", 4));
		assertArrayEquals(new int[] { 0 }, Engines.parseDevices("auto", 2));
		assertArrayEquals(new int[0], Engines.parseDevices("auto", 0));
		assertArrayEquals(new int[0], Engines.parseDevices("cpu", 8));
		assertTrue(message(() -> Engines.parseDevices("gpus 0,0", 2)).contains("GPU 0 is named twice"));
		assertTrue(message(() -> Engines.parseDevices("gpus 0,2", 2)).contains("GPU 2 was asked for, but only 2 GPU(s) " +
			"are present (0 to 1)"));
		assertTrue(message(() -> Engines.parseDevices("all gpus", 0)).contains("GPUs were asked for, but PyTorch sees " +
			"none: install the CUDA add-on (pytorch-native-cu124"));
		assertTrue(message(() -> Engines.parseDevices("gpu 0,1", 2)).contains("Unknown device 'gpu 0,1'"));
		assertTrue(message(() -> Engines.parseDevices("gpus", 2)).contains("gpus 0,1 or all gpus"));
		assertTrue(message(() -> Engines.parseDevices("gpus x", 2)).contains("Unknown device"));
	}

	@Test
	void severalDevicesAreForTrainingOnly() {
		if (Engines.gpuCount() >= 2) {
			assertTrue(message(() -> Engines.device("gpus 0,1")).contains("only training splits its work"));
			assertEquals(2, Engines.devices("gpus 0,1").length);
		}
		else {
			assertTrue(message(() -> Engines.devices("gpus 0,1")).contains(Engines.gpuCount() == 0 ? "sees none" :
				"only 1 GPU(s)"));
		}
		assertArrayEquals(new Device[] { Device.cpu() }, Engines.devices("cpu"));
	}

	private static String message(final org.junit.jupiter.api.function.Executable e) {
		return assertThrows(AmatException.class, e).getMessage();
	}

	@Test
	void missingNativesMessageSaysWhatToInstall() {
		final String m = Engines.missingNativesMessage();
		assertTrue(m.contains("pytorch-native-cpu-2.5.1-" + Engines.platform() + ".jar"), m);
		assertTrue(m.contains("update site"), m);
	}
}
