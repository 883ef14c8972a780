package sc.fiji.amat.engine;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import java.io.File;
import java.util.Locale;

/**
 * Which kernels PyTorch's CPU convolutions run on: oneDNN (PyTorch's default, and AMAT's) or
 * ATen's own im2col + matrix-product kernels ("native"), chosen by the system property
 * {@value #PROPERTY} ({@code onednn} or {@code native}) when the engine loads. The native
 * kernels are the way out for a machine whose {@link KernelSelfTest} fails on oneDNN.
 * <p>
 * DJL has no call for PyTorch's switch ({@code torch.backends.mkldnn.enabled}), so this calls
 * {@code at::globalContext().setUserEnabledMkldnn(bool)} in the loaded libtorch through JNA, by
 * its C++ symbol: the Itanium names on Linux and macOS, the MSVC names on Windows. It acts on the
 * whole process, so it holds inside Fiji as well as on the command line.
 * </p>
 */
public final class ConvolutionBackend {

	/** The system property that chooses the backend: {@code native} or {@code onednn}. */
	public static final String PROPERTY = "amat.convolution";

	private static final String[] CONTEXT = { "_ZN2at13globalContextEv", "?globalContext@at@@YAAEAVContext@1@XZ" };
	private static final String[] SET = { "_ZN2at7Context20setUserEnabledMkldnnEb",
		"?setUserEnabledMkldnn@Context@at@@QEAAX_N@Z" };
	private static final String[] GET = { "_ZNK2at7Context17userEnabledMkldnnEv",
		"?userEnabledMkldnn@Context@at@@QEBA_NXZ" };

	private ConvolutionBackend() {}

	/** The backend the system property asks for: true for oneDNN (the default). */
	public static boolean oneDnnRequested() {
		final String v = System.getProperty(PROPERTY, "onednn").trim().toLowerCase(Locale.ROOT);
		if (v.equals("onednn") || v.equals("mkldnn") || v.isEmpty()) return true;
		if (v.equals("native")) return false;
		throw new sc.fiji.amat.AmatException("Unknown convolution backend '" + v + "' in -D" + PROPERTY +
			": use native or onednn.");
	}

	/**
	 * Turns oneDNN convolutions on or off in the loaded PyTorch; returns what is in force
	 * afterwards: true for oneDNN, false for the native kernels, null when the switch could not
	 * be reached (another engine build, an unknown platform): then PyTorch's default, oneDNN,
	 * stays.
	 */
	public static Boolean set(final boolean oneDnn) {
		final Handles h = handles();
		if (h == null) return null;
		h.set.invokeVoid(new Object[] { h.context, oneDnn });
		return h.get.invokeInt(new Object[] { h.context }) != 0;
	}

	/** What is in force: true for oneDNN, false for native kernels, null when unknown. */
	public static Boolean oneDnnEnabled() {
		final Handles h = handles();
		return h == null ? null : h.get.invokeInt(new Object[] { h.context }) != 0;
	}

	/** A readable name of what is in force. */
	public static String describe() {
		final Boolean on = oneDnnEnabled();
		return on == null ? "unknown (PyTorch's switch not reachable; PyTorch's default is oneDNN)" : on ? "oneDNN"
			: "native ATen kernels (-D" + PROPERTY + "=native)";
	}

	private static final class Handles {

		final Pointer context;
		final Function set, get;

		Handles(final Pointer context, final Function set, final Function get) {
			this.context = context;
			this.set = set;
			this.get = get;
		}
	}

	private static Handles handles() {
		try {
			final NativeLibrary lib = libtorchCpu();
			if (lib == null) return null;
			final int k = Platform.isWindows() ? 1 : 0;
			final Pointer context = lib.getFunction(CONTEXT[k]).invokePointer(new Object[0]);
			return new Handles(context, lib.getFunction(SET[k]), lib.getFunction(GET[k]));
		}
		catch (final LinkageError | RuntimeException e) {
			return null;
		}
	}

	/** The libtorch_cpu library that DJL loaded (loading it again returns the same handle). */
	private static NativeLibrary libtorchCpu() {
		final String dir;
		try {
			dir = (String) Class.forName("ai.djl.pytorch.jni.LibUtils").getMethod("getLibtorchPath").invoke(null);
		}
		catch (final ReflectiveOperationException | LinkageError e) {
			return null;
		}
		if (dir == null) return null;
		final String name = Platform.isWindows() ? "torch_cpu.dll" : Platform.isMac() ? "libtorch_cpu.dylib"
			: "libtorch_cpu.so";
		final File f = new File(dir, name);
		return f.isFile() ? NativeLibrary.getInstance(f.getAbsolutePath()) : null;
	}
}
