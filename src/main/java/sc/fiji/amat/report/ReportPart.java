package sc.fiji.amat.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The result of one job of a report split into independent jobs (a slice of the sweep): the
 * plan every job shares, the units this job evaluated and, per model, what its units found (all
 * per-image metric values: the worst case over attacks, the scores and the sanity checks are
 * computed from them at the merge), the input gradients and the example images.
 * <p>
 * {@code RobustnessReport.evaluatePart} makes one, {@code ReportPartFormat} writes and reads it
 * as a folder, and {@code RobustnessReport.merge} builds the report a single run would have built.
 * </p>
 */
public final class ReportPart {

	final ReportPlan plan;
	/** SHA-256 of each model file, then of the test set. */
	final List<String> digests;
	final String selection;
	final List<SweepUnit> units;
	final Map<String, ModelPart> models;
	final double seconds;
	/** Where the part was read from, for messages (null when made in memory). */
	Path source;

	ReportPart(final ReportPlan plan, final List<String> digests, final String selection, final List<SweepUnit> units,
		final Map<String, ModelPart> models, final double seconds)
	{
		this.plan = plan;
		this.digests = digests;
		this.selection = selection;
		this.units = units;
		this.models = models;
		this.seconds = seconds;
	}

	/** The units this part evaluated, in the sweep's order. */
	public List<SweepUnit> units() {
		return Collections.unmodifiableList(units);
	}

	/** All units of the sweep this part belongs to. */
	public int sweepSize() {
		return plan.units().size();
	}

	public double seconds() {
		return seconds;
	}

	/** What this part was asked to evaluate ("slice 2/3" and the like). */
	public String selection() {
		return selection;
	}

	/** The folder the part was read from, or its selection when made in memory, for messages. */
	String name() {
		return source == null ? "(" + selection + ")" : source.toString();
	}

	/** SHA-256 of the model files, then the test set's fingerprint. */
	static List<String> fingerprint(final List<Path> models, final TestSet<?> test) {
		final List<String> out = new ArrayList<>();
		for (final Path p : models) out.add(ReportFiles.sha256(p));
		out.add(test.fingerprint());
		return out;
	}
}
