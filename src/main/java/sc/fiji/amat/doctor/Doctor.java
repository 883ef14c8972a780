package sc.fiji.amat.doctor;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.AmatVersion;
import sc.fiji.amat.engine.ConvolutionBackend;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.engine.KernelSelfTest;
import sc.fiji.amat.engine.NativePlatform;

/**
 * Diagnostics for a workstation that misbehaves: the versions of Java, DJL, PyTorch and oneDNN,
 * the processor's flags and the instruction sets in force, CUDA devices, thread counts and free
 * memory, then the self-test (PyTorch's convolution against a plain-Java reference, and a tiny
 * U-Net's training pass, on the CPU and on each GPU) and a one-line verdict that says what to do.
 * Shown by {@code scripts/amat doctor} and Plugins > AMAT > Diagnostics.
 */
public final class Doctor {

	/** The facts, one "name: value" line each, then the self-test lines and the verdict. */
	public final List<String> lines;
	/** True when the engine loaded and every self-test passed. */
	public final boolean healthy;
	/** One line: what was found and what to do. */
	public final String verdict;

	private Doctor(final List<String> lines, final boolean healthy, final String verdict) {
		this.lines = Collections.unmodifiableList(lines);
		this.healthy = healthy;
		this.verdict = verdict;
	}

	/** Examines this machine (loads PyTorch if needed and runs the self-test on every device). */
	public static Doctor examine() {
		final List<String> out = new ArrayList<>();
		final NativePlatform platform = NativePlatform.current();
		add(out, "AMAT", AmatVersion.library());
		add(out, "Java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", " +
			System.getProperty("java.vm.name") + ")");
		add(out, "OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + ", " + platform
			.displayName() + " (natives " + platform.classifier() + ", Fiji folder jars/" + platform.fijiFolder() + ")");
		final CpuInfo cpu = CpuInfo.read();
		add(out, "CPU", cpu.model + ", " + Runtime.getRuntime().availableProcessors() + " logical cores");
		add(out, "AVX-512 flags", cpu.avx512());
		add(out, "ATen kernels", cpu.atenCapability());
		add(out, "oneDNN ISA", cpu.oneDnnIsa() + " (when oneDNN runs)");
		add(out, "memory", memory());
		add(out, "DJL", AmatVersion.djl());
		final Engine engine;
		try {
			engine = Engines.pytorch();
		}
		catch (final AmatException e) {
			add(out, "PyTorch", "not loaded");
			return new Doctor(out, false, "PROBLEM: " + e.getMessage());
		}
		add(out, "PyTorch", engine.getVersion() + " from " + reflect("ai.djl.pytorch.jni.LibUtils", "getLibtorchPath"));
		add(out, "PyTorch features", reflect("ai.djl.pytorch.jni.JniUtils", "getFeatures"));
		add(out, "oneDNN", "2.5.1".equals(engine.getVersion()) ? "3.5.3 (bundled in PyTorch 2.5.1)"
			: "the version bundled in PyTorch " + engine.getVersion());
		add(out, "convolutions", ConvolutionBackend.describe());
		add(out, "threads", "PyTorch intra-op " + reflect("ai.djl.pytorch.jni.JniUtils", "getNumThreads") +
			", inter-op " + reflect("ai.djl.pytorch.jni.JniUtils", "getNumInteropThreads") + ", OMP_NUM_THREADS=" +
			System.getenv("OMP_NUM_THREADS"));
		final List<Device> devices = new ArrayList<>();
		devices.add(Device.cpu());
		final int gpus = engine.getGpuCount();
		add(out, "CUDA", gpus == 0 ? "no GPU seen (" + (platform.cudaShipped() ? "the CUDA add-on, " + platform
			.cudaJar() + ", and an NVIDIA driver give one" : "no CUDA build of PyTorch for this platform") + ")" : gpus +
				" GPU(s), CUDA " + CudaUtils.getCudaVersionString());
		for (int i = 0; i < gpus; i++) {
			final Device d = Device.gpu(i);
			devices.add(d);
			final MemoryUsage mem = CudaUtils.getGpuMemory(d);
			add(out, "GPU " + i, "compute capability " + CudaUtils.getComputeCapability(i) + ", " + mb(mem.getMax() - mem
				.getUsed()) + " free of " + mb(mem.getMax()));
		}
		String problem = "";
		for (final Device d : devices) {
			final KernelSelfTest.Result conv = KernelSelfTest.run(d);
			add(out, "self-test " + d + " convolution", conv.passed() ? "passed: " + conv : "FAILED: " + conv);
			final String net = conv.passed() ? NetworkSelfTest.run(d) : null;
			add(out, "self-test " + d + " network", net == null ? "not run (the convolution failed)" : net.isEmpty()
				? "passed: a tiny U-Net's training pass is finite" + (d.isGpu() ? "" : " and repeats bit for bit")
				: "FAILED: " + net);
			if (problem.isEmpty() && !conv.passed()) problem = conv.problem;
			if (problem.isEmpty() && net != null && !net.isEmpty()) problem = net;
		}
		final boolean healthy = problem.isEmpty();
		return new Doctor(out, healthy, healthy ? "OK: PyTorch's kernels give finite, correct and reproducible " +
			"results on " + devices.size() + " device(s) here." : "PROBLEM: " + problem + ". " + adviceAfterFailure());
	}

	private static String adviceAfterFailure() {
		return Boolean.TRUE.equals(ConvolutionBackend.oneDnnEnabled()) ? "oneDNN runs the convolutions: start " +
			"Java with -D" + ConvolutionBackend.PROPERTY + "=native (Fiji: ImageJ-linux64 -D" + ConvolutionBackend
				.PROPERTY + "=native --) and run this again." : "Do not train on this device; " +
				"send this output with a report of the problem.";
	}

	/** The whole report as text. */
	@Override
	public String toString() {
		return String.join("\n", lines) + "\nverdict: " + verdict;
	}

	private static void add(final List<String> out, final String name, final String value) {
		out.add(String.format(Locale.ROOT, "%-26s %s", name + ":", value));
	}

	private static String memory() {
		final Runtime rt = Runtime.getRuntime();
		String physical = "";
		final java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		if (os instanceof com.sun.management.OperatingSystemMXBean) {
			final com.sun.management.OperatingSystemMXBean sun = (com.sun.management.OperatingSystemMXBean) os;
			physical = mb(sun.getFreePhysicalMemorySize()) + " free of " + mb(sun.getTotalPhysicalMemorySize()) +
				" physical; ";
		}
		return physical + "Java heap " + mb(rt.maxMemory() - rt.totalMemory() + rt.freeMemory()) + " free of " + mb(rt
			.maxMemory());
	}

	private static String mb(final long bytes) {
		return String.format(Locale.ROOT, "%,d MB", bytes / (1024 * 1024));
	}

	/** A public static no-argument method's result by reflection (PyTorch-engine classes), or "unknown". */
	private static String reflect(final String className, final String method) {
		try {
			return String.valueOf(Class.forName(className).getMethod(method).invoke(null));
		}
		catch (final ReflectiveOperationException | LinkageError e) {
			return "unknown";
		}
	}
}
