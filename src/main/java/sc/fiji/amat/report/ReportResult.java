package sc.fiji.amat.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished robustness report, in memory: the settings and noise levels, per model its
 * per-image tables, scores, sanity flags and examples, and the long table that the CSV and a
 * results table show. {@link ReportWriter} writes it to a folder.
 */
public final class ReportResult {

	public final ReportSettings settings;
	public final EpsLevels eps;
	public final String taskType;
	public final String testSet;
	public final int testSize;
	/** Attack name -> the attack's full description (steps, alpha, restarts, ...). */
	public final Map<String, String> attacks;
	final List<ModelResult> models = new ArrayList<>();
	final ReportTable table = new ReportTable();
	double seconds;
	String created;
	/** The volume of each test image when they are slices of volumes, else null. */
	List<String> volumes;
	/** The number of parts merged into this report (0: evaluated in one run). */
	int parts;

	ReportResult(final ReportSettings settings, final EpsLevels eps, final String taskType, final String testSet,
		final int testSize, final Map<String, String> attacks)
	{
		this.settings = settings;
		this.eps = eps;
		this.taskType = taskType;
		this.testSet = testSet;
		this.testSize = testSize;
		this.attacks = Collections.unmodifiableMap(new LinkedHashMap<>(attacks));
	}

	public List<ModelResult> models() {
		return Collections.unmodifiableList(models);
	}

	public ReportTable table() {
		return table;
	}

	/** Every model's sanity flags. */
	public List<SanityChecks.Flag> flags() {
		final List<SanityChecks.Flag> all = new ArrayList<>();
		for (final ModelResult m : models) all.addAll(m.flags);
		return all;
	}

	/** The volume of each test image (in the test set's order) when they are slices of volumes, else null. */
	public List<String> volumes() {
		return volumes == null ? null : Collections.unmodifiableList(volumes);
	}

	/** Seconds the evaluation took. */
	public double seconds() {
		return seconds;
	}

	/** The number of independent jobs whose parts were merged into this report; 0 when it ran as one job. */
	public int parts() {
		return parts;
	}

	/** When the report was made (ISO local date and time). */
	public String created() {
		return created;
	}

	/** The attack names with scores: the chosen ones, then the worst case when there are several. */
	public List<String> scoredAttacks() {
		return models.isEmpty() ? new ArrayList<>() : models.get(0).attacks();
	}
}
