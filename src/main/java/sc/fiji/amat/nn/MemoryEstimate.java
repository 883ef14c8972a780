package sc.fiji.amat.nn;

import ai.djl.Device;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

import sc.fiji.amat.AmatException;

/**
 * The memory a U-Net needs for a batch, estimated before training or evaluation starts, so that a
 * request that cannot fit is refused with one sentence suggesting a batch (or image) size that
 * fits, instead of an out-of-memory crash hours later.
 * <p>
 * The estimate counts the tensors one forward pass keeps for backward per sample (convolution,
 * normalisation and ReLU outputs, pooling indices, the up-sampling's 1x1 convolution, pixel shuffle
 * and concatenation), times the batch, times the graphs alive at once (one for standard training
 * and for attacks; two when a training step back-propagates a clean and an adversarial loss
 * together), times {@value #BACKWARD_FACTOR} for the gradients backward allocates while the graph
 * is still alive; plus the parameters with their gradients and Adam's two moments, and the
 * attack's copies of the input batch. It grows linearly with the batch and quadratically with the
 * image side. {@code docs/reliability.md} compares it with a measured peak.
 * <p>
 * The memory available is the GPU's free memory for a GPU, else the operating system's available
 * memory (Linux {@code MemAvailable}, within a cgroup's limit), unless the system property
 * {@value #AVAILABLE} sets it (bytes, or with a suffix k, m, g); {@value #CHECK} = false turns the
 * check off.
 */
public final class MemoryEstimate {

	public static final String AVAILABLE = "amat.memory.available";
	public static final String CHECK = "amat.memory.check";
	/** Gradients made during backward while the graph lives, relative to the forward activations. */
	static final double BACKWARD_FACTOR = 2;

	/** What the memory is for. */
	public enum Use {
		/** Evaluation without gradients (no attack, or white noise). */
		EVALUATION(0, 0, 0, "Evaluation"),
		/** An attack: forward and backward with respect to the input, parameters frozen. */
		ATTACK(1, 0, 6, "The attack"),
		/** A standard training step. */
		TRAINING(1, 4, 1, "Training"),
		/** An adversarial training step: the attack, then clean and adversarial losses together. */
		ADVERSARIAL_TRAINING(2, 4, 6, "Adversarial training");

		final int graphs, parameterCopies, inputCopies;
		final String label;

		Use(final int graphs, final int parameterCopies, final int inputCopies, final String label) {
			this.graphs = graphs;
			this.parameterCopies = parameterCopies;
			this.inputCopies = inputCopies;
			this.label = label;
		}
	}

	private final NetworkConfig network;
	private final int channels, outputs;

	public MemoryEstimate(final NetworkConfig network, final int channels, final int outputs) {
		this.network = network;
		this.channels = channels;
		this.outputs = outputs;
	}

	/** Floats one sample's forward pass keeps for backward, at an image of height x width. */
	public long activationFloats(final int height, final int width) {
		final int depth = network.depth(), w = network.width();
		double f = (double) (channels + outputs) * height * width; // input, head output
		for (int level = 0; level < depth; level++) {
			final double area = (double) height * width / (1L << (2 * level)), c = (double) w * (1 << level);
			f += 6 * c * area; // down: 2 x (conv, norm, relu)
			f += 0.75 * c * area; // pool: output (a quarter) and int64 indices (two floats each)
			f += 3 * c * area; // up: 1x1 convolution to 4C at half resolution, pixel shuffle (reshape, copy)
			f += 2 * c * area; // concatenation
			f += 6 * c * area; // merge: 2 x (conv, norm, relu)
		}
		final double area = (double) height * width / (1L << (2 * depth));
		f += 6.0 * w * (1 << depth) * area; // bottom
		return (long) Math.ceil(f);
	}

	/** The network's parameter count. */
	public long parameters() {
		final int depth = network.depth(), w = network.width();
		long p = 0;
		int in = channels;
		for (int level = 0; level <= depth; level++) { // down levels and the bottom
			final long c = (long) w << level;
			p += 9 * in * c + 9 * c * c + 4 * c;
			in = (int) c;
		}
		for (int level = depth - 1; level >= 0; level--) {
			final long c = (long) w << level, below = (long) w << (level + 1);
			p += below * 4 * c + 4 * c; // 1x1 up convolution with bias
			p += 9 * 2 * c * c + 9 * c * c + 4 * c; // merge
		}
		return p + (long) w * outputs + outputs;
	}

	/** Bytes needed for a batch of images of height x width. */
	public long bytes(final Use use, final int batch, final int height, final int width) {
		final double perSample = use.graphs == 0 ? activationFloats(height, width) * 0.25 : activationFloats(height,
			width) * use.graphs * BACKWARD_FACTOR;
		final double inputs = (double) use.inputCopies * channels * height * width;
		return (long) (4 * (batch * (perSample + inputs) + (1 + use.parameterCopies) * (double) parameters()));
	}

	/** The largest batch whose estimate fits in the bytes, 0 when not even one image fits. */
	public int largestBatch(final Use use, final int height, final int width, final long available) {
		final long fixed = bytes(use, 0, height, width), perSample = bytes(use, 1, height, width) - fixed;
		return available <= fixed ? 0 : (int) Math.min(Integer.MAX_VALUE, (available - fixed) / perSample);
	}

	/**
	 * Refuses a request whose estimate is over the memory available on the device, in one sentence
	 * that names the batch parameter and suggests a batch size that fits, or an image (patch) side
	 * when not even one image fits; {@code batchName} names the parameter ("the batch size").
	 */
	public void check(final Use use, final int batch, final int height, final int width, final Device device,
		final String batchName)
	{
		check(use, batch, height, width, device, batchName, "use smaller patches");
	}

	/** As above; {@code alternative} is the other way out ("use smaller patches"). */
	public void check(final Use use, final int batch, final int height, final int width, final Device device,
		final String batchName, final String alternative)
	{
		if (!Boolean.parseBoolean(System.getProperty(CHECK, "true"))) return;
		check(use, batch, height, width, available(device), device.toString(), batchName, alternative);
	}

	/** As above, with the memory available given. */
	public void check(final Use use, final int batch, final int height, final int width, final long available,
		final String deviceName, final String batchName)
	{
		check(use, batch, height, width, available, deviceName, batchName, "use smaller patches");
	}

	private void check(final Use use, final int batch, final int height, final int width, final long available,
		final String deviceName, final String batchName, final String alternative)
	{
		if (available <= 0) return; // unknown
		final long need = bytes(use, batch, height, width);
		if (need <= available) return;
		final String head = String.format(Locale.ROOT, "%s needs about %s of memory on %s for a batch of %d images of %d " +
			"x %d x %d (%s), but only %s is available", use.label, size(need), deviceName, batch, channels, height, width,
			network, size(available));
		final int fits = largestBatch(use, height, width, available);
		if (fits >= 1) {
			throw new AmatException(head + ": set " + batchName + " to " + fits + " or less (or " + alternative + ").");
		}
		int side = (int) Math.floor(Math.sqrt((double) height * width * available / bytes(use, 1, height, width)));
		side -= side % network.sizeMultiple();
		throw new AmatException(head + ": even one image does not fit, so use patches of at most " + Math.max(side,
			network.sizeMultiple()) + " x " + Math.max(side, network.sizeMultiple()) + " pixels, or a smaller network.");
	}

	/**
	 * The batch to use where the user has no batch size to choose (the Adversarial Attack command): the
	 * wanted batch, or the largest that fits; refuses, suggesting patches, when not one image fits.
	 */
	public int fit(final Use use, final int batch, final int height, final int width, final Device device) {
		if (!Boolean.parseBoolean(System.getProperty(CHECK, "true"))) return batch;
		final long available = available(device);
		if (available <= 0) return batch;
		final int fits = largestBatch(use, height, width, available);
		if (fits < 1) check(use, batch, height, width, available, device.toString(), "the batch size");
		return Math.max(1, Math.min(batch, fits));
	}

	/** Bytes available for tensors on the device; 0 when unknown. */
	public static long available(final Device device) {
		final String set = System.getProperty(AVAILABLE);
		if (set != null && !set.trim().isEmpty()) return parseBytes(set.trim());
		if (device.isGpu()) {
			try {
				final java.lang.management.MemoryUsage u = ai.djl.util.cuda.CudaUtils.getGpuMemory(device);
				return u.getMax() - u.getCommitted();
			}
			catch (final RuntimeException | LinkageError e) {
				return 0;
			}
		}
		long free = meminfoAvailable();
		if (free <= 0) {
			final java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
			if (os instanceof com.sun.management.OperatingSystemMXBean) {
				free = ((com.sun.management.OperatingSystemMXBean) os).getFreePhysicalMemorySize();
			}
		}
		final long cgroup = cgroupFree();
		return cgroup > 0 && (free <= 0 || cgroup < free) ? cgroup : free;
	}

	static long parseBytes(final String s) {
		final String t = s.toLowerCase(Locale.ROOT);
		final char last = t.charAt(t.length() - 1);
		final long unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : last == 'g' ? 1L << 30 : 1;
		try {
			return (long) (Double.parseDouble(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit);
		}
		catch (final NumberFormatException e) {
			throw new AmatException("The system property " + AVAILABLE + " must be a number of bytes (e.g. 8g), got '" +
				s + "'.");
		}
	}

	private static long meminfoAvailable() {
		for (final String line : lines(Paths.get("/proc/meminfo"))) {
			if (line.startsWith("MemAvailable:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		return 0;
	}

	private static long cgroupFree() {
		final Path dir = Paths.get("/sys/fs/cgroup");
		final String[] max = lines(dir.resolve("memory.max")), current = lines(dir.resolve("memory.current"));
		if (max.length == 0 || current.length == 0 || !max[0].trim().matches("[0-9]+")) return 0;
		return Long.parseLong(max[0].trim()) - Long.parseLong(current[0].trim());
	}

	private static String[] lines(final Path p) {
		try {
			return Files.isReadable(p) ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8).split("\n")
				: new String[0];
		}
		catch (final IOException | RuntimeException e) {
			return new String[0];
		}
	}

	/** Bytes in words: "3.1 GiB", "420 MiB". */
	public static String size(final long bytes) {
		if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
		if (bytes >= 10L << 20) return String.format(Locale.ROOT, "%d MiB", Math.round(bytes / (double) (1L << 20)));
		if (bytes >= 1L << 20) return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
		return String.format(Locale.ROOT, "%d KiB", Math.max(1, Math.round(bytes / 1024.0)));
	}
}
