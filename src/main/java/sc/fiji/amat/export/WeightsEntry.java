package sc.fiji.amat.export;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import sc.fiji.amat.AmatException;

/**
 * One weights format of a bioimage.io package: the format's key in {@code rdf.yaml}
 * ({@code onnx}, {@code torchscript}, ...), the file it is stored as in the package, its bytes,
 * and the format's own fields ({@code opset_version}, {@code pytorch_version}). The package
 * writer adds {@code source} and {@code sha256}. AMAT's own networks are written as
 * {@link #onnx ONNX}; a model brought as TorchScript (and fine-tuned here) can be written as
 * {@link #file TorchScript} beside or instead of it.
 */
public interface WeightsEntry {

	/** bioimage.io's key of the format: onnx, torchscript, pytorch_state_dict, ... */
	String format();

	/** The file name inside the package. */
	String fileName();

	byte[] bytes();

	/** The format's own fields, in order (e.g. opset_version). */
	Map<String, Object> attributes();

	/** ONNX weights of the given opset. */
	static WeightsEntry onnx(final byte[] model, final int opset) {
		final Map<String, Object> a = new LinkedHashMap<>();
		a.put("opset_version", opset);
		return of("onnx", "model.onnx", model, a);
	}

	/**
	 * A weights file read from disk, e.g. {@code file("torchscript", path, "pytorch_version",
	 * "2.5.1")}; an {@code AmatException} naming the file when it cannot be read.
	 */
	static WeightsEntry file(final String format, final Path file, final String attribute, final Object value) {
		final byte[] bytes;
		try {
			bytes = Files.readAllBytes(file);
		}
		catch (final java.io.IOException e) {
			throw new AmatException("Cannot read the weights file " + file + ": " + e.getMessage() + ".", e);
		}
		final Map<String, Object> a = new LinkedHashMap<>();
		if (attribute != null) a.put(attribute, value);
		return of(format, format + "-" + file.getFileName(), bytes, a);
	}

	static WeightsEntry of(final String format, final String fileName, final byte[] bytes,
		final Map<String, Object> attributes)
	{
		final Map<String, Object> a = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
		return new WeightsEntry() {

			@Override
			public String format() {
				return format;
			}

			@Override
			public String fileName() {
				return fileName;
			}

			@Override
			public byte[] bytes() {
				return bytes;
			}

			@Override
			public Map<String, Object> attributes() {
				return a;
			}
		};
	}
}
