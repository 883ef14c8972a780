package sc.fiji.amat.export;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.report.ReportWriter;
import sc.fiji.amat.train.TrainingMethods;

/**
 * The package's documentation and cover: a README (what the model does, its inputs and outputs,
 * how it was trained, AMAT's margins, the robustness scores of a report, how to validate it)
 * and a cover image (the report's worst-case plot, or the test image beside the first output map).
 */
final class ModelCard {

	private ModelCard() {}

	static String readme(final String name, final String description, final ModelInfo info, final String outputs,
		final String preprocessing, final Path report)
	{
		final StringBuilder b = new StringBuilder();
		b.append("# ").append(name).append("\n\n").append(description).append("\n\n");
		b.append("Exported by AMAT for Fiji (").append(Rdf.TOOL).append(").\n\n");
		b.append("## Inputs and outputs\n\n");
		b.append("- Input: ").append(info.inputChannels).append(" channel(s), any height and width that are multiples ")
			.append("of ").append(info.network == null ? 1 : info.network.sizeMultiple()).append(" (trained on ").append(
				info.inputWidth).append("x").append(info.inputHeight).append(" images).\n");
		b.append("- Preprocessing: ").append(preprocessing).append(" (AMAT's `").append(info.normalization).append(
			"`, per image and channel).\n");
		b.append("- Output: ").append(outputs).append(". These are the network's raw maps; AMAT decodes them ")
			.append("(docs/tasks.md in AMAT for Fiji).\n\n");
		b.append("## Training\n\n");
		final ModelInfo.Training t = info.training;
		b.append("- Method: ").append(TrainingMethods.label(t)).append("\n");
		b.append("- Network: U-Net, ").append(info.network).append("\n");
		b.append(String.format(Locale.ROOT, "- %d of %d epochs, batch size %d, %s, learning rate %g, seed %d%n",
			t.epochsCompleted, t.epochs, t.batchSize, t.optimizer == null ? "optimizer not recorded" : t.optimizer,
			t.learningRate, t.seed));
		b.append("- Data: ").append(t.trainingSize).append(" training and ").append(t.validationSize).append(
			" validation images\n");
		if (t.validationMetric != null) {
			b.append(String.format(Locale.ROOT, "- Best epoch %d, validation %s %.4f%n", t.bestEpoch,
				t.validationMetric, t.validationValue));
		}
		for (final Map.Entry<String, String> e : TrainingMethods.summary(t).entrySet()) {
			b.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append("\n");
		}
		b.append("\nAMAT (adaptive-margin adversarial training) gives each training image its own noise margin, ")
			.append("grown while the image stays on the right side of a loss-defined boundary (").append(Rdf.PAPER)
			.append(").\n\n");
		b.append("## Validation\n\n");
		final List<String[]> scores = scores(report);
		if (scores.isEmpty()) {
			b.append("No robustness report was given at export. Run AMAT's Robustness Report on unseen images to ")
				.append("measure the model's metric clean and under attacks; the package's test tensors reproduce ")
				.append("its output on one image (checked at export with ONNX Runtime, max abs difference 1e-4).\n");
		}
		else {
			b.append("Robustness report (").append(report.getFileName()).append("): the metric on its test set ")
				.append("clean and under attacks of growing size, summarised as a robustness score.\n\n");
			b.append("| model | attack | metric | clean | score |\n|---|---|---|---|---|\n");
			for (final String[] r : scores) {
				b.append("| ").append(r[0]).append(" | ").append(r[2]).append(" | ").append(r[3]).append(" | ").append(
					r[4]).append(" | ").append(r[8]).append(" |\n");
			}
		}
		b.append("\n## Cite\n\n- ").append(Rdf.PAPER).append("\n- ").append(Rdf.TOOL).append("\n");
		return b.toString();
	}

	/** The rows of a report's scores table (model, method, attack, metric, clean, ..., score), at most 40. */
	static List<String[]> scores(final Path report) {
		final List<String[]> out = new ArrayList<>();
		if (report == null) return out;
		final Path file = report.resolve(ReportWriter.SCORES);
		if (!Files.isRegularFile(file)) {
			throw new AmatException("The folder " + report + " is not a robustness report: it has no " +
				ReportWriter.SCORES + ".");
		}
		try {
			final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
			for (int i = 1; i < lines.size() && out.size() < 40; i++) {
				final String[] r = csv(lines.get(i));
				if (r.length >= 9) out.add(r);
			}
		}
		catch (final IOException e) {
			throw new AmatException("Cannot read " + file + ": " + e.getMessage() + ".", e);
		}
		return out;
	}

	static String[] csv(final String line) {
		final List<String> out = new ArrayList<>();
		final StringBuilder f = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < line.length(); i++) {
			final char c = line.charAt(i);
			if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
				f.append('"');
				i++;
			}
			else if (c == '"') quoted = !quoted;
			else if (c == ',' && !quoted) {
				out.add(f.toString().replace('|', '/'));
				f.setLength(0);
			}
			else f.append(c);
		}
		out.add(f.toString().replace('|', '/'));
		return out.toArray(new String[0]);
	}

	/** The report's worst-case plot (the first in name order), or null. */
	static byte[] reportCover(final Path report) {
		if (report == null) return null;
		final List<Path> plots = new ArrayList<>();
		try (DirectoryStream<Path> s = Files.newDirectoryStream(report, "plot-*worst-case.png")) {
			for (final Path p : s) plots.add(p);
		}
		catch (final IOException e) {
			return null;
		}
		if (plots.isEmpty()) return null;
		plots.sort(null);
		try {
			return Files.readAllBytes(plots.get(0));
		}
		catch (final IOException e) {
			throw new AmatException("Cannot read the plot " + plots.get(0) + ": " + e.getMessage() + ".", e);
		}
	}

	/** A 2:1 cover: the input's first channel beside the output's first map, each scaled to grey. */
	static byte[] generatedCover(final float[] input, final float[] output, final int h, final int w) {
		final int side = 256;
		final BufferedImage img = new BufferedImage(2 * side, side, BufferedImage.TYPE_BYTE_GRAY);
		paint(img, 0, side, input, h, w);
		paint(img, side, side, output, h, w);
		final ByteArrayOutputStream png = new ByteArrayOutputStream();
		try {
			ImageIO.write(img, "png", png);
		}
		catch (final IOException e) {
			throw new IllegalStateException(e);
		}
		return png.toByteArray();
	}

	private static void paint(final BufferedImage img, final int x0, final int side, final float[] v, final int h,
		final int w)
	{
		float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
		for (int k = 0; k < h * w; k++) {
			lo = Math.min(lo, v[k]);
			hi = Math.max(hi, v[k]);
		}
		final double range = hi > lo ? hi - lo : 1;
		for (int y = 0; y < side; y++) {
			for (int x = 0; x < side; x++) {
				final float value = v[(y * h / side) * w + x * w / side];
				final int g = (int) Math.round(255 * (value - lo) / range);
				img.getRaster().setSample(x0 + x, y, 0, Math.max(0, Math.min(255, g)));
			}
		}
	}
}
