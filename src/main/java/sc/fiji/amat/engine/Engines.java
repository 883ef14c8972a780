package sc.fiji.amat.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.AmatVersion;

/**
 * Loads DJL's PyTorch engine from the native jars on the class path, with no network, and
 * chooses devices. Every failure becomes one sentence that says what to install.
 */
public final class Engines {

	public static final String PYTORCH = "PyTorch";
	/** DJL's name of the ONNX Runtime engine, which runs ONNX models users bring (no gradients). */
	public static final String ONNX_RUNTIME = "OnnxRuntime";

	private static volatile Engine engine;
	private static volatile Engine onnxEngine;

	private Engines() {}

	/**
	 * Sets the number of threads PyTorch's CPU kernels use. Only has an effect before the engine
	 * is first loaded in this JVM.
	 */
	public static void setThreads(final int intraOp, final int interOp) {
		if (intraOp > 0) System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(intraOp));
		if (interOp > 0) System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(interOp));
	}

	/** The PyTorch engine, loaded offline on first use. */
	public static Engine pytorch() {
		Engine e = engine;
		if (e != null) return e;
		synchronized (Engines.class) {
			if (engine == null) engine = load();
			return engine;
		}
	}

	private static Engine load() {
		// Natives come from jars on the class path; never let DJL try to download anything.
		if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
		// DJL's engine-neutral calls (Engine.getInstance(): gradient collectors) must mean PyTorch,
		// whatever other engine (ONNX Runtime) is on the class path or a stray DJL_DEFAULT_ENGINE says
		if (System.getProperty("ai.djl.default_engine") == null) System.setProperty("ai.djl.default_engine", PYTORCH);
		// one inter-op thread: with more, PyTorch's thread pools oversubscribe small machines and
		// every step slows down many times as soon as anything else runs (Fiji, a second job)
		if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) setThreads(0, 1);
		final String wanted = AmatVersion.pytorch();
		final String env = System.getenv("PYTORCH_VERSION");
		if (env != null && !env.isEmpty() && !env.equals(wanted) && !"unknown".equals(wanted)) {
			throw new AmatException("The environment variable PYTORCH_VERSION is set to " + env +
				", but AMAT ships PyTorch " + wanted + ": unset it or set it to " + wanted + ".");
		}
		if (System.getProperty("PYTORCH_VERSION") == null && !"unknown".equals(wanted)) {
			System.setProperty("PYTORCH_VERSION", wanted);
		}
		// read before loading: a bad value is an error of its own, not "natives missing"
		final boolean oneDnn = ConvolutionBackend.oneDnnRequested();
		final ClassLoader previous = Thread.currentThread().getContextClassLoader();
		try {
			// DJL finds its engine providers through the context class loader; inside ImageJ 1.x
			// that is not always the loader that holds the plugin's jars.
			Thread.currentThread().setContextClassLoader(Engines.class.getClassLoader());
			final Engine e = Engine.getEngine(PYTORCH);
			e.getVersion(); // forces the native library to load now, not at the first tensor
			ConvolutionBackend.set(oneDnn);
			return e;
		}
		catch (final RuntimeException | UnsatisfiedLinkError | NoClassDefFoundError err) {
			for (Throwable t = err; t != null; t = t.getCause()) {
				if (String.valueOf(t.getMessage()).contains("already loaded in another classloader")) {
					throw new AmatException("PyTorch's native library is already loaded by another class loader in this " +
						"Java process (another plugin bundling DJL?): restart Fiji and keep one copy of the DJL jars.", err);
				}
			}
			throw new AmatException(missingNativesMessage(), err);
		}
		finally {
			Thread.currentThread().setContextClassLoader(previous);
		}
	}

	/**
	 * DJL's ONNX Runtime engine, loaded on first use (its natives are inside the onnxruntime jar).
	 * It only runs models: no gradients, so attacks on an ONNX model are crafted on another model.
	 */
	public static Engine onnxRuntime() {
		Engine e = onnxEngine;
		if (e != null) return e;
		synchronized (Engines.class) {
			if (onnxEngine == null) onnxEngine = loadOnnxRuntime();
			return onnxEngine;
		}
	}

	private static Engine loadOnnxRuntime() {
		pytorch(); // first, so that the default engine stays PyTorch
		final ClassLoader previous = Thread.currentThread().getContextClassLoader();
		try {
			Thread.currentThread().setContextClassLoader(Engines.class.getClassLoader());
			final Engine e = Engine.getEngine(ONNX_RUNTIME);
			e.getVersion();
			return e;
		}
		catch (final RuntimeException | UnsatisfiedLinkError | NoClassDefFoundError err) {
			throw new AmatException("ONNX models need DJL's ONNX Runtime engine, which could not be loaded: install " +
				"the 'AMAT ONNX' update site in Fiji, or put onnxruntime-engine-" + AmatVersion.djl() +
				".jar (group ai.djl.onnxruntime) and onnxruntime-1.21.1.jar (group com.microsoft.onnxruntime) on the " +
				"class path.", err);
		}
		finally {
			Thread.currentThread().setContextClassLoader(previous);
		}
	}

	/**
	 * Turns PyTorch's gradient recording off on the calling thread. PyTorch keeps that switch per
	 * thread and new threads (Fiji's, SciJava's) start with it on, which makes every forward pass
	 * outside a gradient collector build a graph it never needs. DJL's engine-neutral API has no
	 * call for it, so this reaches the PyTorch engine's own switch when it is there.
	 */
	public static void prepareThread() {
		pytorch();
		try {
			Class.forName("ai.djl.pytorch.jni.JniUtils").getMethod("setGradMode", boolean.class).invoke(null, false);
		}
		catch (final ReflectiveOperationException | LinkageError e) {
			// another engine or version: correctness does not depend on it
		}
	}

	/** The one sentence shown when the PyTorch natives cannot be loaded: the platform and the jar it lacks. */
	public static String missingNativesMessage() {
		return NativePlatform.current().missingNativesMessage();
	}

	/** The platform classifier of DJL's native jars for this machine, e.g. linux-x86_64. */
	public static String platform() {
		return NativePlatform.current().classifier();
	}

	/**
	 * Chooses a device from a user's words: "cpu", "gpu" (the first GPU), "gpu N", or "auto"
	 * (the first GPU when there is one, else the CPU). Several GPUs ("gpus 0,1", "all gpus") are
	 * for training only ({@link #devices}); here they are refused with a sentence that says so.
	 */
	public static Device device(final String choice) {
		final Device[] d = devices(choice);
		if (d.length > 1) {
			throw new AmatException("'" + choice + "' names " + d.length + " GPUs, but only training splits its work " +
				"over several devices: choose one here (cpu, auto, gpu or gpu N).");
		}
		return d[0];
	}

	/**
	 * Chooses the devices for training from a user's words: any {@link #device} choice, or
	 * several GPUs of this machine: "gpus 0,1" (or "gpus 0 1"), "all gpus" (or "gpus all"). Each
	 * device passes {@link KernelSelfTest#require} first (unless -D{@value KernelSelfTest#SKIP_PROPERTY}=skip).
	 */
	public static Device[] devices(final String choice) {
		final int[] gpus = parseDevices(choice, gpuCount());
		final Device[] out = new Device[Math.max(1, gpus.length)];
		out[0] = Device.cpu();
		for (int i = 0; i < gpus.length; i++) out[i] = Device.gpu(gpus[i]);
		// PyTorch's kernels are checked once per device and JVM before anything trains or attacks
		if (!"skip".equals(System.getProperty(KernelSelfTest.SKIP_PROPERTY))) {
			for (final Device d : out) KernelSelfTest.require(d);
		}
		return out;
	}

	/**
	 * Parses a device choice for a machine with the given number of GPUs: the GPU indices it
	 * names, in order, or none for the CPU.
	 *
	 * @throws AmatException for words it cannot read, GPUs that are not there, or a GPU named twice
	 */
	public static int[] parseDevices(final String choice, final int gpus) {
		final String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
		if (c.isEmpty() || c.equals("auto")) return gpus > 0 ? new int[] { 0 } : new int[0];
		if (c.equals("cpu")) return new int[0];
		final boolean several = c.startsWith("gpus") || c.equals("all gpus");
		if (!several && !c.startsWith("gpu")) throw unknown(choice);
		final String rest = c.equals("all gpus") ? "all" : c.substring(several ? 4 : 3).trim();
		final int[] indices;
		if (several && rest.equals("all")) {
			indices = new int[gpus];
			for (int i = 0; i < gpus; i++) indices[i] = i;
		}
		else if (rest.isEmpty()) {
			if (several) throw unknown(choice);
			indices = new int[] { 0 };
		}
		else {
			final String[] parts = rest.split("[\\s,;]+");
			if (!several && parts.length > 1) throw unknown(choice);
			indices = new int[parts.length];
			for (int i = 0; i < parts.length; i++) {
				try {
					indices[i] = Integer.parseInt(parts[i]);
				}
				catch (final NumberFormatException e) {
					throw unknown(choice);
				}
			}
		}
		if (gpus == 0) {
			throw new AmatException((several ? "GPUs were" : "A GPU was") + " asked for, but PyTorch sees none: install " +
				"the CUDA add-on (pytorch-native-cu124-" + AmatVersion.pytorch() + "-linux-x86_64.jar, the 'AMAT CUDA' " +
				"update site) and an NVIDIA driver, or choose device=cpu.");
		}
		for (int i = 0; i < indices.length; i++) {
			if (indices[i] < 0 || indices[i] >= gpus) {
				throw new AmatException("GPU " + indices[i] + " was asked for, but only " + gpus + " GPU(s) are present" +
					(gpus > 0 ? " (0 to " + (gpus - 1) + ")" : "") + ".");
			}
			for (int j = 0; j < i; j++) {
				if (indices[j] == indices[i]) throw new AmatException("GPU " + indices[i] + " is named twice in '" + choice +
					"': name each GPU once.");
			}
		}
		return indices;
	}

	private static AmatException unknown(final String choice) {
		return new AmatException("Unknown device '" + choice + "': use cpu, auto, gpu, gpu N, or for training on " +
			"several GPUs gpus 0,1 or all gpus.");
	}

	/** Number of GPUs the loaded engine sees (0 with the CPU natives). */
	public static int gpuCount() {
		return pytorch().getGpuCount();
	}
}
