package sc.fiji.amat.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The diagnostics: the processor as PyTorch's dispatchers see it, and a healthy verdict here. */
class DoctorTest {

	private static final String EPYC_AVX512 = "processor\t: 0\nmodel name\t: AMD EPYC 9R14\nflags\t\t: fpu sse " +
		"avx avx2 fma avx512f avx512dq avx512bw avx512vl avx512_bf16 avx512_vnni avx512_vp2intersect\n\nprocessor\t: 1\n" +
		"model name\t: AMD EPYC 9R14\nflags\t\t: fpu\n";

	@Test
	void theInstructionSetsFollowTheFlags(@TempDir final Path dir) throws IOException {
		final Path f = dir.resolve("cpuinfo");
		Files.write(f, EPYC_AVX512.getBytes("UTF-8"));
		final CpuInfo avx512 = CpuInfo.parse(f);
		assertEquals("AMD EPYC 9R14", avx512.model);
		assertEquals("avx512_bf16 avx512_vnni avx512_vp2intersect avx512bw avx512dq avx512f avx512vl", avx512.avx512());
		if (System.getenv("ATEN_CPU_CAPABILITY") == null) assertEquals("avx512", avx512.atenCapability());
		if (System.getenv("ONEDNN_MAX_CPU_ISA") == null && System.getenv("DNNL_MAX_CPU_ISA") == null) {
			assertEquals("avx512_core_bf16", avx512.oneDnnIsa());
		}
		Files.write(f, "model name\t: Old\nflags\t\t: fpu sse avx avx2 fma\n".getBytes("UTF-8"));
		final CpuInfo avx2 = CpuInfo.parse(f);
		assertEquals("none", avx2.avx512());
		if (System.getenv("ATEN_CPU_CAPABILITY") == null) assertEquals("avx2", avx2.atenCapability());
		assertEquals("unknown", CpuInfo.parse(dir.resolve("missing")).avx512());
	}

	@Test
	void thisMachineIsHealthyAndTheReportSaysWhatRan() {
		final Doctor d = Doctor.examine();
		assertTrue(d.healthy, d.toString());
		assertTrue(d.verdict.startsWith("OK"), d.verdict);
		final String text = d.toString();
		for (final String expected : new String[] { "PyTorch:", "2.5.1", "convolutions:", "oneDNN",
			"self-test cpu() convolution: passed", "self-test cpu() network:   passed", "threads:", "memory:" })
		{
			assertTrue(text.contains(expected), expected + " missing in\n" + text);
		}
	}
}
