package sc.fiji.amat.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sc.fiji.amat.AmatVersion;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.train.AmatEpoch;
import sc.fiji.amat.train.TrainingMethods;

/** The report as one self-contained HTML page: every image is embedded as a data URI. */
final class HtmlReport {

	private HtmlReport() {}

	private static final String STYLE = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans'," +
		"sans-serif;max-width:1180px;margin:24px auto;padding:0 16px;color:#222;line-height:1.4}" +
		"h1{font-size:1.6em;margin-bottom:4px}h2{font-size:1.25em;margin-top:32px;border-bottom:1px solid #ccc;" +
		"padding-bottom:4px}h3{font-size:1.05em;margin:18px 0 6px}.meta{color:#555;margin-top:0}" +
		"table{border-collapse:collapse;margin:8px 0 16px;font-size:.9em}th,td{border:1px solid #bbb;" +
		"padding:3px 8px;text-align:left;vertical-align:top}th{background:#eef1f5}td.n{text-align:right;" +
		"font-variant-numeric:tabular-nums;white-space:nowrap}tr.worst td{background:#fafafa;font-style:italic}" +
		".best{font-weight:bold}.warn{color:#a40000}.ok{color:#1b6e20}.note{color:#7a5b00}" +
		".plots{display:flex;flex-wrap:wrap;gap:12px}.plots figure{margin:0;flex:0 1 calc(50% - 6px)}" +
		".plots figure img{width:100%}figure{margin:0 0 12px}figure img{max-width:100%;" +
		"border:1px solid #ddd}figcaption{font-size:.85em;color:#555}code,pre{font-family:'DejaVu Sans Mono'," +
		"monospace;font-size:.85em}pre{background:#f6f8fa;padding:6px;white-space:pre-wrap;margin:0}" +
		".small{font-size:.85em;color:#555}";

	/** The attacks with the worst case, the headline, first. */
	static List<String> headlineFirst(final List<String> attacks) {
		final List<String> out = new java.util.ArrayList<>();
		if (attacks.contains(WorstCase.NAME)) out.add(WorstCase.NAME);
		for (final String a : attacks) {
			if (!a.equals(WorstCase.NAME)) out.add(a);
		}
		return out;
	}

	static String html(final ReportResult r, final Map<String, Path> plots, final Map<String, Path> examples)
		throws IOException
	{
		final StringBuilder b = new StringBuilder(1 << 16);
		final List<ModelResult> models = r.models();
		final String primary = models.isEmpty() ? "metric" : models.get(0).primaryMetric;
		final String normName = r.eps.norm == Norm.L2 ? "L2" : "Linf";
		b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
		b.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
		b.append("<title>AMAT robustness report</title>\n<style>").append(STYLE).append("</style>\n</head>\n<body>\n");
		b.append("<h1>Robustness report</h1>\n<p class=\"meta\">").append(esc(r.created())).append(" &middot; AMAT ")
			.append(esc(AmatVersion.library())).append(" (DJL ").append(esc(AmatVersion.djl())).append(", PyTorch ")
			.append(esc(AmatVersion.pytorch())).append(") &middot; task <b>").append(esc(r.taskType)).append(
				"</b> &middot; test set <b>").append(esc(r.testSet)).append("</b>, ").append(r.testSize).append(
					" images &middot; evaluated in ").append(String.format(Locale.ROOT, "%.0f s", r.seconds())).append(r
						.parts() > 0 ? " (" + r.parts() + " jobs merged)" : "").append(
						" on ").append(esc(r.settings.device)).append("</p>\n");
		b.append("<p><b>Noise size in force:</b> ").append(normName).append(" norm, eps in <b>").append(esc(r.eps
			.unitName())).append("</b> units (").append(esc(r.eps.describeUnit())).append("); levels ").append(esc(r.eps
				.list())).append(".</p>\n");
		b.append("<p><b>Evaluation budget:</b> ").append(esc(r.settings.describe())).append(
			". The headline is the <b>worst case</b>: per image and noise level the lowest ").append(esc(primary)).append(
				" over every attack, loss and run.</p>\n");

		// scores
		b.append("<h2>Robustness scores</h2>\n");
		b.append("<p class=\"small\">score = &radic;(clean ").append(esc(primary)).append(
			" &times; normalised area under the ").append(esc(primary)).append(
				"-vs-eps curve), the area by trapezoids from eps 0 to ").append(esc(EpsLevels.format(r.eps.max())))
			.append(" divided by ").append(esc(EpsLevels.format(r.eps.max()))).append(
				". Higher is better; the best per column is bold. <i>worst case</i>: per image the lowest ").append(esc(
					primary)).append(" over the chosen attacks at each eps (as AutoAttack reports).</p>\n");
		final List<String> attacks = headlineFirst(r.scoredAttacks());
		b.append("<table>\n<tr><th>model</th><th>method</th><th>clean ").append(esc(primary)).append("</th>");
		final List<String> secondary = models.isEmpty() ? new java.util.ArrayList<>() : ReportPlots.secondaryMetrics(
			models.get(0));
		for (final String s : secondary) b.append("<th>clean ").append(esc(s)).append("</th>");
		for (final String a : attacks) b.append("<th>score ").append(esc(a)).append("</th>");
		b.append("<th>sanity checks</th></tr>\n");
		for (final ModelResult m : models) {
			b.append("<tr><td>").append(esc(m.name)).append("</td><td>").append(esc(methodLabel(m.info))).append("</td>");
			b.append(num(m.cleanMetric(), best(models, null, m, true)));
			for (final String s : secondary) b.append(num(r.table().mean(m.name, attacks.get(0), 0, s), false));
			for (final String a : attacks) b.append(num(m.score(a).score, best(models, a, m, false)));
			final long warnings = m.flags().stream().filter(SanityChecks.Flag::isWarning).count();
			final long notes = m.flags().size() - warnings;
			b.append("<td>").append(!m.whiteBox() ? "<span class=\"warn\">not white-box: transfer attacks</span>" :
				warnings > 0 ? "<span class=\"warn\">" + warnings + " warning(s)</span>" :
				"<span class=\"ok\">no sign of gradient masking</span>").append(notes > 0 ? ", <span class=\"note\">" +
					notes + " note(s)</span>" : "").append("</td></tr>\n");
		}
		b.append("</table>\n");
		for (final ModelResult m : models) {
			if (m.whiteBox()) continue;
			b.append("<p class=\"warn\"><b>").append(esc(m.name)).append("</b>: not white-box. ").append(esc(m.info
				.importedFormat)).append(" models give no gradients, so its gradient attacks (");
			final List<String> transferred = new java.util.ArrayList<>();
			for (final String a : m.attacks()) {
				if (WorstCase.NAME.equals(a) || !Transfers.followsGradient(a)) continue;
				transferred.add(a);
			}
			b.append(esc(String.join(", ", transferred))).append(") were ").append(esc(m.craftedOn(transferred.isEmpty()
				? "" : transferred.get(0)))).append(": made on that model and fed to this one. They measure robustness " +
				"to transferred noise, a weaker attack than white-box; its scores are not comparable with white-box " +
				"scores.</p>\n");
		}

		perVolume(b, r, attacks.isEmpty() ? null : attacks.get(0));

		// plots
		b.append("<h2>Metric against noise size</h2>\n");
		for (final String metric : ReportPlots.plottedMetrics(r)) {
			b.append("<h3>").append(esc(metric)).append("</h3>\n<div class=\"plots\">\n");
			for (final String a : attacks) {
				final Path p = plots.get(metric + "\u0000" + a);
				if (p == null) continue;
				b.append("<figure><img alt=\"").append(esc(metric + " under " + a)).append("\" src=\"").append(dataUri(p))
					.append("\"><figcaption>").append(esc(metric)).append(" under ").append(esc(a)).append(
						"</figcaption></figure>\n");
			}
			b.append("</div>\n");
		}

		// sanity checks
		b.append("<h2>Sanity checks</h2>\n<p class=\"small\">Gradient attacks must beat white noise of the same size; " +
			"iterative attacks must beat one FGSM step; the metric must not rise as eps grows; an undefended model must " +
			"lose at least half its clean metric at the largest eps; at the middle level, twice the steps must not " +
			"lower the worst case (convergence) and the same attack crafted on another model must not beat the " +
			"white-box one; input gradients must be finite and non-zero. A difference counts when it exceeds ").append(String.format(Locale.ROOT, "%s",
				r.settings.sanityTolerance)).append(" and twice its standard error over the images.</p>\n<ul>\n");
		for (final ModelResult m : models) {
			b.append("<li><b>").append(esc(m.name)).append("</b>: ");
			if (m.flags().isEmpty()) b.append("<span class=\"ok\">all checks passed</span>");
			b.append(" <span class=\"small\">(input gradients: ").append(esc(m.gradients() == null
				? "none: the model gives no gradients" : m.gradients().toString())).append(")</span>");
			if (!m.flags().isEmpty()) {
				b.append("<ul>");
				for (final SanityChecks.Flag f : m.flags()) {
					b.append("<li class=\"").append(f.isWarning() ? "warn" : "note").append("\">").append(f.isWarning()
						? "warning: " : "note: ").append(esc(f.message)).append("</li>");
				}
				b.append("</ul>");
			}
			b.append("</li>\n");
		}
		b.append("</ul>\n");

		// the attacks
		b.append("<h2>Attacks and noise levels</h2>\n<ul>\n");
		b.append("<li>norm ").append(normName).append(", unit <b>").append(esc(r.eps.unitName())).append("</b>: ")
			.append(esc(r.eps.describeUnit())).append("</li>\n");
		b.append("<li>levels ").append(esc(r.eps.list())).append(": ").append(esc(r.eps.explanation)).append("</li>\n");
		for (final Map.Entry<String, String> a : r.attacks.entrySet()) {
			b.append("<li><b>").append(esc(a.getKey())).append("</b>: <code>").append(esc(a.getValue())).append(
				"</code></li>\n");
		}
		b.append("<li>every attack maximises a per-image loss of the task (the one after the colon; without one, the " +
			"training loss) with the model in evaluation mode and its " +
			"parameters frozen; the random generator is seeded per attack and level (seed ").append(r.settings.seed)
			.append("), so every model meets the same random starts and noise</li>\n");
		if (models.size() > 0) {
			b.append("<li>absolute eps per level (mean over images, normalised-input units): ");
			for (int i = 0; i < models.size(); i++) {
				if (i > 0) b.append("; ");
				b.append(esc(models.get(i).name)).append(": ");
				final double[] abs = models.get(i).epsAbsolute();
				for (int k = 0; k < abs.length; k++) b.append(k > 0 ? ", " : "").append(EpsLevels.format(abs[k]));
			}
			b.append("</li>\n");
		}
		b.append("</ul>\n");

		// examples
		if (!examples.isEmpty()) {
			b.append("<h2>Examples</h2>\n<p class=\"small\">Clean input, adversarial input (same display range), the " +
				"noise (grey is zero, stretched to its largest absolute value)");
			b.append(", and, where the task draws its labels, the ground truth and the predictions on the clean " +
				"and the adversarial input");
			b.append(".</p>\n");
			for (final Map.Entry<String, Path> e : examples.entrySet()) {
				b.append("<figure><img alt=\"examples of ").append(esc(e.getKey())).append("\" src=\"").append(dataUri(e
					.getValue())).append("\"><figcaption>").append(esc(e.getKey())).append("</figcaption></figure>\n");
			}
		}

		// per-level tables
		b.append("<h2>Results by noise level</h2>\n<p class=\"small\">Mean &plusmn; standard deviation over the ")
			.append(r.testSize).append(" test images (pooled metrics have no spread); eps in ").append(esc(r.eps
				.unitName())).append(". The same numbers, with n, are in <code>").append(ReportFiles.CSV).append(
					"</code>.</p>\n");
		for (final String metric : metricsOf(r)) {
			b.append("<h3>").append(esc(metric)).append("</h3>\n<table>\n<tr><th>model</th><th>attack</th>");
			for (int k = 0; k < r.eps.size(); k++) b.append("<th>eps ").append(esc(EpsLevels.format(r.eps.get(k)))).append(
				"</th>");
			b.append("</tr>\n");
			for (final ModelResult m : models) {
				for (final String a : attacks) {
					final List<ReportTable.Row> rows = r.table().curve(m.name, a, metric);
					if (rows.isEmpty()) continue;
					b.append(a.equals(WorstCase.NAME) ? "<tr class=\"worst\">" : "<tr>").append("<td>").append(esc(
						m.name)).append("</td><td>").append(esc(a)).append("</td>");
					for (final ReportTable.Row row : rows) {
						b.append("<td class=\"n\">").append(fmt(row.mean)).append(Double.isNaN(row.spread) ? "" : " &plusmn; " +
							fmt(row.spread)).append("</td>");
					}
					b.append("</tr>\n");
				}
			}
			b.append("</table>\n");
		}
		if (attacks.contains(WorstCase.NAME)) {
			b.append("<h3>Which attack was the worst case</h3>\n<table>\n<tr><th>model</th><th>eps</th>");
			final List<String> chosen = new java.util.ArrayList<>(attacks);
			chosen.remove(WorstCase.NAME);
			for (final String a : chosen) b.append("<th>").append(esc(a)).append("</th>");
			b.append("</tr>\n");
			for (final ModelResult m : models) {
				for (int k = 1; k < r.eps.size(); k++) {
					b.append("<tr><td>").append(esc(m.name)).append("</td><td class=\"n\">").append(esc(EpsLevels.format(r.eps
						.get(k)))).append("</td>");
					for (final int c : m.worstCounts()[k]) b.append("<td class=\"n\">").append(c).append("</td>");
					b.append("</tr>\n");
				}
			}
			b.append("</table>\n<p class=\"small\">Images per attack that hurt them most (ties go to the attack listed " +
				"first).</p>\n");
		}

		// models
		b.append("<h2>Models</h2>\n");
		for (final ModelResult m : models) {
			final ModelInfo i = m.info;
			b.append("<h3>").append(esc(m.name)).append("</h3>\n<table>\n");
			row(b, "file", m.file.toString());
			if (i.importedFormat != null) {
				row(b, "format", i.importedFormat + (m.whiteBox() ? ", attacked white-box through DJL's PyTorch " +
					"gradients" : ", run by ONNX Runtime: no gradients, gradient attacks transferred"));
				row(b, "description", i.importedDescription);
				row(b, "training", "outside AMAT: nothing is known of it");
				b.append("</table>\n");
				continue;
			}
			row(b, "task", i.task + (i.taskSpec == null ? "" : " " + i.taskSpec));
			row(b, "network", String.valueOf(i.network));
			row(b, "input", String.format(Locale.ROOT, "%d channel(s), trained on %dx%d images", i.inputChannels,
				i.inputWidth, i.inputHeight));
			row(b, "normalisation", i.normalization);
			row(b, "training method", methodLabel(i));
			b.append("<tr><th>method parameters</th><td><pre>").append(esc(parameters(i.training.parameters))).append(
				"</pre></td></tr>\n");
			row(b, "training data", String.format(Locale.ROOT, "%d training and %d validation images",
				i.training.trainingSize, i.training.validationSize));
			row(b, "optimisation", String.format(Locale.ROOT, "%s, learning rate %.3g, batch %d, %d of %d epochs, seed %d",
				i.training.optimizer, i.training.learningRate, i.training.batchSize, i.training.epochsCompleted,
				i.training.epochs, i.training.seed));
			row(b, "kept epoch", i.training.validationSize == 0 || Double.isNaN(i.training.validationValue) ? String.format(
				Locale.ROOT, "%d (the last: no validation split)", i.training.bestEpoch) : String.format(Locale.ROOT,
					"%d (best validation %s, %.4f)", i.training.bestEpoch, i.training.validationMetric,
					i.training.validationValue));
			for (final Map.Entry<String, String> e : TrainingMethods.summary(i.training).entrySet()) {
				row(b, e.getKey(), e.getValue());
			}
			final double[] margins = AmatEpoch.finalMarginsRms(i.training);
			if (margins.length > 0) {
				b.append("<tr><th>AMAT margins after the last epoch (rms per value)</th><td>").append(MarginHistogram.svg(
					margins)).append("</td></tr>\n");
			}
			row(b, "AMAT library", String.valueOf(i.libraryVersion) + ", model file format " + i.formatVersion);
			b.append("</table>\n");
		}
		b.append("<p class=\"small\">Files beside this page: ").append(ReportFiles.CSV).append(", ").append(
			ReportFiles.SCORES).append(", ").append(ReportFiles.CHECKS).append(", plots/, examples/. Settings: ")
			.append(esc(r.settings.describe())).append(".</p>\n");
		b.append("</body>\n</html>\n");
		return b.toString();
	}

	/** The metrics of the table: primary first, in the order they appear. */
	static List<String> metricsOf(final ReportResult r) {
		final List<String> out = new java.util.ArrayList<>();
		for (final ReportTable.Row row : r.table().rows()) {
			if (!out.contains(row.metric)) out.add(row.metric);
		}
		return out;
	}

	/** The per-volume summary (see {@link PerVolumeCsv#summary}), when the test images are slices of volumes. */
	private static void perVolume(final StringBuilder b, final ReportResult r, final String attack) {
		final double[][][] v = attack == null ? null : PerVolumeCsv.summary(r, attack);
		if (v == null) return;
		b.append("<h2>Per volume</h2>\n<p class=\"small\">The test images are slices of ").append(new java.util.HashSet<>(
			r.volumes()).size()).append(" volumes. Under ").append(esc(attack)).append(", the mean over volumes and " +
				"foreground classes of the mean per-slice Dice and of the pooled 3D Dice; ").append(PerVolumeCsv.FILE)
			.append(" has every volume, class and attack.</p>\n<table>\n<tr><th>model</th><th>eps</th><th>slice Dice" +
				"</th><th>pooled 3D Dice</th></tr>\n");
		for (int m = 0; m < v.length; m++) {
			for (int k = 0; k < v[m].length; k++) {
				b.append("<tr><td>").append(esc(r.models().get(m).name)).append("</td><td>").append(EpsLevels.format(r.eps
					.get(k))).append("</td>").append(num(v[m][k][0], false)).append(num(v[m][k][1], false)).append("</tr>\n");
			}
		}
		b.append("</table>\n");
	}

	static String methodLabel(final ModelInfo i) {
		return TrainingMethods.label(i.training);
	}

	static String parameters(final JsonObject p) {
		if (p == null || p.size() == 0) return "none";
		final StringBuilder b = new StringBuilder();
		for (final Map.Entry<String, JsonElement> e : p.entrySet()) {
			if (b.length() > 0) b.append('\n');
			b.append(e.getKey()).append(": ").append(e.getValue().isJsonPrimitive() ? e.getValue().getAsString() : e
				.getValue().toString());
		}
		return b.toString();
	}

	private static boolean best(final List<ModelResult> models, final String attack, final ModelResult m,
		final boolean clean)
	{
		double bestValue = Double.NEGATIVE_INFINITY;
		for (final ModelResult o : models) {
			final double v = clean ? o.cleanMetric() : o.score(attack).score;
			if (v > bestValue) bestValue = v;
		}
		final double mine = clean ? m.cleanMetric() : m.score(attack).score;
		return models.size() > 1 && mine == bestValue;
	}

	private static void row(final StringBuilder b, final String key, final String value) {
		b.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
	}

	private static String num(final double v, final boolean bold) {
		return "<td class=\"n" + (bold ? " best" : "") + "\">" + fmt(v) + "</td>";
	}

	static String fmt(final double v) {
		return Double.isNaN(v) ? "&ndash;" : String.format(Locale.ROOT, "%.4f", v);
	}

	static String dataUri(final Path png) throws IOException {
		return "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(png));
	}

	static String esc(final String s) {
		if (s == null) return "";
		final StringBuilder b = new StringBuilder(s.length());
		for (int i = 0; i < s.length(); i++) {
			final char c = s.charAt(i);
			switch (c) {
				case '<':
					b.append("&lt;");
					break;
				case '>':
					b.append("&gt;");
					break;
				case '&':
					b.append("&amp;");
					break;
				case '"':
					b.append("&quot;");
					break;
				default:
					b.append(c);
			}
		}
		return b.toString();
	}
}
