package sc.fiji.amat.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.amat.AtomicFiles;
import sc.fiji.amat.AmatException;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.task.MetricTable;

/**
 * The per-image table of a report part ({@code per-image.csv}): one row per model,
 * attack, level, image and metric, every value written with {@link Double#toString} so it reads
 * back to the same double, and per image the row detail the task's dataset-level metrics need.
 */
final class PerImageCsv {

	/** The pseudo-metric whose value is an image's row detail, space-separated. */
	static final String DETAIL = "#detail";

	static final String[] COLUMNS = { "model", "attack", "level", "eps", "image", "metric", "value" };

	private PerImageCsv() {}

	/** Writes every unit's table of the part. */
	static void write(final ReportPart part, final Path file) {
		AtomicFiles.writeText(file, "the per-image table", w -> {
			w.write(String.join(",", COLUMNS));
			w.write("\n");
			for (final ModelPart p : part.models.values()) {
				for (final SweepUnit u : p.units) {
					final MetricTable t = p.table(u);
					final String head = ReportTable.quote(p.name) + "," + ReportTable.quote(u.attack) + "," + u.level + "," +
						Double.toString(u.eps) + ",";
					final String[] names = t.names();
					for (int i = 0; i < t.size(); i++) {
						for (int c = 0; c < names.length; c++) {
							// Double.toString reads back to the same double (NaN and infinities included)
							w.write(head + i + "," + ReportTable.quote(names[c]) + "," + Double.toString(t.value(i, c)) + "\n");
						}
						// what the task's dataset-level metrics need of this image (mAP: its scored detections)
						final double[] detail = t.detail(i);
						if (detail.length > 0) {
							final StringBuilder b = new StringBuilder();
							for (final double d : detail) b.append(b.length() == 0 ? "" : " ").append(Double.toString(d));
							w.write(head + i + "," + DETAIL + "," + b + "\n");
						}
					}
				}
			}
		});
	}

	/** Fills in every unit's table of the models from the per-image table. */
	static void read(final Path file, final ReportPlan plan, final Map<String, ModelPart> models,
		final Map<String, String[]> metricNames, final Map<String, boolean[]> higher) throws IOException
	{
		final List<List<String>> records = ReportTable.parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
		if (records.isEmpty() || !records.get(0).equals(java.util.Arrays.asList(COLUMNS))) {
			throw new AmatException(file + " is not a report part's per-image table.");
		}
		// values per model and unit, image by image
		final Map<String, Map<Integer, double[]>> rows = new LinkedHashMap<>(), details = new LinkedHashMap<>();
		for (int r = 1; r < records.size(); r++) {
			final List<String> c = records.get(r);
			if (c.size() == 1 && c.get(0).isEmpty()) continue;
			if (c.size() != COLUMNS.length) {
				throw new AmatException(file + " line " + (r + 1) + " has " + c.size() + " cells, not " +
					COLUMNS.length + ".");
			}
			final String model = c.get(0);
			final String[] names = metricNames.get(model);
			if (names == null) throw new AmatException(file + " line " + (r + 1) + ": no results for model " + model + ".");
			final String unit = model + "\u0000" + c.get(1) + "\u0000" + Integer.parseInt(c.get(2));
			if (c.get(5).equals(DETAIL)) {
				final String text = c.get(6).trim();
				details.computeIfAbsent(unit, k -> new LinkedHashMap<>()).put(Integer.parseInt(c.get(4)), text.isEmpty()
					? new double[0] : java.util.Arrays.stream(text.split(" ")).mapToDouble(Double::parseDouble).toArray());
				continue;
			}
			final int column = java.util.Arrays.asList(names).indexOf(c.get(5));
			if (column < 0) throw new AmatException(file + " line " + (r + 1) + ": unknown metric " + c.get(5) + ".");
			final double[] row = rows.computeIfAbsent(unit, k -> new LinkedHashMap<>()).computeIfAbsent(Integer.parseInt(c
				.get(4)), k -> {
					final double[] v = new double[names.length];
					java.util.Arrays.fill(v, Double.NaN);
					return v;
				});
			row[column] = Double.parseDouble(c.get(6));
		}
		for (final ModelPart p : models.values()) {
			for (final SweepUnit u : p.units) {
				final Map<Integer, double[]> values = rows.get(u.key());
				if (values == null || values.size() != plan.testSize) {
					throw new AmatException(file + " lacks per-image values of " + u + " (" + (values == null ? 0 : values
						.size()) + " of " + plan.testSize + " images).");
				}
				final MetricTable t = new MetricTable(metricNames.get(p.name), higher.get(p.name), datasetMetrics(plan,
					u.model));
				final Map<Integer, double[]> unitDetails = details.getOrDefault(u.key(), java.util.Collections.emptyMap());
				for (int i = 0; i < plan.testSize; i++) {
					final double[] v = values.get(i);
					if (v == null) throw new AmatException(file + " lacks image " + i + " of " + u + ".");
					t.addWithDetail(v, unitDetails.get(i));
				}
				p.setTable(u, t, plan.levels.size());
			}
		}
	}

	/** The dataset-level metrics of a model's task, rebuilt from what its model file recorded. */
	private static sc.fiji.amat.task.DatasetMetrics datasetMetrics(final ReportPlan plan, final int model) {
		final ModelInfo info = plan.infos.get(model);
		return sc.fiji.amat.task.Tasks.fromSpec(info.task, info.taskSpec, info.inputChannels, info.network)
			.datasetMetrics();
	}
}
