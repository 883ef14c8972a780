package sc.fiji.amat.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.NetworkConfig;

/** Exported packages: valid rdf.yaml, matching digests, test tensors ONNX Runtime reproduces; nothing written on error. */
class BioImageExportTest {

	@TempDir
	Path dir;

	private static Schema schema() throws IOException {
		try (InputStream in = BioImageExportTest.class.getResourceAsStream("/bioimageio/bioimageio_schema_model_0.5.json")) {
			return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
		}
	}

	static Map<String, byte[]> unzip(final Path zip) throws IOException {
		final Map<String, byte[]> out = new HashMap<>();
		try (ZipInputStream z = new ZipInputStream(Files.newInputStream(zip))) {
			for (ZipEntry e; (e = z.getNextEntry()) != null;) {
				final ByteArrayOutputStream b = new ByteArrayOutputStream();
				final byte[] buf = new byte[8192];
				for (int r; (r = z.read(buf)) > 0;) b.write(buf, 0, r);
				out.put(e.getName(), b.toByteArray());
			}
		}
		return out;
	}

	/** Every (source, sha256) pair in the description. */
	private static void sources(final JsonNode n, final List<JsonNode> out) {
		if (n.isObject()) {
			if (n.has("source") && n.has("sha256")) out.add(n);
			for (final Iterator<JsonNode> it = n.elements(); it.hasNext();) sources(it.next(), out);
		}
		else if (n.isArray()) for (final JsonNode x : n) sources(x, out);
	}

	private static float[] npy(final byte[] b) {
		final int headerLen = ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
		assertEquals(0, (10 + headerLen) % 64, "npy header aligned");
		final float[] v = new float[(b.length - 10 - headerLen) / 4];
		ByteBuffer.wrap(b, 10 + headerLen, 4 * v.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
		return v;
	}

	@Test
	void everyTasksPackageValidatesAndReproducesItsTestTensors() throws IOException {
		final Schema schema = schema();
		final String[][] cases = { { "segmentation", "zscore", "batch" }, { "landmarks", "percentile 1 99.8",
			"instance" }, { "detection", "range 0 255", "batch" } };
		for (final String[] c : cases) {
			try (AmatModel m = ExportFixtures.model(c[0], 1, new NetworkConfig(2, 3, NetworkConfig.Norm.parse(c[2])), c[1],
				7))
			{
				final Path out = dir.resolve(c[0] + ".zip");
				final ExportSettings s = new ExportSettings();
				s.authors.add("A. Tester");
				final float[] raw = ExportFixtures.raw(1, 9);
				s.image(raw, ExportFixtures.SIZE, ExportFixtures.SIZE);
				assertEquals(out.toAbsolutePath(), BioImageExport.export(m, out, s));
				final Map<String, byte[]> files = unzip(out);
				final JsonNode rdf = new ObjectMapper(new YAMLFactory()).readTree(files.get(BioImagePackage.RDF));
				final List<Error> errors = schema.validate(rdf);
				assertTrue(errors.isEmpty(), c[0] + ": " + errors);
				assertEquals("0.5.7", rdf.get("format_version").asText());
				assertEquals(OnnxGraph.OPSET, rdf.get("weights").get("onnx").get("opset_version").asInt());
				assertEquals(m.task().outputChannels(), rdf.get("outputs").get(0).get("axes").get(1).get("channel_names")
					.size());
				final List<JsonNode> refs = new ArrayList<>();
				sources(rdf, refs);
				assertEquals(5, refs.size(), "the weights and 4 tensors: " + refs);
				for (final JsonNode r : refs) {
					final byte[] f = files.get(r.get("source").asText());
					assertTrue(f != null, "in the zip: " + r);
					assertEquals(BioImagePackage.sha256(f), r.get("sha256").asText(), r.get("source").asText());
				}
				assertTrue(files.containsKey(rdf.get("covers").get(0).asText()));
				assertTrue(files.containsKey(rdf.get("documentation").asText()));
				final String readme = new String(files.get("README.md"), java.nio.charset.StandardCharsets.UTF_8);
				assertTrue(readme.contains("## Validation"));
				// the test input is the raw image; preprocessed as AMAT does, ONNX Runtime gives the test output
				final float[] in = npy(files.get("test_input.npy"));
				assertArrayEquals(raw, in);
				final float[] norm = m.normalization().apply(in, 1, 1, ExportFixtures.SIZE * ExportFixtures.SIZE).values;
				final float[] expected = npy(files.get("test_output.npy"));
				assertEquals(m.task().outputChannels() * ExportFixtures.SIZE * ExportFixtures.SIZE, expected.length);
				final float[] onnx = OnnxCheck.run(files.get("model.onnx"), norm, 1, 1, ExportFixtures.SIZE,
					ExportFixtures.SIZE);
				assertTrue(OnnxCheck.maxAbsDifference(onnx, expected) <= OnnxCheck.TOLERANCE);
			}
		}
	}

	@Test
	void theSchemaCatchesABrokenDescription() throws IOException {
		try (AmatModel m = ExportFixtures.model("segmentation", 1, new NetworkConfig(1, 2, NetworkConfig.Norm.BATCH),
			"zscore", 2))
		{
			final Path out = BioImageExport.export(m, dir.resolve("m.zip"), new ExportSettings());
			final com.fasterxml.jackson.databind.node.ObjectNode rdf = (com.fasterxml.jackson.databind.node.ObjectNode)
				new ObjectMapper(new YAMLFactory()).readTree(unzip(out).get(BioImagePackage.RDF));
			assertTrue(schema().validate(rdf).isEmpty());
			rdf.with("weights").with("onnx").remove("opset_version");
			assertFalse(schema().validate(rdf).isEmpty(), "a description without opset_version is invalid");
		}
	}

	@Test
	void anUnwritableTargetWritesNothing() throws IOException {
		try (AmatModel m = ExportFixtures.model("landmarks", 1, new NetworkConfig(1, 2, NetworkConfig.Norm.BATCH),
			"zscore", 2))
		{
			final Path file = Files.write(dir.resolve("a-file"), new byte[] { 1 });
			final Path[] bad = { dir.resolve("missing").resolve("m.zip"), file.resolve("m.zip"), dir.resolve("m.txt") };
			for (final Path p : bad) {
				final AmatException e = assertThrows(AmatException.class, () -> BioImageExport.export(m, p,
					new ExportSettings()));
				assertTrue(e.getMessage().contains(p.getFileName().toString()), e.getMessage());
			}
			try (Stream<Path> s = Files.list(dir)) {
				assertEquals(1, s.count(), "only the fixture file");
			}
		}
	}

	@Test
	void aModelThatFailsTheCheckWritesNothing() throws IOException {
		try (AmatModel m = ExportFixtures.model("detection", 1, new NetworkConfig(1, 2, NetworkConfig.Norm.INSTANCE),
			"zscore", 2))
		{
			final Path out = dir.resolve("m.zip");
			final byte[] bad = UNetOnnxTest.tampered(BioImageExport.onnx(m));
			final AmatException e = assertThrows(AmatException.class, () -> BioImageExport.exportChecked(m, out,
				new ExportSettings(), bad));
			assertTrue(e.getMessage().contains("nothing was written"), e.getMessage());
			try (Stream<Path> s = Files.list(dir)) {
				assertEquals(0, s.count());
			}
			// the untampered model passes the same check
			BioImageExport.exportChecked(m, out, new ExportSettings(), BioImageExport.onnx(m));
			assertTrue(Files.isRegularFile(out));
		}
	}
	@Test
	void aReportGivesTheCoverAndTheScoresAndABadReportFolderWritesNothing() throws IOException {
		try (AmatModel m = ExportFixtures.model("segmentation", 1, new NetworkConfig(1, 2, NetworkConfig.Norm.BATCH),
			"zscore", 2))
		{
			final Path report = Files.createDirectories(dir.resolve("report"));
			final ExportSettings s = new ExportSettings();
			s.report = report;
			final Path out = dir.resolve("m.zip");
			final AmatException e = assertThrows(AmatException.class, () -> BioImageExport.export(m, out, s));
			assertTrue(e.getMessage().contains("scores.csv"), e.getMessage());
			assertFalse(Files.exists(out));

			Files.write(report.resolve("scores.csv"), ("model,method,attack,metric,clean,normalised area,eps max," +
				"eps unit,score,crafted on\n\"amat, seed 1\",amat,worst case,Dice,0.91,0.7,0.3,rms,0.77,\n")
				.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			final byte[] plot = { (byte) 0x89, 'P', 'N', 'G', 1, 2, 3 };
			Files.write(report.resolve("plot-dice-worst-case.png"), plot);
			Files.write(report.resolve("plot-dice-pgd.png"), new byte[] { 9 });
			final Map<String, byte[]> files = unzip(BioImageExport.export(m, out, s));
			assertArrayEquals(plot, files.get("cover.png"), "the worst-case plot is the cover");
			final String readme = new String(files.get("README.md"), java.nio.charset.StandardCharsets.UTF_8);
			assertTrue(readme.contains("| amat, seed 1 | worst case | Dice | 0.91 | 0.77 |"), readme);
		}
	}
	@Test
	void theReadmeSummarisesAmatsMargins() throws IOException {
		try (AmatModel m = ExportFixtures.model("segmentation", 1, new NetworkConfig(1, 2, NetworkConfig.Norm.BATCH),
			"zscore", 2))
		{
			m.info().training.method = "amat";
			final com.google.gson.JsonObject epoch = new com.google.gson.JsonObject();
			epoch.addProperty("epoch", 3);
			epoch.addProperty("min_rms", 0.01);
			epoch.addProperty("median_rms", 0.05);
			epoch.addProperty("max_rms", 0.1);
			epoch.addProperty("fraction_expanded", 0.4);
			final com.google.gson.JsonArray history = new com.google.gson.JsonArray();
			history.add(epoch);
			m.info().training.methodState.add("history", history);
			final Map<String, byte[]> files = unzip(BioImageExport.export(m, dir.resolve("amat.zip"), new ExportSettings()));
			final String readme = new String(files.get("README.md"), java.nio.charset.StandardCharsets.UTF_8);
			assertTrue(readme.contains("- AMAT margins: after epoch 3: rms min 0.0100, median 0.0500, max 0.1000; 40% of " +
				"the samples grew in that epoch"), readme);
		}
	}
}
