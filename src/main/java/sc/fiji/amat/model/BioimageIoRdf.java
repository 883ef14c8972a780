package sc.fiji.amat.model;

import sc.fiji.amat.nn.NetworkConfig;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sc.fiji.amat.AmatException;

/**
 * What a bioimage.io {@code rdf.yaml} (format 0.4 or 0.5) says about a model, translated into
 * AMAT's {@link ModelDescription} JSON:
 * <ul>
 * <li>weights: {@code torchscript} (0.3's {@code pytorch_script}) is preferred (white-box
 * attacks, hardening), else {@code onnx} (noise and transfer attacks);</li>
 * <li>the first input: axes {@code b,c,y,x} or {@code b,y,x,c} (0.4's string {@code "bcyx"} or
 * 0.5's list of axes), the channel count, the spatial size (fixed, or a minimum and a step:
 * {@code size_multiple}); its preprocessing onto AMAT's normalisations:
 * {@code zero_mean_unit_variance} per sample = zscore, {@code scale_range} per sample =
 * percentile low high, {@code scale_linear} with scalar gain and offset = range (the same
 * affine map); {@code ensure_dtype} float32 is a no-op;</li>
 * <li>the first output: its axes (layout) and channels;</li>
 * <li>the task: {@code config.amat} may give any keys of the description ({@code task},
 * {@code classes}, {@code landmarks}, ..., and {@code output.values}); without it the model is
 * a segmentation model whose classes are the output's channel names (0.5) or "class 0", "class
 * 1", ..., with logits out.</li>
 * </ul>
 */
public final class BioimageIoRdf {

	public final String formatVersion, name;
	/** {@link ImportedModels#TORCHSCRIPT} or {@link ImportedModels#ONNX}. */
	public final String weightsFormat;
	public final String weightsSource, weightsSha256;
	/** The test tensors' sources ({@code .npy}), or null. */
	public final String testInput, testOutput;
	/** The description the rdf translates into. */
	public final JsonObject description;
	private final String where;

	private BioimageIoRdf(final String where, final String formatVersion, final String name,
		final String weightsFormat, final String weightsSource, final String weightsSha256, final String testInput,
		final String testOutput, final JsonObject description)
	{
		this.where = where;
		this.formatVersion = formatVersion;
		this.name = name;
		this.weightsFormat = weightsFormat;
		this.weightsSource = weightsSource;
		this.weightsSha256 = weightsSha256;
		this.testInput = testInput;
		this.testOutput = testOutput;
		this.description = description;
	}

	/** Translates an rdf read from the package {@code pkg}; every way it can be unusable is one sentence. */
	static BioimageIoRdf of(final Path pkg, final Map<String, Object> rdf) {
		final String where = "The bioimage.io package " + pkg.getFileName();
		final String type = str(rdf.get("type"));
		if (type != null && !type.equals("model")) {
			throw new AmatException(where + " describes a " + type + ", not a model.");
		}
		final String version = str(rdf.get("format_version"));
		if (version == null || !(version.startsWith("0.4") || version.startsWith("0.5"))) {
			throw new AmatException(where + " has format_version " + version + ": AMAT reads formats 0.4 and 0.5.");
		}
		final boolean v05 = version.startsWith("0.5");
		final Map<String, Object> weights = map(rdf.get("weights"));
		String format = null, key = null;
		for (final String k : new String[] { "torchscript", "pytorch_script", "onnx" }) {
			if (key == null && weights.get(k) != null) {
				key = k;
				format = k.equals("onnx") ? ImportedModels.ONNX : ImportedModels.TORCHSCRIPT;
			}
		}
		if (key == null) {
			throw new AmatException(where + " has no weights AMAT can run (it has " + (weights.isEmpty() ? "none" : weights
				.keySet()) + "): AMAT needs torchscript or onnx weights.");
		}
		final Map<String, Object> w = map(weights.get(key));
		final String source = str(w.get("source"));
		if (source == null) throw new AmatException(where + " gives no source file for its " + key + " weights.");

		final Map<String, Object> input = first(rdf.get("inputs"), where, "inputs");
		final Map<String, Object> output = first(rdf.get("outputs"), where, "outputs");
		final Axes in = Axes.of(input, v05, where + "'s input", true);
		final Axes out = Axes.of(output, v05, where + "'s output", false);

		final Map<String, Object> amat = map(map(rdf.get("config")).get("amat"));
		final JsonObject d = amat.isEmpty() ? new JsonObject() : new Gson().toJsonTree(amat).getAsJsonObject();
		if (!d.has("task")) d.addProperty("task", "segmentation");
		if (!d.has("classes") && "segmentation".equals(d.get("task").getAsString())) {
			if (out.channels < 1) {
				throw new AmatException(where + "'s output gives no fixed number of channels: name the classes in " +
					"config.amat.classes.");
			}
			final JsonArray classes = new JsonArray();
			final List<String> names = out.channelNames;
			for (int c = 0; c < out.channels; c++) classes.add(c < names.size() ? names.get(c) : "class " + c);
			d.add("classes", classes);
		}
		final JsonObject i = d.has("input") && d.get("input").isJsonObject() ? d.getAsJsonObject("input")
			: new JsonObject();
		i.addProperty("channels", in.channels);
		i.addProperty("layout", in.layout);
		if (!i.has("normalization")) i.addProperty("normalization", normalization(input, v05, where));
		if (in.height > 0) {
			i.addProperty("height", in.height);
			i.addProperty("width", in.width);
		}
		if (in.multiple > 1) i.addProperty("size_multiple", in.multiple);
		if (in.minSize > 0) i.addProperty("min_size", in.minSize);
		d.add("input", i);
		final JsonObject o = d.has("output") && d.get("output").isJsonObject() ? d.getAsJsonObject("output")
			: new JsonObject();
		o.addProperty("layout", out.layout);
		d.add("output", o);

		final String testIn = v05 ? str(map(input.get("test_tensor")).get("source")) : firstString(rdf.get(
			"test_inputs"));
		final String testOut = v05 ? str(map(output.get("test_tensor")).get("source")) : firstString(rdf.get(
			"test_outputs"));
		return new BioimageIoRdf(where, version, str(rdf.get("name")), format, source, str(w.get("sha256")), testIn,
			testOut, d);
	}

	/** A file the rdf names, inside the package's folder (URLs and paths outside it are refused). */
	Path file(final Path root, final String source, final String what) {
		if (source.contains("://")) {
			throw new AmatException(where + " names its " + what + " by a URL (" + source + "): AMAT downloads nothing; " +
				"put the file into the package.");
		}
		final Path p = root.resolve(source).normalize();
		if (!p.startsWith(root.normalize())) {
			throw new AmatException(where + " names its " + what + " " + source + " outside the package.");
		}
		return p;
	}

	/** The input's preprocessing as one of AMAT's normalisations. */
	private static String normalization(final Map<String, Object> input, final boolean v05, final String where) {
		String found = null;
		for (final Object step : list(input.get("preprocessing"))) {
			final Map<String, Object> s = map(step);
			final String op = str(s.get(v05 ? "id" : "name"));
			final Map<String, Object> k = map(s.get("kwargs"));
			final String mode = str(k.get("mode"));
			final String n;
			if ("ensure_dtype".equals(op)) continue;
			if ("zero_mean_unit_variance".equals(op) && (mode == null || mode.equals("per_sample"))) n = "zscore";
			else if ("scale_range".equals(op) && (mode == null || mode.equals("per_sample"))) {
				n = String.format(Locale.ROOT, "percentile %s %s", num(k.get("min_percentile"), 0), num(k.get(
					"max_percentile"), 100));
			}
			else if ("scale_linear".equals(op) && k.get("gain") instanceof Number && !(k.get("offset") instanceof List)) {
				final double gain = ((Number) k.get("gain")).doubleValue(), offset = Double.parseDouble(num(k.get("offset"),
					0));
				if (!(gain > 0)) throw new AmatException(where + "'s input has scale_linear with gain " + gain + ": AMAT " +
					"needs a positive gain.");
				n = String.format(Locale.ROOT, "range %s %s", -offset / gain, (1 - offset) / gain);
			}
			else {
				throw new AmatException(where + "'s input preprocessing " + op + (mode == null ? "" : " (mode " + mode + ")") +
					" has no counterpart among AMAT's normalisations (per-image zero_mean_unit_variance, per-image " +
					"scale_range, scalar scale_linear): give config.amat.input.normalization.");
			}
			if (found != null) {
				throw new AmatException(where + "'s input is preprocessed twice (" + found + ", then " + n + "): AMAT " +
					"applies one normalisation; give config.amat.input.normalization.");
			}
			found = n;
		}
		if (found == null) {
			throw new AmatException(where + "'s input has no preprocessing that normalises it: give " +
				"config.amat.input.normalization (zscore, percentile 1 99.8 or range 0 255).");
		}
		return found;
	}

	/** An input's or output's axes: layout, channels and spatial size. */
	private static final class Axes {

		String layout;
		int channels = -1, height, width, multiple = 1, minSize;
		List<String> channelNames = Collections.emptyList();

		static Axes of(final Map<String, Object> tensor, final boolean v05, final String where,
			final boolean fixedChannels)
		{
			final Axes a = new Axes();
			final List<String> ids = new ArrayList<>();
			final List<Object> sizes = new ArrayList<>();
			if (v05) {
				for (final Object ax : list(tensor.get("axes"))) {
					final Map<String, Object> m = map(ax);
					final String t = str(m.get("type"));
					final String id = "batch".equals(t) ? "b" : "channel".equals(t) ? "c" : str(m.get("id"));
					ids.add(id == null ? "?" : id);
					if ("channel".equals(t)) {
						a.channelNames = new ArrayList<>();
						for (final Object n : list(m.get("channel_names"))) a.channelNames.add(String.valueOf(n));
						sizes.add(a.channelNames.isEmpty() ? m.get("size") : a.channelNames.size());
					}
					else sizes.add(m.get("size"));
				}
			}
			else {
				final String axes = String.valueOf(tensor.get("axes"));
				for (final char c : axes.toCharArray()) ids.add(String.valueOf(c));
				final Object shape = tensor.get("shape");
				for (int i = 0; i < ids.size(); i++) sizes.add(shape0_4(shape, i));
			}
			final String joined = String.join(",", ids);
			if (joined.equals("b,c,y,x")) a.layout = "NCHW";
			else if (joined.equals("b,y,x,c")) a.layout = "NHWC";
			else {
				throw new AmatException(where + " has axes " + joined + ": AMAT runs 2D models with axes b,c,y,x or " +
					"b,y,x,c.");
			}
			final Object c = sizes.get(ids.indexOf("c"));
			a.channels = c instanceof Number ? ((Number) c).intValue() : c instanceof Map ? intOf(map(c).get("min")) : -1;
			if (a.channels < 1 && fixedChannels) throw new AmatException(where + " gives no fixed number of channels.");
			final Object y = sizes.get(ids.indexOf("y")), x = sizes.get(ids.indexOf("x"));
			if (y instanceof Number && x instanceof Number) {
				a.height = ((Number) y).intValue();
				a.width = ((Number) x).intValue();
			}
			else if (y instanceof Map && x instanceof Map) {
				final int sy = intOf(map(y).get("step")), sx = intOf(map(x).get("step"));
				final int my = intOf(map(y).get("min")), mx = intOf(map(x).get("min"));
				if (sy == 0 && sx == 0) {
					a.height = my;
					a.width = mx;
				}
				else {
					a.multiple = NetworkConfig.commonSizeMultiple(Math.max(1, sy), Math.max(1, sx));
					a.minSize = Math.max(my, mx);
				}
			}
			return a;
		}

		/** 0.4: an axis' size from a fixed shape list, or a {min, step} map of lists. */
		private static Object shape0_4(final Object shape, final int i) {
			if (shape instanceof List) return ((List<?>) shape).get(i);
			final Map<String, Object> m = map(shape);
			if (m.get("scale") instanceof List && m.get("offset") instanceof List) {
				// an output's shape: reference shape x scale + 2 x offset, fixed where the scale is 0
				final Object scale = ((List<?>) m.get("scale")).get(i), offset = ((List<?>) m.get("offset")).get(i);
				return scale instanceof Number && ((Number) scale).doubleValue() == 0 && offset instanceof Number
					? (int) Math.round(2 * ((Number) offset).doubleValue()) : null;
			}
			if (m.get("min") instanceof List) {
				final java.util.Map<String, Object> s = new java.util.HashMap<>();
				s.put("min", ((List<?>) m.get("min")).get(i));
				s.put("step", m.get("step") instanceof List ? ((List<?>) m.get("step")).get(i) : 0);
				return s;
			}
			return null;
		}
	}

	private static int intOf(final Object o) {
		return o instanceof Number ? ((Number) o).intValue() : 0;
	}

	private static String num(final Object o, final double otherwise) {
		final double v = o instanceof Number ? ((Number) o).doubleValue() : otherwise;
		return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
	}

	private static Map<String, Object> first(final Object o, final String where, final String key) {
		final List<Object> l = list(o);
		if (l.isEmpty()) throw new AmatException(where + " lists no " + key + ".");
		return map(l.get(0));
	}

	private static String firstString(final Object o) {
		final List<Object> l = list(o);
		return l.isEmpty() ? null : str(l.get(0));
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(final Object o) {
		return o instanceof Map ? (Map<String, Object>) o : Collections.emptyMap();
	}

	@SuppressWarnings("unchecked")
	static List<Object> list(final Object o) {
		return o instanceof List ? (List<Object>) o : Collections.emptyList();
	}

	static String str(final Object o) {
		return o == null ? null : String.valueOf(o).trim();
	}
}
