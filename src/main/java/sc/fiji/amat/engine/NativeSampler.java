package sc.fiji.amat.engine;

/**
 * Estimates which part of a thread's time is spent inside PyTorch's native calls: a daemon
 * thread takes the sampled thread's stack every {@code periodMicros} and counts the samples
 * whose top frame is a native method of DJL's PyTorch binding ({@code ai.djl.pytorch.jni}).
 * Everything else (Java code of DJL and AMAT, the JVM's own native methods, allocation, waiting
 * for a lock) counts as outside. With several PyTorch threads the sampled thread takes part in
 * every parallel kernel, so it is inside while any kernel runs.
 * <p>
 * Taking a stack stops the sampled thread briefly when it runs Java code (at a safepoint), which
 * slows it a little and can place a Java sample at the next safepoint rather than where it was;
 * whether a sample is native or Java is not affected. Run it apart from the timed repeats.
 * </p>
 */
public final class NativeSampler implements AutoCloseable {

	private static final String PACKAGE = "ai.djl.pytorch.jni.";

	private final Thread target;
	private final Thread sampler;
	private volatile boolean running = true;
	private long inside, total;

	private NativeSampler(final Thread target, final long periodMicros) {
		this.target = target;
		sampler = new Thread(() -> loop(periodMicros), "amat-native-sampler");
		sampler.setDaemon(true);
		sampler.start();
	}

	/** Starts sampling the calling thread. */
	public static NativeSampler onCurrentThread(final long periodMicros) {
		return new NativeSampler(Thread.currentThread(), periodMicros);
	}

	private void loop(final long periodMicros) {
		while (running) {
			final StackTraceElement[] st = target.getStackTrace();
			if (st.length > 0) {
				synchronized (this) {
					total++;
					if (st[0].isNativeMethod() && st[0].getClassName().startsWith(PACKAGE)) inside++;
				}
			}
			try {
				Thread.sleep(periodMicros / 1000, (int) (periodMicros % 1000) * 1000);
			}
			catch (final InterruptedException e) {
				return;
			}
		}
	}

	/** Samples taken so far. */
	public synchronized long samples() {
		return total;
	}

	/** The fraction of samples outside PyTorch's native calls so far (NaN before the first). */
	public synchronized double outsideFraction() {
		return total == 0 ? Double.NaN : 1 - inside / (double) total;
	}

	@Override
	public void close() {
		running = false;
		try {
			sampler.join(1000);
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}
}
