package sc.fiji.amat.engine;

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
	void missingNativesMessageSaysWhatToInstall() {
		final String m = Engines.missingNativesMessage();
		assertTrue(m.contains("pytorch-native-cpu-2.5.1-" + Engines.platform() + ".jar"), m);
		assertTrue(m.contains("update site"), m);
	}
}
