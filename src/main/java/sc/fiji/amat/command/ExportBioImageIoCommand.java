package sc.fiji.amat.command;

import ij.IJ;
import ij.ImagePlus;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.ImagePlusImages;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.export.BioImageExport;
import sc.fiji.amat.export.ExportSettings;
import sc.fiji.amat.export.OnnxCheck;
import sc.fiji.amat.model.AmatModel;

/**
 * Plugins > AMAT > Export to BioImage.IO: writes a model file as a bioimage.io model package
 * (rdf.yaml, ONNX weights checked against the network with ONNX Runtime, test tensors, README),
 * for deepImageJ, JDLL, QuPath, ilastik and napari. A thin shell over {@link BioImageExport}.
 */
@Plugin(type = Command.class, menuPath = "Plugins>AMAT>Export to BioImage.IO", headless = true,
	description = "Export a model as a bioimage.io model package (ONNX weights, rdf.yaml 0.5)")
public final class ExportBioImageIoCommand extends CommandSupport {

	public static final String LABEL = "Export to BioImage.IO";

	@Parameter(label = "Model file (.amat.zip)", style = FileWidget.OPEN_STYLE)
	private File model_file;

	@Parameter(label = "Package to write (.zip; empty: beside the model)", required = false,
		style = FileWidget.SAVE_STYLE, persist = false)
	private File package_file;

	@Parameter(label = "Robustness report folder (optional)", required = false, style = FileWidget.DIRECTORY_STYLE,
		persist = false, description = "Its scores go into the README, its worst-case plot becomes the cover")
	private File report_folder;

	@Parameter(label = "Test image (open image; empty: a synthetic one)", required = false, persist = false)
	private ImagePlus test_image;

	@Parameter(label = "Name (empty: from the model)", required = false)
	private String model_name = "";

	@Parameter(label = "Description (empty: from the model)", required = false)
	private String model_description = "";

	@Parameter(label = "Authors (comma-separated)", required = false)
	private String authors = "";

	@Parameter(label = "Licence (SPDX id)")
	private String license = "CC-BY-4.0";

	@Parameter(type = ItemIO.OUTPUT, label = "Package written")
	private String package_path;

	@Override
	protected String title() {
		return LABEL;
	}

	@Override
	protected void execute() {
		final Path model = path(model_file);
		if (model == null) throw new AmatException("Choose a model file to export.");
		final Path out = path(package_file) != null ? path(package_file) : BioImageExport.packageBeside(model);
		requireEngine();
		OnnxCheck.requireRuntime();
		final ExportSettings s = new ExportSettings();
		s.name = model_name;
		s.description = model_description;
		if (authors != null && !authors.trim().isEmpty()) s.authors.addAll(Arrays.asList(authors.trim().split(
			"\\s*,\\s*")));
		s.license = license;
		s.report = path(report_folder);
		if (test_image != null) s.image(ImagePlusImages.wrap(test_image));
		IJ.showStatus(LABEL + ": exporting " + model.getFileName() + " ...");
		try (AmatModel m = AmatModel.load(model, Engines.device("cpu"))) {
			package_path = BioImageExport.export(m, out, s).toString();
		}
		IJ.log(LABEL + ": wrote " + package_path + " (ONNX weights reproduce the network within 1e-4)");
		IJ.showStatus(LABEL + ": done");
	}

	public String packagePath() {
		return package_path;
	}
}
