package sc.fiji.amat.export;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import sc.fiji.amat.AmatVersion;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.task.Task;

/**
 * The parts of a bioimage.io model description (format {@value #FORMAT_VERSION}) that come
 * from an AMAT model: tensor descriptions with their axes, the preprocessing that reproduces
 * the model's {@link Normalization}, channel names, citations, and AMAT's own record under
 * {@code config.amat}.
 */
final class Rdf {

	static final String FORMAT_VERSION = "0.5.7";
	static final String PAPER = "https://arxiv.org/abs/2206.01736", TOOL = "https://github.com/amat-fiji/AMAT";

	private Rdf() {}

	static Map<String, Object> map(final Object... keyValues) {
		final Map<String, Object> m = new LinkedHashMap<>();
		for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
		return m;
	}

	/** The input: batch, channel, y, x; space sizes any multiple of {@code multiple} from {@code min}. */
	static Map<String, Object> input(final int channels, final int min, final int multiple,
		final Normalization normalization, final Map<String, Object> testTensor, final Map<String, Object> sample)
	{
		final List<String> names = new ArrayList<>();
		for (int c = 0; c < channels; c++) names.add("channel" + c);
		final Map<String, Object> size = map("min", min, "step", multiple);
		final List<Object> axes = Arrays.asList(map("type", "batch"), map("type", "channel", "channel_names", names), map(
			"type", "space", "id", "y", "size", size), map("type", "space", "id", "x", "size", size));
		return map("id", UNetOnnx.INPUT, "description", "raw image intensities, normalised by the preprocessing", "axes",
			axes, "test_tensor", testTensor, "sample_tensor", sample, "data", map("type", "float32"), "preprocessing",
			preprocessing(normalization));
	}

	/** The output: batch, the task's maps, y and x the input's. */
	static Map<String, Object> output(final List<String> channelNames, final String description,
		final Map<String, Object> testTensor, final Map<String, Object> sample)
	{
		final List<Object> axes = Arrays.asList(map("type", "batch"), map("type", "channel", "channel_names",
			channelNames), map("type", "space", "id", "y", "size", map("tensor_id", UNetOnnx.INPUT, "axis_id", "y")), map(
				"type", "space", "id", "x", "size", map("tensor_id", UNetOnnx.INPUT, "axis_id", "x")));
		return map("id", UNetOnnx.OUTPUT, "description", description, "axes", axes, "test_tensor", testTensor,
			"sample_tensor", sample, "data", map("type", "float32"));
	}

	/**
	 * AMAT's normalisation as bioimage.io preprocessing, per image and channel (axes y, x):
	 * zscore as zero_mean_unit_variance, percentile as scale_range, a fixed range as scale_linear.
	 */
	static List<Object> preprocessing(final Normalization n) {
		final List<Object> out = new ArrayList<>();
		out.add(map("id", "ensure_dtype", "kwargs", map("dtype", "float32")));
		final List<String> yx = Arrays.asList("y", "x");
		switch (n.method()) {
			case ZSCORE:
				out.add(map("id", "zero_mean_unit_variance", "kwargs", map("axes", yx, "eps", 1e-6)));
				break;
			case PERCENTILE:
				out.add(map("id", "scale_range", "kwargs", map("axes", yx, "min_percentile", n.low(), "max_percentile", n
					.high(), "eps", 1e-6)));
				break;
			default:
				final double gain = 1 / (n.high() - n.low());
				out.add(map("id", "scale_linear", "kwargs", map("gain", gain, "offset", n.low() == 0 ? 0.0 : -n.low() *
					gain)));
		}
		return out;
	}

	/** The output maps' names, valid identifiers, from the task's spec (classes, landmarks). */
	static List<String> outputChannels(final Task<?> task) {
		final JsonObject spec = task.spec();
		final List<String> raw = new ArrayList<>();
		if ("detection".equals(task.type())) {
			raw.add("centre");
			for (final String c : names(spec, "classes")) raw.add("class_" + c);
			raw.addAll(Arrays.asList("offset_x", "offset_y", "log_width", "log_height"));
		}
		else if (spec.has("classes")) raw.addAll(names(spec, "classes"));
		else if (spec.has("landmarks")) raw.addAll(names(spec, "landmarks"));
		if (raw.size() != task.outputChannels()) {
			raw.clear();
			for (int c = 0; c < task.outputChannels(); c++) raw.add("map" + c);
		}
		final List<String> out = new ArrayList<>();
		final Set<String> seen = new HashSet<>();
		for (final String r : raw) {
			String id = r.replaceAll("[^A-Za-z0-9_]", "_");
			if (id.isEmpty() || !Character.isLetter(id.charAt(0)) && id.charAt(0) != '_') id = "c_" + id;
			while (!seen.add(id)) id += "_";
			out.add(id);
		}
		return out;
	}

	private static List<String> names(final JsonObject spec, final String key) {
		final List<String> out = new ArrayList<>();
		final JsonElement e = spec.get(key);
		if (e instanceof JsonArray) for (final JsonElement x : (JsonArray) e) out.add(x.getAsString());
		return out;
	}

	/** A name bioimage.io accepts: letters, digits, "_+- ()", 5 to 128 characters. */
	static String name(final String wanted) {
		String n = wanted.replaceAll("[^A-Za-z0-9_+\\- ()]", "-").trim();
		if (n.length() > 128) n = n.substring(0, 128).trim();
		while (n.length() < 5) n += "-model".substring(0, Math.min(6, 5 - n.length() + 1));
		return n;
	}

	static List<Object> cite() {
		return Arrays.asList(map("text", "Ma & Liang, Adaptive Adversarial Training to Improve Adversarial " +
			"Robustness of DNNs for Medical Image Segmentation and Detection, arXiv 2206.01736 (2022)", "url", PAPER), map(
				"text", "AMAT for Fiji: adaptive-margin adversarial training in Fiji", "url", TOOL));
	}

	/** AMAT's record of the model, under config.amat. */
	static Map<String, Object> config(final ModelInfo info, final String method) {
		return map("amat", map("library_version", String.valueOf(AmatVersion.library()), "task", info.task, "task_spec", info.taskSpec
			.toString(), "network", info.network == null ? "" : info.network.toString(), "normalization",
			info.normalization, "training_method", method, "epochs", info.training.epochsCompleted, "seed",
			info.training.seed, "architecture", "U-Net"), "bioimageio", map("architecture_type", "2D U-Net"));
	}

	static String lower(final String s) {
		return s == null ? "" : s.toLowerCase(Locale.ROOT);
	}
}
