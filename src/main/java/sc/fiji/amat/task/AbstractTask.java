package sc.fiji.amat.task;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.nn.NetworkConfig;

/**
 * What every task keeps alike: its input channels and network size (null for a model brought
 * from outside AMAT), and its names (classes, landmarks) as its spec records them.
 *
 * @param <L> the label of one 2D sample
 */
public abstract class AbstractTask<L> implements Task<L> {

	protected final int inputChannels;
	protected final NetworkConfig network;

	protected AbstractTask(final int inputChannels, final NetworkConfig network) {
		if (inputChannels < 1) throw new AmatException("Images need at least one channel.");
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

	/** The network's size; an error for a task rebuilt for a model brought from outside AMAT. */
	protected NetworkConfig requireNetwork() {
		if (network == null) throw new AmatException("This " + type() + " task was rebuilt for a model brought from " +
			"outside AMAT: it has no network of its own to train.");
		return network;
	}

	/**
	 * Checks that the images' sides are multiples of what the network needs (any size for a model
	 * brought from outside AMAT, which checks its own).
	 *
	 * @param net what the network is, for the message: "a U-Net"
	 * @param fix what to do to the images, for the message: "crop or pad them"
	 */
	protected void checkImageSize(final LabeledData<?> data, final String net, final String fix) {
		final int m = network == null ? 1 : network.sizeMultiple();
		if (data.width() % m != 0 || data.height() % m != 0) {
			throw new AmatException("Images are " + data.width() + "x" + data.height() + " pixels, but " + net +
				" of depth " + network.depth() + " needs sides that are multiples of " + m + ": " + fix +
				", or lower the depth.");
		}
	}

	/** Names (classes, landmarks) as a JSON array, in order, for {@link #spec()}. */
	protected static JsonArray jsonNames(final List<String> names) {
		final JsonArray a = new JsonArray();
		names.forEach(a::add);
		return a;
	}

	/** The names a spec or description lists under {@code key}, in order. */
	public static List<String> names(final JsonObject spec, final String key) {
		final List<String> names = new ArrayList<>();
		for (final JsonElement e : spec.getAsJsonArray(key)) names.add(e.getAsString());
		return names;
	}

	/**
	 * The names a model description lists under {@code key}; an error naming {@code where} and
	 * {@code what} ("the class names, background first, e.g. [...]") when it has no such list.
	 */
	public static List<String> describedNames(final JsonObject description, final String key, final String where,
		final String what)
	{
		if (!description.has(key) || !description.get(key).isJsonArray()) {
			throw new AmatException(where + " lacks \"" + key + "\": " + what + ".");
		}
		return names(description, key);
	}
}
