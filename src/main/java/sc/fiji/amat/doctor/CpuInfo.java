package sc.fiji.amat.doctor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The processor as PyTorch's CPU kernels see it: model name and instruction-set flags (read
 * from /proc/cpuinfo on Linux; elsewhere unknown), and the instruction sets ATen's and oneDNN's
 * dispatchers pick from those flags (or from the environment variables that cap them).
 */
public final class CpuInfo {

	public final String model;
	/** Lower-case flags; empty when they could not be read. */
	public final Set<String> flags;

	CpuInfo(final String model, final Set<String> flags) {
		this.model = model;
		this.flags = Collections.unmodifiableSet(flags);
	}

	/** This machine's processor. */
	public static CpuInfo read() {
		return parse(Paths.get("/proc/cpuinfo"));
	}

	static CpuInfo parse(final Path cpuinfo) {
		String model = System.getProperty("os.arch") + " (model not read on " + System.getProperty("os.name") + ")";
		final Set<String> flags = new TreeSet<>();
		try {
			if (Files.isReadable(cpuinfo)) {
				for (final String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
					final int colon = line.indexOf(':');
					if (colon < 0) continue;
					final String key = line.substring(0, colon).trim(), value = line.substring(colon + 1).trim();
					if (key.equals("model name")) model = value;
					if (key.equals("flags") && flags.isEmpty()) {
						flags.addAll(Arrays.asList(value.toLowerCase(Locale.ROOT).split("\\s+")));
					}
				}
			}
		}
		catch (final IOException | RuntimeException e) {
			// unknown: reported as such
		}
		return new CpuInfo(model, flags);
	}

	private boolean has(final String... all) {
		return flags.containsAll(Arrays.asList(all));
	}

	/** The AVX-512 subsets that ATen's and oneDNN's AVX-512 kernels both need. */
	private boolean avx512Core() {
		return has("avx512f", "avx512bw", "avx512vl", "avx512dq");
	}

	/** The AVX-512 flags, space-separated ("none" when the CPU has none). */
	public String avx512() {
		final StringBuilder b = new StringBuilder();
		for (final String f : flags) {
			if (f.startsWith("avx512")) b.append(b.length() == 0 ? "" : " ").append(f);
		}
		return flags.isEmpty() ? "unknown" : b.length() == 0 ? "none" : b.toString();
	}

	/** The vectorised kernels ATen dispatches to: its ATEN_CPU_CAPABILITY logic on these flags. */
	public String atenCapability() {
		final String env = System.getenv("ATEN_CPU_CAPABILITY");
		if (env != null && !env.isEmpty()) return env + " (capped by ATEN_CPU_CAPABILITY)";
		if (flags.isEmpty()) return "unknown";
		if (avx512Core()) return "avx512";
		if (has("avx2", "fma")) return "avx2";
		return "default";
	}

	/** The widest instruction set oneDNN's kernels use on these flags (or the cap in the environment). */
	public String oneDnnIsa() {
		for (final String var : List.of("ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA")) {
			final String env = System.getenv(var);
			if (env != null && !env.isEmpty()) return env.toLowerCase(Locale.ROOT) + " (capped by " + var + ")";
		}
		if (flags.isEmpty()) return "unknown";
		if (avx512Core()) {
			if (has("amx_tile", "amx_bf16")) return "avx512_core_amx";
			if (has("avx512_bf16")) return "avx512_core_bf16";
			if (has("avx512_vnni")) return "avx512_core_vnni";
			return "avx512_core";
		}
		if (has("avx2")) return has("avx_vnni") ? "avx2_vnni" : "avx2";
		return has("avx") ? "avx" : "sse41";
	}
}
