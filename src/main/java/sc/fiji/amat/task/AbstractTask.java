package sc.fiji.amat.task;

import com.google.gson.JsonArray;

import java.util.List;

import sc.fiji.amat.nn.NetworkConfig;

/**
 * What every task keeps alike: its input channels and network size, and its names (classes,
 * landmarks) as its spec records them.
 *
 * @param <L> the label of one 2D sample
 */
public abstract class AbstractTask<L> implements Task<L> {

	protected final int inputChannels;
	protected final NetworkConfig network;

	protected AbstractTask(final int inputChannels, final NetworkConfig network) {
		this.inputChannels = inputChannels;
		this.network = network;
	}

	@Override
	public int inputChannels() {
		return inputChannels;
	}

	@Override
	public NetworkConfig network() {
		return network;
	}

	/** Names (classes, landmarks) as a JSON array, in order, for {@link #spec()}. */
	protected static JsonArray jsonNames(final List<String> names) {
		final JsonArray a = new JsonArray();
		names.forEach(a::add);
		return a;
	}
}
