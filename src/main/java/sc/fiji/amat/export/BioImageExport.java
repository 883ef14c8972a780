package sc.fiji.amat.export;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.AmatVersion;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.train.TrainingMethods;

/**
 * Exports a model as a bioimage.io model package (format {@value Rdf#FORMAT_VERSION}): rdf.yaml,
 * weights, test tensors (.npy: the raw test image and the network's output on it after the
 * preprocessing), sample tensors (.tif), a README and a cover, each file with its SHA-256. AMAT's
 * own networks are written as ONNX ({@link UNetOnnx}); the export is refused, and nothing
 * written, unless ONNX Runtime reproduces the network's output on the test image within
 * {@link OnnxCheck#TOLERANCE}. Other weights (a TorchScript model brought and fine-tuned here)
 * go through {@link #export(AmatModel, Path, ExportSettings, List)}.
 */
public final class BioImageExport {

	private BioImageExport() {}

	/**
	 * Exports a model; returns the package file. AMAT's own networks get ONNX weights (checked),
	 * a TorchScript model brought (and perhaps hardened) here its own module.
	 */
	public static Path export(final AmatModel model, final Path out, final ExportSettings settings) {
		if (model.torchScript() != null) return exportTorchScript(model, out, settings);
		if (model.isImported()) {
			throw new AmatException("The model was brought from outside AMAT (" + model.info().importedFormat +
				"): export it with its own weights, not as ONNX written by AMAT.");
		}
		if (model.device().isGpu()) {
			// GPU convolutions may run in TF32: the reference output, and the check, are computed on the CPU
			try (AmatModel cpu = AmatModel.create(model.task(), model.info(), Device.cpu())) {
				cpu.loadWeights(model.weights());
				return exportChecked(cpu, out, settings, onnx(cpu));
			}
		}
		return exportChecked(model, out, settings, onnx(model));
	}

	/** Exports {@code onnx} as the model's weights if ONNX Runtime reproduces the model with it. */
	static Path exportChecked(final AmatModel model, final Path out, final ExportSettings settings, final byte[] onnx) {
		BioImagePackage.checkTarget(out);
		final TestTensors t = TestTensors.of(model, settings);
		OnnxCheck.verify(onnx, t.normalised, t.inputShape(), t.output);
		return export(model, out, settings, t, Collections.singletonList(WeightsEntry.onnx(onnx, OnnxGraph.OPSET)));
	}

	/**
	 * Exports a model with the given weights (e.g. {@link WeightsEntry#file TorchScript}); the
	 * caller vouches that they compute what the model computes: the test output is the model's.
	 */
	public static Path export(final AmatModel model, final Path out, final ExportSettings settings,
		final List<WeightsEntry> weights)
	{
		BioImagePackage.checkTarget(out);
		return export(model, out, settings, TestTensors.of(model, settings), weights);
	}

	/**
	 * Exports a TorchScript model brought to AMAT (e.g. hardened here) with its own module as
	 * {@code torchscript} weights ({@code pytorch_version} of the engine that ran it); returns the
	 * package file.
	 */
	public static Path exportTorchScript(final AmatModel model, final Path out, final ExportSettings settings) {
		if (model.torchScript() == null) {
			throw new AmatException("The model is not a TorchScript model: export it with ONNX weights.");
		}
		final java.util.Map<String, Object> a = new java.util.LinkedHashMap<>();
		a.put("pytorch_version", sc.fiji.amat.engine.Engines.pytorch().getVersion());
		return export(model, out, settings, Collections.singletonList(WeightsEntry.of("torchscript", "weights.pt", model
			.torchScript().torchScriptBytes(), a)));
	}

	/** The package file beside a model file: {@code m.amat.zip} -> {@code m.bioimageio.zip}. */
	public static Path packageBeside(final Path modelFile) {
		final String name = modelFile.getFileName().toString();
		final String lower = name.toLowerCase(Locale.ROOT);
		final String base = lower.endsWith(".amat.zip") ? name.substring(0, name.length() - 9) : lower.endsWith(".zip") ||
			lower.endsWith(".onnx") ? name.substring(0, name.lastIndexOf('.')) : name;
		return modelFile.resolveSibling(base + ".bioimageio.zip");
	}

	/** The ONNX model of an AMAT network. */
	public static byte[] onnx(final AmatModel model) {
		final Task<?> task = model.task();
		final OnnxGraph g = UNetOnnx.graph(model.block(), task.inputChannels(), task.outputChannels());
		g.metadata("amat.task", task.type());
		g.metadata("amat.normalization", model.info().normalization);
		return g.toModel("AMAT for Fiji", String.valueOf(AmatVersion.library()), "AMAT " + task.type() + " U-Net (" + model.info().network +
			"); output: " + task.outputDescription());
	}

	private static Path export(final AmatModel model, final Path out, final ExportSettings s, final TestTensors t,
		final List<WeightsEntry> weights)
	{
		if (weights.isEmpty()) throw new AmatException("Give at least one weights format to export.");
		final ModelInfo info = model.info();
		final Task<?> task = model.task();
		final BioImagePackage pkg = new BioImagePackage();
		final Map<String, Object> weightsRdf = new LinkedHashMap<>();
		for (final WeightsEntry w : weights) {
			final Map<String, Object> d = pkg.file(w.fileName(), w.bytes());
			d.putAll(w.attributes());
			weightsRdf.put(w.format(), d);
		}
		final int h = t.height, w = t.width, c = task.inputChannels(), k = task.outputChannels();
		final Map<String, Object> testIn = pkg.file("test_input.npy", Npy.float32(t.raw, 1, c, h, w));
		final Map<String, Object> testOut = pkg.file("test_output.npy", Npy.float32(t.output, 1, k, h, w));
		final Map<String, Object> sampleIn = pkg.file("sample_input.tif", Tiff.float32(t.raw, c, h, w));
		final Map<String, Object> sampleOut = pkg.file("sample_output.tif", Tiff.float32(t.output, k, h, w));

		final String method = TrainingMethods.label(info.training);
		final String name = Rdf.name(s.name == null || s.name.trim().isEmpty() ? String.format(Locale.ROOT,
			"AMAT %s (%s)", task.type(), info.training.method == null ? "imported" : info.training.method) : s.name);
		final String description = s.description == null || s.description.trim().isEmpty() ? String.format(
			Locale.ROOT, "A %s U-Net trained in AMAT for Fiji (training method: %s); it outputs %s.", task.type(),
			method, task.outputDescription()) : s.description.trim();
		final Normalization n = model.normalization();
		final List<Object> pre = Rdf.preprocessing(n);
		final String readme = ModelCard.readme(name, description, info, task.outputDescription(), describe(pre), s.report);
		final Map<String, Object> doc = pkg.file("README.md", readme.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		final byte[] reportCover = ModelCard.reportCover(s.report);
		final Map<String, Object> cover = pkg.file("cover.png", reportCover != null ? reportCover : ModelCard
			.generatedCover(t.raw, t.output, h, w));

		final int m = model.sizeMultiple();
		final int min = Math.max(m, (16 + m - 1) / m * m);
		final Map<String, Object> rdf = new LinkedHashMap<>();
		rdf.put("format_version", Rdf.FORMAT_VERSION);
		rdf.put("type", "model");
		rdf.put("name", name);
		rdf.put("description", description.length() > 1024 ? description.substring(0, 1024) : description);
		rdf.put("authors", authors(s.authors));
		rdf.put("cite", Rdf.cite());
		rdf.put("license", s.license == null || s.license.trim().isEmpty() ? "CC-BY-4.0" : s.license.trim());
		rdf.put("tags", Arrays.asList("amat", "adversarial-training", "robustness", task.type(), "unet", "2d", "fiji"));
		rdf.put("documentation", doc.get("source"));
		rdf.put("covers", Collections.singletonList(cover.get("source")));
		rdf.put("inputs", Collections.singletonList(Rdf.input(c, min, m, n, testIn, sampleIn)));
		rdf.put("outputs", Collections.singletonList(Rdf.output(Rdf.outputChannels(task), task.outputDescription(),
			testOut, sampleOut)));
		rdf.put("weights", weightsRdf);
		rdf.put("config", Rdf.config(info, method));
		return pkg.write(out, rdf);
	}

	private static List<Object> authors(final List<String> names) {
		final List<Object> out = new ArrayList<>();
		if (names != null) for (final String a : names) if (a != null && !a.trim().isEmpty()) out.add(Rdf.map("name", a.trim()));
		if (out.isEmpty()) out.add(Rdf.map("name", System.getProperty("user.name", "AMAT for Fiji user")));
		return out;
	}

	@SuppressWarnings("unchecked")
	private static String describe(final List<Object> pre) {
		final List<String> ids = new ArrayList<>();
		for (final Object o : pre) ids.add("`" + ((Map<String, Object>) o).get("id") + "` " + ((Map<String, Object>) o)
			.get("kwargs"));
		return String.join(", then ", ids);
	}

	/** The raw test image, its normalised form, and the model's output on it. */
	static final class TestTensors {

		final float[] raw, normalised, output;
		final int channels, height, width;

		private TestTensors(final float[] raw, final float[] normalised, final float[] output, final int channels,
			final int height, final int width)
		{
			this.raw = raw;
			this.normalised = normalised;
			this.output = output;
			this.channels = channels;
			this.height = height;
			this.width = width;
		}

		long[] inputShape() {
			return new long[] { 1, channels, height, width };
		}

		static TestTensors of(final AmatModel model, final ExportSettings s) {
			final int c = model.task().inputChannels();
			final int h, w;
			final float[] raw;
			if (s.image != null) {
				h = s.imageHeight;
				w = s.imageWidth;
				if ((long) c * h * w != s.image.length) {
					throw new AmatException(String.format(Locale.ROOT, "The test image has %.3g channel(s) of %dx%d " +
						"pixels, but the model takes %d channel(s).", s.image.length / (double) (h * w), w, h, c));
				}
				raw = s.image.clone();
			}
			else {
				final ModelInfo info = model.info();
				h = info.inputHeight > 0 ? info.inputHeight : 64;
				w = info.inputWidth > 0 ? info.inputWidth : 64;
				raw = synthetic(model.normalization(), c, h, w);
			}
			model.checkImageSize(w, h, "The test image's sides");
			final float[] norm = model.normalization().apply(raw, 1, c, h * w).values;
			try (NDManager sub = model.manager().newSubManager()) {
				final NDArray x = sub.create(norm, new Shape(1, c, h, w));
				final NDArray y = model.forward(x, false).get(0);
				return new TestTensors(raw, norm, y.toFloatArray(), c, h, w);
			}
		}

		/** A seeded image of blobs and noise, in the normalisation's range (0..255 when it has none). */
		static float[] synthetic(final Normalization n, final int c, final int h, final int w) {
			final double lo = n.method() == Normalization.Method.RANGE ? n.low() : 0;
			final double hi = n.method() == Normalization.Method.RANGE ? n.high() : 255;
			final Random r = new Random(42);
			final float[] v = new float[c * h * w];
			for (int ch = 0; ch < c; ch++) {
				final double cy = h * (0.3 + 0.4 * r.nextDouble()), cx = w * (0.3 + 0.4 * r.nextDouble());
				final double sigma = Math.max(2, Math.min(h, w) / 6.0);
				for (int y = 0; y < h; y++) {
					for (int x = 0; x < w; x++) {
						final double blob = Math.exp(-((y - cy) * (y - cy) + (x - cx) * (x - cx)) / (2 * sigma * sigma));
						final double u = Math.min(1, Math.max(0, 0.15 + 0.7 * blob + 0.1 * r.nextGaussian()));
						v[(ch * h + y) * w + x] = (float) (lo + (hi - lo) * u);
					}
				}
			}
			return v;
		}
	}
}
