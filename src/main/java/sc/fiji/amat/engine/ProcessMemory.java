package sc.fiji.amat.engine;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * This process's memory for benchmarks: the resident set (VmRSS) and its peak (VmHWM) from
 * {@code /proc/self/status} (Linux only; -1 elsewhere), the Java heap in use and committed, and
 * the heap pools' peak use. Native memory (PyTorch's tensors, the natives' code, the JVM's own)
 * is estimated as resident minus committed heap: an upper bound of the heap's share of RSS, so
 * the estimate errs low by the heap pages committed but never touched.
 */
public final class ProcessMemory {

	private static final Path STATUS = Paths.get("/proc/self/status");

	private ProcessMemory() {}

	/** VmRSS in bytes, -1 when unknown. */
	public static long rss() {
		return status("VmRSS:");
	}

	/** VmHWM (peak resident set) in bytes, -1 when unknown. */
	public static long peakRss() {
		return status("VmHWM:");
	}

	/** Heap in use now, bytes. */
	public static long heapUsed() {
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	/** Heap committed now, bytes. */
	public static long heapCommitted() {
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
	}

	/** The sum of the heap pools' peak use since start (or the last reset), bytes. */
	public static long peakHeap() {
		long sum = 0;
		for (final MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
			if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) sum += p.getPeakUsage().getUsed();
		}
		return sum;
	}

	/**
	 * Starts the peaks afresh: the heap pools' peak use, and VmHWM (by writing 5 to
	 * {@code /proc/self/clear_refs}, Linux 4.0 and later; where that fails VmHWM keeps counting
	 * from the process's start).
	 */
	public static void resetPeaks() {
		for (final MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
			if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
		}
		try {
			Files.write(Paths.get("/proc/self/clear_refs"), "5".getBytes(StandardCharsets.US_ASCII)); // not an output: resets VmHWM
		}
		catch (final IOException | RuntimeException e) {
			// not Linux or not allowed: the peak stays the process's
		}
	}

	/** Resident memory outside the heap in use, bytes; -1 when RSS is unknown. */
	public static long nativeEstimate() {
		final long rss = rss();
		return rss < 0 ? -1 : rss - heapUsed();
	}

	private static long status(final String key) {
		try {
			final List<String> lines = Files.readAllLines(STATUS, StandardCharsets.ISO_8859_1);
			for (final String l : lines) {
				if (l.startsWith(key)) {
					final String[] f = l.substring(key.length()).trim().split("\\s+");
					return Long.parseLong(f[0]) * 1024; // kB
				}
			}
		}
		catch (final IOException | RuntimeException e) {
			// not Linux, or no /proc: unknown
		}
		return -1;
	}

	/** Bytes as MiB. */
	public static double mib(final long bytes) {
		return bytes / (1024.0 * 1024.0);
	}
}
