package sc.fiji.amat.train;

import java.util.ArrayList;
import java.util.List;

import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.PatchSampler;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.Task;

/**
 * Training on random patches of images of any size, as AMAT Train and {@code scripts/amat train}
 * set it up: the images read one set per file or size, a {@link PatchSampler} over them put in
 * the settings, and the task with the sampler's fixed patches to validate and calibrate on.
 */
public final class PatchTraining {

	private PatchTraining() {}

	/**
	 * @param each the images read one set per file (or per size), each with the task it implies
	 * @param names a name per set for messages (a file name)
	 * @param patch the patch side, already checked against the network
	 * @param settings receive the sampler ({@link TrainingSettings#patches}); their seed draws the fixed patches
	 * @return the task of the set that knows the most classes (a file may lack the last class) and
	 *         the fixed patches, one per image: what to train on with these settings
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public static Labeled<?> prepare(final List<Labeled<?>> each, final List<String> names, final int patch,
		final TrainingSettings settings)
	{
		Task task = each.get(0).task;
		for (final Labeled<?> l : each) {
			if (l.task.outputChannels() > task.outputChannels()) task = l.task;
		}
		final List<LabeledData> sets = new ArrayList<>();
		for (final Labeled<?> l : each) sets.add(l.data);
		final Task t = task;
		final PatchSampler sampler = new PatchSampler(sets, names, patch, (label, x, y, w, h) -> t.cropLabel(label, x, y,
			w, h));
		settings.patches = sampler;
		return new Labeled(task, sampler.fixed(settings.seed));
	}
}
