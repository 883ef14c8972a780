package sc.fiji.amat.app;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.task.segmentation.VolumeSamples;
import sc.fiji.amat.task.ij.ImageJTasks;

/** Writes the sample datasets: one folder per task type and {@code volumes} ({@code --task} for one of them). */
final class Generate {

	static final long SEED = 1;
	/** The volume sample set (an MSD folder), written beside the tasks' folders. */
	static final String VOLUMES = "volumes";

	private Generate() {}

	static void run(final Args args) {
		final Path out = Paths.get(args.get("out", "sample-data"));
		final long seed = args.getInt("seed", (int) SEED);
		final String only = args.get("task", null);
		args.done();
		for (final Map.Entry<String, ImageJTaskType> t : ImageJTasks.types().entrySet()) {
			if (only != null && !only.equals(t.getKey())) continue;
			t.getValue().writeSamples(out.resolve(t.getKey()), seed);
			System.out.println("wrote " + out.resolve(t.getKey()));
		}
		if (only == null || only.equals(VOLUMES)) {
			new VolumeSamples(seed).write(out.resolve(VOLUMES));
			System.out.println("wrote " + out.resolve(VOLUMES));
		}
	}
}
