package sc.fiji.amat.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.model.AmatModel;

/**
 * A model brought as TorchScript is packaged with its own weights through {@link WeightsEntry}
 * (the path a hardened TorchScript model takes); AMAT does not write ONNX for it. And the YAML
 * writer's output reads back as what it wrote.
 */
class WeightsEntryTest {

	@TempDir
	Path dir;

	@Test
	void aTorchScriptModelIsPackagedWithItsOwnWeights() throws Exception {
		final Path pt = Paths.get(WeightsEntryTest.class.getResource("/imported-models/tiny-seg.pt").toURI());
		try (AmatModel m = AmatModel.load(pt, Device.cpu())) {
			// the plain export keeps a TorchScript model's own weights (AMAT writes ONNX only for its own networks)
			final Map<String, byte[]> auto = BioImageExportTest.unzip(BioImageExport.export(m, dir.resolve("auto.zip"),
				new ExportSettings()));
			assertTrue(auto.containsKey("weights.pt") && !auto.containsKey("model.onnx"), auto.keySet().toString());

			final WeightsEntry w = WeightsEntry.file("torchscript", pt, "pytorch_version", "2.5.1");
			final Path out = BioImageExport.export(m, dir.resolve("ts.zip"), new ExportSettings(), Collections
				.singletonList(w));
			final Map<String, byte[]> files = BioImageExportTest.unzip(out);
			final JsonNode rdf = new ObjectMapper(new YAMLFactory()).readTree(files.get(BioImagePackage.RDF));
			try (InputStream in = getClass().getResourceAsStream("/bioimageio/bioimageio_schema_model_0.5.json")) {
				assertEquals(Collections.emptyList(), SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
					.getSchema(in).validate(rdf));
			}
			final JsonNode ts = rdf.get("weights").get("torchscript");
			assertEquals("2.5.1", ts.get("pytorch_version").asText());
			assertArrayEquals(Files.readAllBytes(pt), files.get(ts.get("source").asText()));
			assertEquals(BioImagePackage.sha256(Files.readAllBytes(pt)), ts.get("sha256").asText());
			assertFalse(rdf.get("weights").has("onnx"));
		}
	}

	@Test
	void yamlReadsBackAsWritten() throws Exception {
		final Map<String, Object> root = new LinkedHashMap<>();
		root.put("plain", "yes");
		root.put("tricky", "a: \"b\" # c\nd\t\u00e9\u0001");
		root.put("numbers", Arrays.asList(1, 2.5, 1e-6, 1e10, -0.25));
		final Map<String, Object> inner = new LinkedHashMap<>();
		inner.put("empty", Collections.emptyList());
		inner.put("list", Arrays.asList(Rdf.map("a", 1, "b", Arrays.asList("x", "y")), Rdf.map("c", true)));
		root.put("inner", inner);
		final JsonNode back = new ObjectMapper(new YAMLFactory()).readTree(YamlWriter.write(root));
		final JsonNode expected = new ObjectMapper().valueToTree(root);
		assertEquals(expected, back);
		final List<Double> n = Arrays.asList(back.get("numbers").get(2).asDouble(), back.get("numbers").get(3).asDouble());
		assertEquals(Arrays.asList(1e-6, 1e10), n);
		assertTrue(YamlWriter.write(root).contains("1.0E+10"), "exponents carry their sign for YAML 1.1 readers");
	}
}
