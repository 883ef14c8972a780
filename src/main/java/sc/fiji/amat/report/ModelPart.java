package sc.fiji.amat.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.ij.ImageJTasks;

/**
 * What the compute stage found for the units of one model: a part of its {@link ModelResult},
 * which the assemble stage builds from the parts of all units.
 */
final class ModelPart {

	final String name;
	final String primaryMetric;
	final List<SweepUnit> units = new ArrayList<>();
	/** From the clean unit: the clean table, input gradients and mean absolute eps per level. */
	MetricTable clean;
	InputGradients gradients;
	double[] epsAbsolute;
	/** Per attack, per level (index 0 unused). */
	final Map<String, MetricTable[]> tables = new LinkedHashMap<>();
	/** The example images, as far as this part's units filled them in. */
	final Map<Integer, Example> examples = new LinkedHashMap<>();

	ModelPart(final String name, final String primaryMetric) {
		this.name = name;
		this.primaryMetric = primaryMetric;
	}

	/** The table of one unit of this model. */
	MetricTable table(final SweepUnit u) {
		return u.isClean() ? clean : tables.get(u.attack)[u.level];
	}

	/** Sets the table of one unit of this model. */
	void setTable(final SweepUnit u, final MetricTable t, final int levels) {
		if (u.isClean()) clean = t;
		else tables.computeIfAbsent(u.attack, a -> new MetricTable[levels])[u.level] = t;
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	/** The example of test image {@code image}, which is image {@code inData} of {@code data} (its size group). */
	Example example(final ReportPlan plan, final int image, final LabeledData<?> data, final int inData,
		final Task task)
	{
		return examples.computeIfAbsent(image, i -> {
			final Example e = new Example(i, plan.exampleAttack, plan.levels.get(plan.exampleLevel), data.channels(),
				data.height(), data.width());
			e.truth = ImageJTasks.of(task).render(data.label(inData), data.height(), data.width());
			return e;
		});
	}
}
