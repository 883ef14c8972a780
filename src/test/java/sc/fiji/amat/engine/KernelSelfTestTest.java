package sc.fiji.amat.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;

/** The kernel self-test: its plain-Java reference, its verdicts, and PyTorch passing it here. */
class KernelSelfTestTest {

	@Test
	void theReferenceConvolutionMatchesAHandComputedCase() {
		// one 3x3 input, one 3x3 kernel of ones, zero padding 1: each output sums its neighbourhood
		final ReferenceConvolution ref = new ReferenceConvolution(1, 1, 3, 3, 1, 3, 1);
		final float[] x = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
		final float[] ones = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
		assertArrayEquals(new double[] { 12, 21, 16, 27, 45, 33, 24, 39, 28 }, ref.forward(x, ones), 0);
		// with an upstream gradient of ones, the input gradient counts the outputs each input feeds
		assertArrayEquals(new double[] { 4, 6, 4, 6, 9, 6, 4, 6, 4 }, ref.gradInput(ones, ones), 0);
		// the weight gradient's centre tap sums every input; the top-left tap reads the pixel above
		// and left of each output, so the top-left 2x2 corner; the bottom-right tap the opposite one
		final double[] dw = ref.gradWeight(ones, x);
		assertEquals(45, dw[4], 0);
		assertEquals(1 + 2 + 4 + 5, dw[0], 0);
		assertEquals(5 + 6 + 8 + 9, dw[8], 0);
	}

	@Test
	void theErrorIsRelativeAndNaNForValuesThatAreNotFinite() {
		assertEquals(0.01, KernelSelfTest.relativeError(new float[] { 10.1f, 0 }, new double[] { 10, 0 }), 1e-6);
		assertEquals(0.5, KernelSelfTest.relativeError(new float[] { 0.5f }, new double[] { 0 }), 1e-6);
		assertTrue(Double.isNaN(KernelSelfTest.relativeError(new float[] { 1, Float.NaN }, new double[] { 1, 1 })));
		assertTrue(Double.isNaN(KernelSelfTest.relativeError(new float[] { Float.POSITIVE_INFINITY }, new double[] {
			1 })));
	}

	@Test
	void aWrongOrUnrepeatableOrNonFiniteKernelIsNamed() {
		final double[] expected = { 1, 2, 3 };
		final float[] right = { 1, 2, 3 };
		assertEquals("", KernelSelfTest.check("conv", right, right.clone(), expected).orElse(""));
		assertTrue(KernelSelfTest.check("conv", new float[] { 1, 2, Float.NaN }, right, expected).get().contains(
			"not finite"));
		assertTrue(KernelSelfTest.check("conv", new float[] { 1, 2, 3.1f }, right, expected).get().contains(
			"differs from the plain-Java reference"));
		// within tolerance but not the same bits twice
		assertTrue(KernelSelfTest.check("conv", right, new float[] { 1, 2, Math.nextUp(3f) }, expected).get()
			.contains("not reproducible"));
	}

	@Test
	void pytorchsConvolutionPassesOnThisMachine() {
		final KernelSelfTest.Result r = KernelSelfTest.run(Device.cpu());
		assertTrue(r.passed(), r.toString());
		assertTrue(r.maxError < KernelSelfTest.TOLERANCE && r.maxError > 0, "float32 sums differ a little from " +
			"double ones: " + r.maxError);
		KernelSelfTest.require(Device.cpu());
	}

	@Test
	void theConvolutionBackendCanBeSwitchedAndOneDnnIsTheDefault() {
		Engines.pytorch();
		assertEquals(Boolean.TRUE, ConvolutionBackend.oneDnnEnabled(), "oneDNN by default");
		try {
			assertEquals(Boolean.FALSE, ConvolutionBackend.set(false));
			assertTrue(ConvolutionBackend.describe().startsWith("native"));
			// the native kernels pass the self-test too
			assertTrue(KernelSelfTest.run(ai.djl.Device.cpu()).passed());
		}
		finally {
			assertEquals(Boolean.TRUE, ConvolutionBackend.set(true));
		}
		assertTrue(ConvolutionBackend.oneDnnRequested());
		final String before = System.getProperty(ConvolutionBackend.PROPERTY);
		try {
			System.setProperty(ConvolutionBackend.PROPERTY, "Native");
			assertFalse(ConvolutionBackend.oneDnnRequested());
			System.setProperty(ConvolutionBackend.PROPERTY, "fast");
			final AmatException e = assertThrows(AmatException.class, ConvolutionBackend::oneDnnRequested);
			assertTrue(e.getMessage().contains("'fast'") && e.getMessage().contains("native or onednn"), e.getMessage());
		}
		finally {
			if (before == null) System.clearProperty(ConvolutionBackend.PROPERTY);
			else System.setProperty(ConvolutionBackend.PROPERTY, before);
		}
	}
}
