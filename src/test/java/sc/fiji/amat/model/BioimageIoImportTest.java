package sc.fiji.amat.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.TinyData;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;

/**
 * bioimage.io model packages (format 0.4 and 0.5, folder and zip) that the test writes itself
 * around the tiny fixtures: they import as models every command takes, reproduce their test
 * tensors, and every way a package can be unusable is one sentence.
 */
public class BioimageIoImportTest {

	@TempDir
	Path dir;

	static final int N = TinyData.SIZE;

	/** A float32 .npy file (C order). */
	static void writeNpy(final Path file, final float[] values, final long... shape) throws IOException {
		final String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ")) + (shape
			.length == 1 ? "," : "");
		String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
		final int total = 10 + header.length() + 1;
		final StringBuilder pad = new StringBuilder(header);
		for (int i = 0; i < (64 - total % 64) % 64; i++) pad.append(' ');
		header = pad.append('\n').toString();
		final ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
		b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
		for (final float v : values) b.putFloat(v);
		Files.write(file, b.array());
	}

	/** The values of a float32 .npy file that {@link #writeNpy} wrote. */
	static float[] readNpy(final Path file) throws IOException {
		final ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
		final int headerLength = b.getShort(8) & 0xffff;
		assertTrue(new String(b.array(), 10, headerLength, StandardCharsets.US_ASCII).contains("'<f4'"));
		b.position(10 + headerLength);
		final float[] v = new float[b.remaining() / 4];
		b.asFloatBuffer().get(v);
		return v;
	}

	/** Raw test image: a bright square on a noisy background, not normalised. */
	static float[] rawImage() {
		return TinyData.rawSquares(1, 3, 100, 40, 8, new java.util.ArrayList<Mask>());
	}

	/**
	 * What the fixture outputs for the raw image under bioimage.io's zero_mean_unit_variance
	 * ((x - mean) / (std + 1e-6)), computed here with DJL directly, not through AMAT's import.
	 */
	static float[] expectedOutput(final float[] raw) throws Exception {
		double mean = 0, var = 0;
		for (final float v : raw) mean += v;
		mean /= raw.length;
		for (final float v : raw) var += (v - mean) * (v - mean);
		final double std = Math.sqrt(var / raw.length);
		final float[] x = new float[raw.length];
		for (int i = 0; i < raw.length; i++) x[i] = (float) ((raw[i] - mean) / (std + 1e-6));
		try (Model m = Model.newInstance("reference", Device.cpu(), Engines.PYTORCH)) {
			m.load(ImportedModelsTest.fixture("tiny-seg.pt"));
			final NDManager mm = m.getNDManager();
			return m.getBlock().forward(new ParameterStore(mm, false), new NDList(mm.create(x, new Shape(1, 1, N, N))),
				false).singletonOrThrow().toFloatArray();
		}
	}

	/** A format 0.5 package folder around tiny-seg.pt with test tensors; {@code sha} replaces the weights' sha256. */
	Path package05(final String name, final String sha) throws Exception {
		return package05(dir, name, sha);
	}

	/** As above, in a given folder. */
	public static Path package05(final Path dir, final String name, final String sha) throws Exception {
		final Path p = Files.createDirectories(dir.resolve(name));
		Files.copy(ImportedModelsTest.fixture("tiny-seg.pt"), p.resolve("weights.pt"));
		final float[] raw = rawImage();
		writeNpy(p.resolve("test_input.npy"), raw, 1, 1, N, N);
		writeNpy(p.resolve("test_output.npy"), expectedOutput(raw), 1, 2, N, N);
		final String rdf = String.join("\n", "format_version: 0.5.3", "type: model", "name: tiny square finder",
			"inputs:", "  - id: raw", "    axes:", "      - type: batch", "      - type: channel",
			"        channel_names: [raw]", "      - {type: space, id: y, size: {min: 8, step: 8}}",
			"      - {type: space, id: x, size: {min: 8, step: 8}}", "    test_tensor: {source: test_input.npy}",
			"    preprocessing:", "      - id: ensure_dtype", "        kwargs: {dtype: float32}",
			"      - id: zero_mean_unit_variance", "        kwargs: {axes: [channel, y, x]}", "outputs:",
			"  - id: logits", "    axes:", "      - type: batch", "      - type: channel",
			"        channel_names: [background, square]", "      - {type: space, id: y, size: {tensor_id: raw, axis_id: y}}",
			"      - {type: space, id: x, size: {tensor_id: raw, axis_id: x}}", "    test_tensor: {source: test_output.npy}",
			"weights:", "  torchscript:", "    source: weights.pt", "    sha256: " + (sha != null ? sha : BioimageIoPackage
				.sha256(p.resolve("weights.pt"))), "    pytorch_version: '2.5'", "");
		Files.write(p.resolve("rdf.yaml"), rdf.getBytes(StandardCharsets.UTF_8));
		return p;
	}

	public static void zip(final Path folder, final Path zip) throws IOException {
		try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out);
			Stream<Path> files = Files.list(folder))
		{
			for (final Path f : files.collect(Collectors.toList())) {
				z.putNextEntry(new ZipEntry(f.getFileName().toString()));
				z.write(Files.readAllBytes(f));
				z.closeEntry();
			}
		}
	}

	static List<Path> extracted() throws IOException {
		try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
			return s.filter(p -> p.getFileName().toString().startsWith("amat-bioimageio-")).sorted().collect(Collectors
				.toList());
		}
	}

	@Test
	void aFormat05FolderImportsAndReproducesItsTestTensor() throws Exception {
		final Path p = package05("tiny-05", null);
		assertTrue(AmatModel.readInfo(p).normalization.equals("zscore"));
		for (final Path given : new Path[] { p, p.resolve("rdf.yaml") }) {
			try (AmatModel m = AmatModel.load(given, "segmentation", Device.cpu());
				NDManager sub = m.manager().newSubManager())
			{
				assertTrue(m.isImported());
				assertTrue(m.hasInputGradients(), "TorchScript weights are attacked white-box");
				assertEquals(Arrays.asList("background", "square"), m.task().spec().getAsJsonArray("classes").asList()
					.stream().map(e -> e.getAsString()).collect(Collectors.toList()));
				assertEquals(8, m.sizeMultiple());
				final float[] raw = readNpy(p.resolve("test_input.npy"));
				final float[] x = m.normalization().apply(raw, 1, 1, N * N).values;
				final float[] out = m.forward(sub.create(x, new Shape(1, 1, N, N)), false).singletonOrThrow().toFloatArray();
				final float[] expected = readNpy(p.resolve("test_output.npy"));
				assertEquals(expected.length, out.length);
				for (int i = 0; i < out.length; i++) assertEquals(expected[i], out[i], 1e-4, "value " + i);
				assertThrows(AmatException.class, () -> m.checkImageSize(12, 16, "The images"));
			}
		}
	}

	@Test
	void configAmatDescribesALandmarkModel() throws Exception {
		final Path p = package05("landmarks", null);
		final String text = new String(Files.readAllBytes(p.resolve("rdf.yaml")), StandardCharsets.UTF_8);
		Files.write(p.resolve("rdf.yaml"), (text + "config:\n  amat:\n    task: landmarks\n    landmarks: [sella, " +
			"nasion]\n").getBytes(StandardCharsets.UTF_8));
		assertEquals("landmarks", AmatModel.readInfo(p).task);
		try (AmatModel m = AmatModel.load(p, "landmarks", Device.cpu())) {
			assertEquals("nasion", m.task().spec().getAsJsonArray("landmarks").get(1).getAsString());
			assertTrue(m.hasInputGradients());
		}
		final AmatException e = assertThrows(AmatException.class, () -> AmatModel.load(p, "segmentation", Device.cpu())
			.close());
		assertTrue(e.getMessage().contains("is for landmarks"), e.getMessage());
	}

	@Test
	void aFormat04ZipWithOnnxWeightsImportsAndLeavesNothingBehind() throws Exception {
		final Path p = Files.createDirectories(dir.resolve("onnx-04"));
		Files.copy(ImportedModelsTest.fixture("tiny-seg-nhwc.onnx"), p.resolve("model.onnx"));
		final String rdf = String.join("\n", "format_version: 0.4.10", "type: model", "name: keras-like",
			"inputs:", "  - name: image", "    axes: byxc", "    data_type: float32",
			"    shape: {min: [1, 4, 4, 1], step: [0, 4, 4, 0]}", "    preprocessing:",
			"      - name: scale_linear", "        kwargs: {gain: 0.00392156862745098, offset: 0.0, axes: yx}",
			"outputs:", "  - name: probabilities", "    axes: byxc", "    data_type: float32",
			"    shape: {reference_tensor: image, scale: [1, 1, 1, 0], offset: [0, 0, 0, 1]}",
			"test_inputs: [in.npy]", "test_outputs: [out.npy]",
			"weights:", "  onnx:", "    source: ./model.onnx", "    opset_version: 13",
			"config:", "  amat:", "    classes: [background, square]", "    output: {values: probabilities}", "");
		Files.write(p.resolve("rdf.yaml"), rdf.getBytes(StandardCharsets.UTF_8));
		final Path zip = dir.resolve("keras-like.zip");
		zip(p, zip);
		final List<Path> before = extracted();
		assertTrue(BioimageIoPackage.isPackage(zip));
		assertEquals("range 0 255", AmatModel.readInfo(zip).normalization);
		try (AmatModel m = AmatModel.load(zip, Device.cpu())) {
			assertFalse(m.hasInputGradients(), "ONNX weights are attacked by noise and transfer only");
			assertEquals("ONNX", m.info().importedFormat);
			assertEquals(4, m.sizeMultiple());
		}
		assertEquals(before, extracted(), "the zip's extracted copy is deleted");
	}

	@Test
	void unusablePackagesGiveOneSentence() throws Exception {
		final List<Path> before = extracted();
		// a zip that is not a model
		final Path notModel = dir.resolve("photos.zip");
		try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(notModel))) {
			z.putNextEntry(new ZipEntry("cat.txt"));
			z.write(1);
			z.closeEntry();
		}
		assertOneSentence(notModel, "photos.zip", "not an AMAT model file nor a bioimage.io model package");
		// no weights AMAT can run
		final Path keras = package05("keras-only", null);
		final String text = new String(Files.readAllBytes(keras.resolve("rdf.yaml")), StandardCharsets.UTF_8);
		Files.write(keras.resolve("rdf.yaml"), text.replace("  torchscript:", "  keras_hdf5:").getBytes(
			StandardCharsets.UTF_8));
		assertOneSentence(keras, "keras_hdf5", "torchscript or onnx");
		// a missing weights file, zipped
		final Path missing = package05("missing", null);
		Files.delete(missing.resolve("weights.pt"));
		final Path missingZip = dir.resolve("missing.zip");
		zip(missing, missingZip);
		assertOneSentence(missingZip, "weights.pt", "not in the package");
		// a sha256 mismatch
		assertOneSentence(package05("tampered", "00ff"), "sha256", "00ff");
		assertEquals(before, extracted(), "nothing extracted is left behind after an error");
	}

	static void assertOneSentence(final Path p, final String... words) {
		final AmatException e = assertThrows(AmatException.class, () -> AmatModel.load(p, Device.cpu()).close());
		final String m = e.getMessage();
		for (final String w : words) assertTrue(m.contains(w), "'" + w + "' missing from: " + m);
		assertFalse(m.contains("\n"), m);
		assertTrue(m.endsWith("."), m);
	}

	@Test
	void aPackageCanBeLoadedForFineTuning() throws Exception {
		final Path p = package05("tune", null);
		final ModelInfo info = new ModelInfo();
		final SegmentationTask task = new SegmentationTask(Arrays.asList("background", "square"), 1, null);
		try (AmatModel m = AmatModel.forFineTuning(p, task, info, Device.cpu()); AmatModel plain = AmatModel.load(p,
			Device.cpu()))
		{
			assertNotNull(m.torchScript());
			assertTrue(m.torchScript().trainable());
			assertFalse(m.block().getParameters().isEmpty(), "the module's parameters are exposed for training");
			for (final Parameter w : m.block().getParameters().values()) assertTrue(w.requiresGradient(), w.getName());
			assertTrue(plain.block().getParameters().isEmpty(), "a model only attacked exposes none");
			assertFalse(plain.torchScript().trainable());
		}
		// other names, same number of classes: the model keeps its own names
		final ModelInfo renamed = new ModelInfo();
		try (AmatModel m = AmatModel.forFineTuning(p, new SegmentationTask(Arrays.asList("background", "class 1"), 1,
			null), renamed, Device.cpu()))
		{
			assertEquals("square", renamed.taskSpec.getAsJsonArray("classes").get(1).getAsString());
		}
		final SegmentationTask three = new SegmentationTask(Arrays.asList("background", "cell", "edge"), 1, null);
		final AmatException e = assertThrows(AmatException.class, () -> AmatModel.forFineTuning(p, three,
			new ModelInfo(), Device.cpu()).close());
		assertTrue(e.getMessage().contains("to fine-tune") && !e.getMessage().contains("\n"), e.getMessage());
	}
}
