package sc.fiji.amat.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.TaskType;
import sc.fiji.amat.task.Tasks;

/**
 * The small JSON file beside a model a user brings (TorchScript or ONNX), saying what the file
 * itself cannot: the task, the class names, how inputs are normalised and laid out, and what the
 * output holds. For {@code model.pt} it is {@code model.json} (or {@code model.pt.json}):
 *
 * <pre>
 * {
 *   "task": "segmentation",
 *   "classes": ["background", "nucleus"],
 *   "input":  { "channels": 1, "layout": "NCHW", "normalization": "zscore", "size_multiple": 16 },
 *   "output": { "layout": "NCHW", "values": "logits" }
 * }
 * </pre>
 * <ul>
 * <li>{@code input.layout}: {@code NCHW} (PyTorch) or {@code NHWC} (channels last, TensorFlow
 * and Keras);</li>
 * <li>{@code input.normalization}: as AMAT writes it: {@code zscore}, {@code percentile 1 99.8},
 * {@code range 0 255} (per image and channel, before the model sees it);</li>
 * <li>{@code input.size_multiple} (optional, default 1): image sides must be multiples of it;</li>
 * <li>{@code input.min_size} (optional): the smallest side the model takes;</li>
 * <li>{@code input.height}, {@code input.width} (optional): the only image size the model takes
 * (exports with a fixed input size);</li>
 * <li>{@code output.layout}: {@code NCHW} (N x K x H x W, K classes) or {@code NHWC} (N x H x W x
 * K);</li>
 * <li>{@code output.values}: {@code logits} (before softmax) or {@code probabilities} (after
 * softmax: Keras models often end with one; only for tasks whose outputs are class scores per
 * pixel, {@link Task#outputsClassScores()}).</li>
 * </ul>
 * {@code task} names any task type, which rebuilds the task from its own keys
 * ({@link TaskType#fromDescription}: "classes" for segmentation and detection, "landmarks" for
 * landmark detection); the model must output what the task's own network outputs
 * ({@link Task#outputChannels()} maps per pixel).
 */
public final class ModelDescription {

	/** Channel order of an input or output. */
	public enum Layout {
		/** Channels first: N x C x H x W. */
		NCHW,
		/** Channels last: N x H x W x C. */
		NHWC
	}

	public final Path file;
	/** The task type's name. */
	public final String task;
	/** The task rebuilt from the description through its task type, without a network of its own. */
	public final Task<?> rebuilt;
	public final int inputChannels;
	public final Layout inputLayout;
	public final Normalization normalization;
	public final int sizeMultiple;
	/** The only image height and width the model takes, or 0 when any (multiple of sizeMultiple) will do. */
	public final int height, width;
	/** The smallest image side the model takes (0: any), e.g. a bioimage.io input's minimum size. */
	public final int minSize;
	public final Layout outputLayout;
	/** True when the output holds softmax probabilities, false for logits. */
	public final boolean probabilities;
	/** The description as JSON (as read, or as translated from a bioimage.io {@code rdf.yaml}). */
	private final JsonObject json;

	private ModelDescription(final Path file, final String task, final Task<?> rebuilt, final int inputChannels,
		final Layout inputLayout, final Normalization normalization, final int sizeMultiple, final int height,
		final int width, final int minSize, final Layout outputLayout, final boolean probabilities, final JsonObject json)
	{
		this.minSize = minSize;
		this.json = json.deepCopy();
		this.file = file;
		this.task = task;
		this.rebuilt = rebuilt;
		this.inputChannels = inputChannels;
		this.inputLayout = inputLayout;
		this.normalization = normalization;
		this.sizeMultiple = sizeMultiple;
		this.height = height;
		this.width = width;
		this.outputLayout = outputLayout;
		this.probabilities = probabilities;
	}

	/** The description file of a model: {@code NAME.json} beside {@code NAME.pt}, else {@code NAME.pt.json}. */
	public static Path fileFor(final Path model) {
		final String name = model.getFileName().toString();
		final int dot = name.lastIndexOf('.');
		final Path sibling = model.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
		final Path appended = model.resolveSibling(name + ".json");
		return Files.isRegularFile(sibling) || !Files.isRegularFile(appended) ? sibling : appended;
	}

	/** Reads and checks the description of a model; every way it can be wrong is one sentence. */
	public static ModelDescription read(final Path model) {
		final Path file = fileFor(model);
		if (!Files.isRegularFile(file)) {
			throw new AmatException("The model " + model.getFileName() + " needs a description beside it (" + file
				.getFileName() + ": task, classes, input normalisation and layout, output layout); see the README, " +
				"'Models you bring'.");
		}
		final JsonObject o;
		try {
			final JsonElement e = JsonParser.parseString(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
			if (!e.isJsonObject()) throw new JsonParseException("not a JSON object");
			o = e.getAsJsonObject();
		}
		catch (final JsonParseException | IllegalStateException e) {
			throw new AmatException("The model description " + file + " is not valid JSON (" + firstLine(e) + ").", e);
		}
		catch (final IOException e) {
			throw new AmatException("Cannot read the model description " + file + ": " + e.getMessage() + ".", e);
		}
		return of(file, o);
	}

	/**
	 * A description from its JSON; {@code file} names where it came from in messages (the JSON
	 * file, or a bioimage.io package whose {@code rdf.yaml} was translated into it).
	 */
	public static ModelDescription of(final Path file, final JsonObject o) {
		try {
			return parse(file, o);
		}
		catch (final ClassCastException | IllegalStateException | UnsupportedOperationException |
			NumberFormatException e)
		{
			throw new AmatException("The model description " + file + " has a value of the wrong kind (" + firstLine(e) +
				"): see the README, 'Models you bring', for an example.", e);
		}
	}

	private static ModelDescription parse(final Path file, final JsonObject o) {
		final String where = "The model description " + file;
		final String task = string(o, "task", where, "the task, e.g. \"segmentation\"");
		if (!Tasks.types().containsKey(task)) {
			throw new AmatException(where + " says the model is for '" + task + "', which is not a task AMAT knows: " +
				"use one of " + Tasks.names() + ".");
		}
		final JsonObject in = object(o, "input", where, "{\"channels\": 1, \"layout\": \"NCHW\", \"normalization\": " +
			"\"zscore\"}");
		if (!in.has("channels")) throw new AmatException(where + " lacks input.channels: how many channels the model takes.");
		final int channels = in.get("channels").getAsInt();
		if (channels < 1) throw new AmatException(where + " gives input.channels " + channels + ": it must be at least 1.");
		final Task<?> rebuilt = Tasks.type(task).fromDescription(o, channels, where);
		final JsonObject out = object(o, "output", where, "{\"layout\": \"NCHW\", \"values\": \"logits\"}");
		final Layout inLayout = layout(in, "input", where);
		final Normalization normalization = Normalization.parse(string(in, "normalization", where,
			"input.normalization: zscore, percentile 1 99.8 or range 0 255"));
		final int multiple = in.has("size_multiple") ? in.get("size_multiple").getAsInt() : 1;
		if (multiple < 1) throw new AmatException(where + " gives input.size_multiple " + multiple + ": it must be >= 1.");
		final int height = in.has("height") ? in.get("height").getAsInt() : 0;
		final int width = in.has("width") ? in.get("width").getAsInt() : 0;
		if (height < 0 || width < 0 || (height == 0) != (width == 0)) {
			throw new AmatException(where + " gives input.height " + height + " and input.width " + width + ": give both " +
				"(a model that takes only that size) or neither.");
		}
		final int minSize = in.has("min_size") ? in.get("min_size").getAsInt() : 0;
		final Layout outLayout = layout(out, "output", where);
		final String values = out.has("values") ? out.get("values").getAsString().trim().toLowerCase(Locale.ROOT)
			: "logits";
		if (!values.equals("logits") && !values.equals("probabilities")) {
			throw new AmatException(where + " gives output.values '" + values + "': use logits (before softmax) or " +
				"probabilities (after softmax).");
		}
		if (values.equals("probabilities") && !rebuilt.outputsClassScores()) {
			throw new AmatException(where + " gives output.values 'probabilities', but a " + task + " model outputs " +
				"what the task's own network does, logits (" + rebuilt.outputDescription() + "): state \"values\": " +
				"\"logits\".");
		}
		return new ModelDescription(file, task, rebuilt, channels, inLayout, normalization, multiple, height, width,
			minSize, outLayout, values.equals("probabilities"), o);
	}

	private static String string(final JsonObject o, final String key, final String where, final String what) {
		if (!o.has(key) || o.get(key).isJsonNull()) throw new AmatException(where + " lacks \"" + key + "\": " + what + ".");
		return o.get(key).getAsString().trim();
	}

	private static JsonObject object(final JsonObject o, final String key, final String where, final String example) {
		if (!o.has(key) || !o.get(key).isJsonObject()) {
			throw new AmatException(where + " lacks \"" + key + "\", e.g. \"" + key + "\": " + example + ".");
		}
		return o.getAsJsonObject(key);
	}

	private static Layout layout(final JsonObject o, final String part, final String where) {
		if (!o.has("layout")) return Layout.NCHW;
		final String l = o.get("layout").getAsString().trim().toUpperCase(Locale.ROOT);
		switch (l) {
			case "NCHW":
			case "NKHW":
			case "CHANNELS_FIRST":
				return Layout.NCHW;
			case "NHWC":
			case "NHWK":
			case "CHANNELS_LAST":
				return Layout.NHWC;
			default:
				throw new AmatException(where + " gives " + part + ".layout '" + l + "': use NCHW (channels first, " +
					"PyTorch) or NHWC (channels last, TensorFlow/Keras).");
		}
	}

	private static String firstLine(final Throwable e) {
		final String m = String.valueOf(e.getMessage());
		final int nl = m.indexOf('\n');
		return nl < 0 ? m : m.substring(0, nl);
	}

	/** The description as the JSON a {@code NAME.json} beside {@code NAME.pt} holds. */
	public JsonObject toJson() {
		return json.deepCopy();
	}

	/** The number of maps per pixel the output must have: the task's {@link Task#outputChannels()}. */
	public int outputChannels() {
		return rebuilt.outputChannels();
	}

	/** The task's keys as its spec records them, e.g. "classes [background, nucleus]". */
	String taskKeys() {
		final List<String> keys = new ArrayList<>();
		for (final Map.Entry<String, JsonElement> e : rebuilt.spec().entrySet()) {
			final JsonElement v = e.getValue();
			final List<String> items = new ArrayList<>();
			if (v.isJsonArray()) v.getAsJsonArray().forEach(x -> items.add(x.getAsString()));
			keys.add(e.getKey() + " " + (v.isJsonArray() ? items.toString() : v.getAsString()));
		}
		return String.join(", ", keys);
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%s, %s; input %d channel(s) %s, %s%s; output %s %s", task, taskKeys(),
			inputChannels, inputLayout, normalization, (width > 0 ? ", " + width + "x" + height + " images only" : "") +
			(sizeMultiple > 1 ? ", sides multiples of " + sizeMultiple : ""),
			outputLayout, probabilities ? "probabilities" : "logits");
	}
}
