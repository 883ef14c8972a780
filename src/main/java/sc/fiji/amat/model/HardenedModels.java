package sc.fiji.amat.model;

import ai.djl.Device;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

import sc.fiji.amat.AmatException;

/**
 * Where a TorchScript model a user brought goes once AMAT has fine-tuned (hardened) it: either a
 * TorchScript file ({@code .pt}) with its description beside it ({@code NAME.json}, which also
 * keeps the training record under "amat_training"), which PyTorch, DJL and bioimage.io exporters
 * take; or AMAT's own model file ({@code .amat.zip}) whose weights entry holds the TorchScript
 * module ({@link ModelInfo#weightsFormat} "TorchScript") and whose info holds the description,
 * so the report reads its training method and AMAT margins as for any model AMAT trained.
 */
final class HardenedModels {

	/** The key of the training record in a hardened model's {@code .json} description. */
	static final String TRAINING = "amat_training";

	private HardenedModels() {}

	static void save(final ModelInfo info, final TorchScriptNetwork net, final Path path, final Map<String, byte[]> extra) {
		final JsonObject description = net.description.toJson();
		if (ImportedModels.TORCHSCRIPT.equals(ImportedModels.format(path))) {
			final Path json = jsonFor(path);
			description.add(TRAINING, ModelFile.GSON.toJsonTree(info.training));
			final byte[] text = ModelFile.toJson(description).getBytes(StandardCharsets.UTF_8);
			net.save(path);
			TorchScriptNetwork.writeAtomically(json, out -> out.write(text), "model description");
			return;
		}
		info.weightsFormat = ImportedModels.TORCHSCRIPT;
		info.description = description;
		final Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put(ModelFile.WEIGHTS, net.torchScriptBytes());
		entries.putAll(extra);
		new ModelFile(info, entries).write(path);
	}

	/** {@code NAME.json} beside {@code NAME.pt}. */
	static Path jsonFor(final Path model) {
		final String name = model.getFileName().toString();
		final int dot = name.lastIndexOf('.');
		return model.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
	}

	/** Loads a model file with TorchScript weights (not trainable; its info as the file has it). */
	static AmatModel load(final ModelFile file, final String where, final String expectedTask, final Device device) {
		final ModelInfo info = file.info();
		if (info.description == null) {
			throw new AmatException("The model file " + where + " holds TorchScript weights but no description of them: " +
				"the file is damaged.");
		}
		final Path source = Paths.get(where);
		final ModelDescription d = ModelDescription.of(source, info.description);
		Path tmp = null;
		try {
			tmp = Files.createTempFile("amat-hardened-", ".pt");
			Files.write(tmp, file.entry(ModelFile.WEIGHTS)); // not an output: a scratch copy for PyTorch to load
			return ImportedModels.load(source, tmp, ImportedModels.TORCHSCRIPT, d, expectedTask, device, info, false);
		}
		catch (final IOException e) {
			throw new AmatException("Cannot unpack the TorchScript weights of " + where + " into a temporary file: " + e
				.getMessage() + ".", e);
		}
		finally {
			if (tmp != null) {
				try {
					Files.deleteIfExists(tmp);
				}
				catch (final IOException ignored) {
					// best effort: a temporary file
				}
			}
		}
	}
}
