package sc.fiji.amat.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.task.MetricTable;

/** Everything a report found about one model. */
public final class ModelResult {

	public final String name;
	public final Path file;
	public final ModelInfo info;
	/** The primary metric's name (column 0 of the task's metric table). */
	public final String primaryMetric;
	/** Per attack (in the report's order, then {@link WorstCase#NAME}), one per-image table per level. */
	final Map<String, MetricTable[]> tables = new LinkedHashMap<>();
	final Map<String, RobustnessScore> scores = new LinkedHashMap<>();
	/** Per attack (and the worst case): how its noise was made (see {@link ReportTable.Row#craftedOn}). */
	final Map<String, String> craftedOn = new LinkedHashMap<>();
	/** Per level, per attack: for how many images that attack was the worst. */
	int[][] worstCounts;
	/** Mean absolute eps per level on this model's normalised images. */
	double[] epsAbsolute;
	InputGradients gradients;
	final List<SanityChecks.Flag> flags = new ArrayList<>();
	final List<Example> examples = new ArrayList<>();

	ModelResult(final String name, final Path file, final ModelInfo info, final String primaryMetric) {
		this.name = name;
		this.file = file;
		this.info = info;
		this.primaryMetric = primaryMetric;
	}

	/** Adds the per-image worst case over the attacks at every level (level 0: the clean table). */
	void addWorstCase(final List<String> attacks, final MetricTable clean, final int levels) {
		final MetricTable[] worst = new MetricTable[levels];
		worstCounts = new int[levels][];
		worst[0] = clean;
		worstCounts[0] = new int[attacks.size()];
		for (int k = 1; k < levels; k++) {
			final List<MetricTable> at = new ArrayList<>();
			for (final String a : attacks) at.add(tables.get(a)[k]);
			final WorstCase w = WorstCase.of(at);
			worst[k] = w.table();
			worstCounts[k] = w.counts(attacks.size());
		}
		tables.put(WorstCase.NAME, worst);
	}

	/** Scores every curve, the worst case's included, over the noise levels. */
	void score(final double[] eps) {
		for (final Map.Entry<String, MetricTable[]> e : tables.entrySet()) {
			final double[] curve = new double[eps.length];
			for (int k = 0; k < eps.length; k++) curve[k] = e.getValue()[k].primaryValue();
			scores.put(e.getKey(), RobustnessScore.of(eps, curve));
		}
	}

	/** Adds this model's rows to the report's long table: every attack, level and metric. */
	void addRows(final ReportTable table, final EpsLevels levels) {
		final String norm = levels.budget(0).normName();
		for (final Map.Entry<String, MetricTable[]> e : tables.entrySet()) {
			for (int k = 0; k < levels.size(); k++) {
				for (final Metrics.Summary s : Metrics.summarize(e.getValue()[k])) {
					table.add(new ReportTable.Row(name, info.task, method(), e.getKey(), norm, levels.get(k), levels.unitName(),
						epsAbsolute[k], s.metric, s.mean, s.spread, s.n, craftedOn(e.getKey())));
				}
			}
		}
	}

	/** Attack names with results, the worst case last when there is one. */
	public List<String> attacks() {
		return new ArrayList<>(tables.keySet());
	}

	/** The per-image metric tables of an attack, one per noise level (level 0 is clean). */
	public MetricTable[] tables(final String attack) {
		return tables.get(attack).clone();
	}

	/** The robustness score of the primary metric under an attack (or the worst case). */
	public RobustnessScore score(final String attack) {
		return scores.get(attack);
	}

	public Map<String, RobustnessScore> scores() {
		return Collections.unmodifiableMap(scores);
	}

	/** The clean primary metric (dataset-level where the task has one, e.g. mAP). */
	public double cleanMetric() {
		return tables.values().iterator().next()[0].primaryValue();
	}

	public int[][] worstCounts() {
		return worstCounts;
	}

	public double[] epsAbsolute() {
		return epsAbsolute.clone();
	}

	public InputGradients gradients() {
		return gradients;
	}

	public List<SanityChecks.Flag> flags() {
		return Collections.unmodifiableList(flags);
	}

	public List<Example> examples() {
		return Collections.unmodifiableList(examples);
	}

	/** How an attack's noise was made for this model: white-box, random, or a transfer from another model. */
	public String craftedOn(final String attack) {
		return craftedOn.getOrDefault(attack, "");
	}

	/** True when every gradient attack on this model was white-box (false for transfer attacks). */
	public boolean whiteBox() {
		return craftedOn.values().stream().noneMatch(c -> c.contains("not white-box"));
	}

	/** The training method recorded in the model file. */
	public String method() {
		return info.training.method == null ? "?" : info.training.method;
	}
}
