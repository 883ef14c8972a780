package sc.fiji.amat.app;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.Durations;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.ij.ImageJTaskType;
import sc.fiji.amat.task.ij.ImageJTasks;
import sc.fiji.amat.train.ConsoleProgress;
import sc.fiji.amat.train.PatchTraining;
import sc.fiji.amat.train.TrainOptions;
import sc.fiji.amat.train.TrainingListener;
import sc.fiji.amat.train.TrainingRecipe;
import sc.fiji.amat.train.TrainingSettings;

/**
 * {@code scripts/amat train}: AMAT Train from the command line. Its options are the fields of
 * {@link TrainOptions} (the command's parameters, with the same defaults) in kebab case
 * ({@code --batch-size 8}, {@code --threshold-statistic quantile}), plus the data
 * ({@code --images}, {@code --labels}: see {@link TrainingSource}), {@code --out} (the model
 * file), {@code --threads}, {@code --fresh} and {@code --keep-checkpoint}.
 * <p>
 * A checkpoint {@code NAME-checkpoint.amat.zip} is written beside the model after every epoch;
 * a run started again with a checkpoint there resumes from it (so a killed or requeued job needs
 * only to be started again), unless {@code --fresh} is given. AMAT's standard model, once saved
 * beside the model, is then reused rather than trained again. The checkpoint is deleted once the
 * model is saved, unless {@code --keep-checkpoint} keeps it (to train for more epochs later: the
 * same command with a larger {@code --epochs} continues from it).
 * </p>
 */
public final class Train {

	private Train() {}

	/** Runs {@code scripts/amat train} with these arguments (without the word "train"); errors are thrown. */
	public static void main(final String[] args) {
		run(new Args(args, 0), System.out);
	}

	static void run(final Args args) {
		run(args, System.out);
	}

	/** The checkpoint beside a model file. */
	public static Path checkpoint(final Path model) {
		return TrainOptions.sibling(model, "-checkpoint");
	}

	static void run(final Args args, final PrintStream console) {
		final TrainOptions o = options(args);
		final Path images = path(args.get("images", null)), labels = path(args.get("labels", null));
		final Path out = path(args.get("out", null));
		final int threads = args.getInt("threads", Runtime.getRuntime().availableProcessors());
		final boolean fresh = args.flag("fresh"), keep = args.flag("keep-checkpoint");
		final List<TrainingSource> sources = TrainingSource.all();
		for (final TrainingSource s : sources) {
			s.options(args);
			s.options(o);
		}
		args.done();
		if (out == null) throw new AmatException("Give the model file to write: --out NAME.amat.zip.");
		TrainOptions.checkWritable(out);
		o.checkPatchSize();
		if (o.exportBioimageio) sc.fiji.amat.export.OnnxCheck.requireRuntime(); // before training, not after
		final TrainingSource source = TrainingSource.find(sources, images, labels);
		final ImageJTaskType type = ImageJTasks.type(o.task);
		Engines.setThreads(threads, 1);

		final TrainingSettings settings = o.settings();
		settings.checkpoint = checkpoint(out);
		settings.resume = !fresh;
		final TrainingRecipe recipe = o.recipe(out);
		if (fresh) delete(settings.checkpoint);
		else if (Files.exists(settings.checkpoint)) {
			console.println("resuming from the checkpoint " + settings.checkpoint + " (--fresh starts afresh)");
			if (recipe.standardModel == null && recipe.standardModelOut != null && Files.exists(recipe.standardModelOut)) {
				recipe.standardModel = recipe.standardModelOut; // calibrate on the standard model already trained
				recipe.standardModelOut = null;
			}
		}
		final Normalization normalization = o.normalization();
		final NetworkConfig network = o.network();
		final Labeled<?> labeled = o.patchSize > 0 ? patches(source, type, images, labels, normalization, network,
			o.patchSize, settings) : source.read(type, images, labels, normalization, network);
		console.println("training data: " + images + (labels == null ? "" : " with " + labels) + (o.patchSize > 0
			? ", random " + o.patchSize + "x" + o.patchSize + " patches" : ""));
		try (AmatModel model = train(recipe, labeled, normalization, settings, new Progress(console))) {
			model.save(out);
			final ModelInfo.Training t = model.info().training;
			console.printf(Locale.ROOT, "saved %s (%s training, %s, kept epoch %d)%n", out, t.method, t.validationSize == 0
				? "no validation" : String.format(Locale.ROOT, "validation %s %.4f", t.validationMetric, t.validationValue),
				t.bestEpoch);
			if (o.exportBioimageio) {
				final sc.fiji.amat.export.ExportSettings s = new sc.fiji.amat.export.ExportSettings();
				if (images != null && Files.isRegularFile(images) && !images.toString().contains(".nii")) Export.testImage(
					s, images);
				Export.write(model, sc.fiji.amat.export.BioImageExport.packageBeside(out), s);
			}
		}
		if (!keep) delete(settings.checkpoint);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static AmatModel train(final TrainingRecipe recipe, final Labeled labeled, final Normalization n,
		final TrainingSettings s, final TrainingListener listener)
	{
		return recipe.train(labeled.task, labeled.data, n, s, listener);
	}

	/** The images read one set per file (or size), then {@link PatchTraining#prepare}. */
	private static Labeled<?> patches(final TrainingSource source, final ImageJTaskType type, final Path images,
		final Path labels, final Normalization n, final NetworkConfig network, final int patch,
		final TrainingSettings settings)
	{
		final List<String> names = new ArrayList<>();
		final List<Labeled<?>> each = source.readEach(type, images, labels, n, network, names);
		return PatchTraining.prepare(each, names, patch, settings);
	}

	/** The options of {@link TrainOptions}, each field {@code fooBar} read from {@code --foo-bar}. */
	static TrainOptions options(final Args args) {
		final TrainOptions o = new TrainOptions();
		for (final Field f : TrainOptions.class.getFields()) {
			if (Modifier.isStatic(f.getModifiers())) continue;
			final String key = option(f.getName());
			try {
				final Class<?> c = f.getType();
				if (c == int.class) f.setInt(o, args.getInt(key, f.getInt(o)));
				else if (c == double.class) f.setDouble(o, args.getDouble(key, f.getDouble(o)));
				else if (c == boolean.class) f.setBoolean(o, bool(key, args.get(key, Boolean.toString(f.getBoolean(o)))));
				else if (c == String.class) f.set(o, args.get(key, (String) f.get(o)));
				else if (c == Path.class) f.set(o, path(args.get(key, null)));
				else throw new IllegalStateException("no option type for " + f);
			}
			catch (final IllegalAccessException e) {
				throw new IllegalStateException(e);
			}
		}
		return o;
	}

	/** The option name of a field: "batchSize" -> "batch-size". */
	static String option(final String field) {
		return field.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
	}

	/** The options and their defaults, for the usage text: lines of at most 100 characters after {@code indent}. */
	static String usage(final String indent) {
		final StringBuilder b = new StringBuilder();
		final TrainOptions o = new TrainOptions();
		int line = 0;
		for (final Field f : TrainOptions.class.getFields()) {
			if (Modifier.isStatic(f.getModifiers())) continue;
			try {
				final Object v = f.get(o);
				final String item = "--" + option(f.getName()) + " " + (v == null ? "(none)" : v);
				if (line > 0 && line + 1 + item.length() > 100 - indent.length()) {
					b.append('\n').append(indent);
					line = 0;
				}
				else if (line > 0) {
					b.append(' ');
					line++;
				}
				b.append(item);
				line += item.length();
			}
			catch (final IllegalAccessException e) {
				throw new IllegalStateException(e);
			}
		}
		return b.toString();
	}

	private static boolean bool(final String key, final String v) {
		if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) return Boolean.parseBoolean(v);
		throw new AmatException("--" + key + " needs true or false, got '" + v + "'.");
	}

	private static Path path(final String s) {
		return s == null || s.trim().isEmpty() ? null : Paths.get(s);
	}

	private static void delete(final Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (final IOException e) {
			throw new AmatException("Cannot delete the checkpoint " + file + ": " + e.getMessage(), e);
		}
	}

	/** Epoch lines with the time left, and a step line at most every 30 seconds within long epochs. */
	private static final class Progress implements TrainingListener {

		private final ConsoleProgress lines;
		private final PrintStream out;
		private long lastStep = System.nanoTime();

		Progress(final PrintStream out) {
			this.out = out;
			this.lines = new ConsoleProgress(out, "");
		}

		@Override
		public void started(final int epochs, final int stepsPerEpoch, final int trainingSize, final int validationSize,
			final String description)
		{
			lines.started(epochs, stepsPerEpoch, trainingSize, validationSize, description);
		}

		@Override
		public void step(final int epoch, final int step, final int steps, final float loss, final double secondsLeft) {
			if (System.nanoTime() - lastStep < 30_000_000_000L) return;
			lastStep = System.nanoTime();
			out.printf(Locale.ROOT, "  epoch %d step %d/%d  loss %.4f  ~%s left%n", epoch, step, steps, loss, Durations
				.text(secondsLeft));
		}

		@Override
		public void epochEnded(final EpochSummary s) {
			lines.epochEnded(s);
		}

		@Override
		public void message(final String text) {
			lines.message(text);
		}
	}
}
