package sc.fiji.amat.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ModelInfo;

/** The models of a report: their display names and what their files say, checked to be of one task. */
public final class ReportModels {

	private ReportModels() {}

	/** Display names for model files: the file name without .amat.zip (made unique). */
	public static List<String> names(final List<Path> models) {
		final List<String> out = new ArrayList<>();
		for (final Path p : models) {
			// a bioimage.io package named by its rdf is named by its folder
			final String file = p.getFileName().toString();
			String n = file.endsWith(".yaml") && p.toAbsolutePath().getParent() != null ? p.toAbsolutePath().getParent()
				.getFileName().toString() : file;
			for (final String ext : new String[] { ".amat.zip", ".zip" }) {
				if (n.toLowerCase(Locale.ROOT).endsWith(ext)) {
					n = n.substring(0, n.length() - ext.length());
					break;
				}
			}
			String unique = n;
			for (int k = 2; out.contains(unique); k++) unique = n + " (" + k + ")";
			out.add(unique);
		}
		return out;
	}

	/** Reads the models' files and checks they are for one task, the test set's. */
	static List<ModelInfo> infos(final List<Path> models, final List<String> names, final String testTask) {
		if (models == null || models.isEmpty()) throw new AmatException("Give at least one model file.");
		final List<ModelInfo> infos = new ArrayList<>();
		for (final Path p : models) {
			// a bioimage.io package may be a folder
			if (!Files.exists(p)) throw new AmatException("The model file " + p + " does not exist.");
			infos.add(AmatModel.readInfo(p));
		}
		final StringBuilder tasks = new StringBuilder();
		boolean mixed = false;
		for (int m = 0; m < infos.size(); m++) {
			if (m > 0) tasks.append(", ");
			tasks.append(names.get(m)).append(": ").append(infos.get(m).task);
			mixed |= !infos.get(m).task.equals(infos.get(0).task);
		}
		if (mixed) {
			throw new AmatException("The models are for different tasks (" + tasks +
				"): a report compares models of one task on one test set; make one report per task.");
		}
		if (testTask != null && !testTask.equals(infos.get(0).task)) {
			throw new AmatException("The models are for " + infos.get(0).task + " but the test set is for " + testTask +
				": give a " + infos.get(0).task + " test set.");
		}
		return infos;
	}
}
