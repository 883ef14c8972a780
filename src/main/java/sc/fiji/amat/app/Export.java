package sc.fiji.amat.app;

import ij.IJ;
import ij.ImagePlus;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.ImagePlusImages;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.export.BioImageExport;
import sc.fiji.amat.export.ExportSettings;
import sc.fiji.amat.model.AmatModel;

/**
 * {@code export}: writes a model file as a bioimage.io model package (ONNX weights checked
 * against the network with ONNX Runtime): {@code --model m.amat.zip --out m.bioimageio.zip
 * [--report DIR] [--image test.tif] [--name N] [--description D] [--authors "A, B"]
 * [--license CC-BY-4.0]}.
 */
final class Export {

	private Export() {}

	static void run(final Args args) {
		final String model = args.get("model", null);
		final String out = args.get("out", null);
		final ExportSettings s = new ExportSettings();
		final String report = args.get("report", null);
		if (report != null) s.report = Paths.get(report);
		final String image = args.get("image", null);
		s.name = args.get("name", "");
		s.description = args.get("description", "");
		final String authors = args.get("authors", null);
		if (authors != null) s.authors.addAll(Arrays.asList(authors.split("\\s*,\\s*")));
		s.license = args.get("license", s.license);
		args.done();
		if (model == null || out == null) {
			throw new AmatException("export needs --model m.amat.zip --out m.bioimageio.zip (and optionally --report " +
				"REPORT_FOLDER --image test.tif --name --description --authors --license).");
		}
		if (image != null) testImage(s, Paths.get(image));
		Engines.pytorch();
		try (AmatModel m = AmatModel.load(Paths.get(model), Engines.device("cpu"))) {
			write(m, Paths.get(out), s);
		}
	}

	/** Writes the package and says where. */
	static void write(final AmatModel m, final Path out, final ExportSettings s) {
		final Path written = BioImageExport.export(m, out, s);
		System.out.println("bioimage.io package written to " + written + (m.torchScript() != null ? " (the model's own " +
			"TorchScript weights)" : " (ONNX checked against the network)"));
	}

	/** The test and sample tensors from the first image of a file ImageJ opens. */
	static void testImage(final ExportSettings s, final Path image) {
		final ImagePlus imp = IJ.openImage(image.toString());
		if (imp == null) throw new AmatException("Cannot open the test image " + image + ".");
		s.image(ImagePlusImages.wrap(imp));
	}
}
