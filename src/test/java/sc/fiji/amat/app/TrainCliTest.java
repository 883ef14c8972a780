package sc.fiji.amat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import com.google.gson.JsonArray;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.command.CommandsTest;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.train.TrainOptions;

/** {@code scripts/amat train} in-process: a model written and loadable, a resumed run, patches, errors. */
class TrainCliTest {

	@TempDir
	Path dir;

	private static final String[] TINY = { "--method", "standard", "--network-depth", "2", "--network-width", "4",
		"--batch-size", "4", "--threads", "1", "--device", "cpu", "--learning-rate", "0.005" };

	private String[] args(final String... more) {
		final List<String> a = new ArrayList<>(Arrays.asList(TINY));
		a.addAll(Arrays.asList(more));
		return a.toArray(new String[0]);
	}

	private Path[] stacks(final int n) {
		final ImagePlus[] data = CommandsTest.squares(n);
		final Path images = dir.resolve("images.tif"), labels = dir.resolve("labels.tif");
		IJ.saveAsTiff(data[0], images.toString());
		IJ.saveAsTiff(data[1], labels.toString());
		return new Path[] { images, labels };
	}

	private static String run(final String... args) {
		final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (PrintStream out = new PrintStream(bytes, true)) {
			Train.run(new Args(args, 0), out);
		}
		return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
	}

	@Test
	void theOptionsAreTheCommandsWithItsDefaults() {
		assertEquals("batch-size", Train.option("batchSize"));
		final TrainOptions o = Train.options(new Args(new String[] { "--epochs", "3", "--follow-model", "false",
			"--warm-start" }, 0));
		assertEquals(3, o.epochs);
		assertFalse(o.followModel);
		assertTrue(o.warmStart);
		final TrainOptions d = Train.options(new Args(new String[0], 0));
		assertEquals(new TrainOptions().learningRate, d.learningRate);
		assertEquals("AMAT", d.method);
		final String usage = Train.usage("  ");
		assertTrue(usage.contains("--threshold-statistic quantile"), usage);
		for (final String line : usage.split("\n")) assertTrue(line.length() <= 100, line);
	}

	/** The CLI's options are the command's parameters (but the data and the model file), with the same defaults. */
	@Test
	void theCommandAndTheCommandLineShareTheirOptions() throws Exception {
		final java.util.Set<String> command = new java.util.TreeSet<>(), options = new java.util.TreeSet<>();
		final sc.fiji.amat.command.AmatTrainCommand c = new sc.fiji.amat.command.AmatTrainCommand();
		final TrainOptions d = new TrainOptions();
		for (final java.lang.reflect.Field f : c.getClass().getDeclaredFields()) {
			final org.scijava.plugin.Parameter p = f.getAnnotation(org.scijava.plugin.Parameter.class);
			if (p == null || p.type() != org.scijava.ItemIO.INPUT) continue;
			if (Arrays.asList("image_stack", "label_stack", "image_folder", "label_folder", "label_file", "model_file")
				.contains(f.getName())) continue;
			command.add(f.getName());
			final java.lang.reflect.Field o = TrainOptions.class.getField(toCamel(f.getName()));
			f.setAccessible(true);
			assertEquals(String.valueOf(o.get(d)), String.valueOf(f.get(c)), f.getName());
		}
		for (final java.lang.reflect.Field f : TrainOptions.class.getFields()) {
			if (!java.lang.reflect.Modifier.isStatic(f.getModifiers())) options.add(
				Train.option(f.getName()).replace('-', '_'));
		}
		assertEquals(options, command);
	}

	private static String toCamel(final String snake) {
		final StringBuilder b = new StringBuilder();
		boolean up = false;
		for (final char ch : snake.toCharArray()) {
			if (ch == '_') up = true;
			else {
				b.append(up ? Character.toUpperCase(ch) : ch);
				up = false;
			}
		}
		return b.toString();
	}

	@Test
	void oneEpochWritesAModelThatLoads() {
		final Path[] data = stacks(8);
		final Path out = dir.resolve("m.amat.zip");
		final String console = run(args("--images", data[0].toString(), "--labels", data[1].toString(), "--out", out
			.toString(), "--epochs", "1"));
		assertTrue(console.contains("epoch  1/1"), console);
		assertTrue(console.contains("left"), console);
		assertTrue(Files.exists(out));
		assertFalse(Files.exists(Train.checkpoint(out)), "the checkpoint is deleted once the model is saved");
		try (AmatModel m = AmatModel.load(out, "segmentation", Device.cpu())) {
			assertEquals(1, m.info().training.epochsCompleted);
			assertEquals("standard", m.info().training.method.toLowerCase(java.util.Locale.ROOT));
			assertEquals(16, m.info().inputHeight);
		}
	}

	@Test
	void aRunStartedAgainResumesFromItsCheckpoint() {
		final Path[] data = stacks(8);
		final Path whole = dir.resolve("whole.amat.zip"), parts = dir.resolve("parts.amat.zip");
		final String[] common = { "--images", data[0].toString(), "--labels", data[1].toString() };
		run(args(concat(common, "--out", whole.toString(), "--epochs", "2")));
		// "killed" after epoch 1: its checkpoint is there
		run(args(concat(common, "--out", parts.toString(), "--epochs", "1", "--keep-checkpoint")));
		assertTrue(Files.exists(Train.checkpoint(parts)));
		final String console = run(args(concat(common, "--out", parts.toString(), "--epochs", "2")));
		assertTrue(console.contains("resuming from the checkpoint"), console);
		assertTrue(console.contains("after epoch 1"), console);
		assertFalse(console.contains("epoch  1/2"), "epoch 1 is not trained again: " + console);
		try (AmatModel a = AmatModel.load(whole, Device.cpu()); AmatModel b = AmatModel.load(parts, Device.cpu())) {
			final JsonArray la = a.info().training.history.getAsJsonArray("loss"), lb = b.info().training.history
				.getAsJsonArray("loss");
			assertEquals(2, lb.size());
			assertEquals(la.get(0).getAsDouble(), lb.get(0).getAsDouble(), 1e-6, "epoch 1 kept from the checkpoint");
			assertEquals(la.get(1).getAsDouble(), lb.get(1).getAsDouble(), 1e-4 * Math.abs(la.get(1).getAsDouble()),
				"epoch 2 continues exactly (weights, optimizer state, seeds)");
		}
		// --fresh starts afresh and ignores a checkpoint
		run(args(concat(common, "--out", parts.toString(), "--epochs", "1", "--keep-checkpoint")));
		final String afresh = run(args(concat(common, "--out", parts.toString(), "--epochs", "1", "--fresh")));
		assertFalse(afresh.contains("resuming"), afresh);
	}

	@Test
	void amatResumesOnTheStandardModelItSaved() {
		final Path[] data = stacks(8);
		final Path out = dir.resolve("amat.amat.zip");
		final String[] a = { "--images", data[0].toString(), "--labels", data[1].toString(), "--out", out.toString(),
			"--method", "AMAT", "--pgd-steps", "1" };
		final String first = run(args(concat(a, "--epochs", "1", "--keep-checkpoint")));
		assertTrue(first.contains("step 1 of 2"), first);
		final Path standard = TrainOptions.standardModelOut(out);
		assertTrue(Files.exists(standard));
		final String resumed = run(args(concat(a, "--epochs", "2")));
		assertTrue(resumed.contains("after epoch 1"), resumed);
		assertFalse(resumed.contains("step 1 of 2"), "the standard model is not trained again: " + resumed);
		try (AmatModel m = AmatModel.load(out, Device.cpu())) {
			assertEquals(2, m.info().training.epochsCompleted);
			assertEquals(2, m.info().training.history.getAsJsonArray("loss").size());
		}
	}

	@Test
	void patchesFromImagesOfAnySize() throws Exception {
		final Path images = Files.createDirectory(dir.resolve("img")), labels = Files.createDirectory(dir.resolve("lab"));
		final int[][] sizes = { { 24, 20 }, { 32, 40 }, { 20, 28 }, { 36, 24 }, { 28, 28 } };
		for (int i = 0; i < sizes.length; i++) write(images, labels, "im" + i + ".tif", sizes[i][0], sizes[i][1], i);
		final Path out = dir.resolve("p.amat.zip");
		final String console = run(args("--images", images.toString(), "--labels", labels.toString(), "--out", out
			.toString(), "--epochs", "1", "--patch-size", "16"));
		assertTrue(console.contains("16x16 patches"), console);
		try (AmatModel m = AmatModel.load(out, Device.cpu())) {
			assertEquals(16, m.info().inputWidth);
			assertEquals(5, m.info().training.trainingSize + m.info().training.validationSize);
		}
		// a patch size the U-Net cannot take, an image smaller than the patches: one sentence, nothing written
		final Path bad = dir.resolve("bad.amat.zip");
		final AmatException notMultiple = assertThrows(AmatException.class, () -> run(args("--images", images.toString(),
			"--labels", labels.toString(), "--out", bad.toString(), "--patch-size", "18")));
		assertTrue(notMultiple.getMessage().contains("multiple of 4"), notMultiple.getMessage());
		write(images, labels, "small.tif", 12, 30, 9);
		final AmatException small = assertThrows(AmatException.class, () -> run(args("--images", images.toString(),
			"--labels", labels.toString(), "--out", bad.toString(), "--patch-size", "16")));
		assertTrue(small.getMessage().contains("small.tif") && small.getMessage().contains("12x30"), small.getMessage());
		assertFalse(Files.exists(bad));
		assertFalse(Files.exists(Train.checkpoint(bad)));
	}

	@Test
	void amatOnPatchesKeepsOneMarginPerImage() throws Exception {
		final Path images = Files.createDirectory(dir.resolve("img")), labels = Files.createDirectory(dir.resolve("lab"));
		for (int i = 0; i < 6; i++) write(images, labels, "im" + i + ".tif", 20 + 4 * i, 28 - 2 * i, 20 + i);
		final Path out = dir.resolve("amat-patches.amat.zip");
		run(args("--images", images.toString(), "--labels", labels.toString(), "--out", out.toString(), "--epochs", "2",
			"--patch-size", "16", "--method", "AMAT", "--pgd-steps", "1", "--batch-size", "2"));
		try (AmatModel m = AmatModel.load(out, Device.cpu())) {
			final JsonArray ids = m.info().training.methodState.getAsJsonArray("ids");
			assertEquals(m.info().training.trainingSize, ids.size(), "one margin per training image");
			final java.util.Set<Integer> seen = new java.util.HashSet<>();
			for (int k = 0; k < ids.size(); k++) {
				final int id = ids.get(k).getAsInt();
				assertTrue(id >= 0 && id < 6 && seen.add(id), "image ids, each once: " + ids);
			}
		}
	}

	@Test
	void theFijiCommandTrainsOnPatchesToo() throws Exception {
		final Path images = Files.createDirectory(dir.resolve("img")), labels = Files.createDirectory(dir.resolve("lab"));
		for (int i = 0; i < 4; i++) write(images, labels, "im" + i + ".tif", 20 + 4 * i, 24, 40 + i);
		final Path out = dir.resolve("cmd.amat.zip");
		final org.scijava.Context context = sc.fiji.amat.TestContexts.commands();
		try {
			final java.util.Map<String, Object> in = new java.util.HashMap<>();
			in.put("image_folder", images.toFile());
			in.put("label_folder", labels.toFile());
			in.put("model_file", out.toFile());
			in.put("method", "standard");
			in.put("epochs", 1);
			in.put("batch_size", 2);
			in.put("network_depth", 2);
			in.put("network_width", 4);
			in.put("device", "cpu");
			in.put("patch_size", 16);
			final org.scijava.command.CommandModule module = context.service(org.scijava.command.CommandService.class).run(
				sc.fiji.amat.command.AmatTrainCommand.class, true, in).get();
			assertFalse(module.isCanceled(), module.getCancelReason());
		}
		finally {
			context.dispose();
		}
		try (AmatModel m = AmatModel.load(out, Device.cpu())) {
			assertEquals(16, m.info().inputHeight);
			assertEquals(4, m.info().training.trainingSize + m.info().training.validationSize);
		}
	}

	@Test
	void clearErrors() {
		final AmatException noData = assertThrows(AmatException.class, () -> run(args("--out", dir.resolve("x.amat.zip")
			.toString())));
		assertTrue(noData.getMessage().contains("--images"), noData.getMessage());
		final AmatException unknown = assertThrows(AmatException.class, () -> run(args("--epoch", "3", "--out", dir
			.resolve("x.amat.zip").toString())));
		assertTrue(unknown.getMessage().contains("--epoch"), unknown.getMessage());
		final AmatException noOut = assertThrows(AmatException.class, () -> run(args("--images", dir.toString())));
		assertTrue(noOut.getMessage().contains("--out"), noOut.getMessage());
	}

	/** A noisy image with a bright rectangle (class 1), and its label, of that size. */
	private static void write(final Path images, final Path labels, final String name, final int w, final int h,
		final long seed)
	{
		final Random r = new Random(seed);
		final float[] im = new float[w * h];
		final byte[] lab = new byte[w * h];
		final int x0 = r.nextInt(w / 2), y0 = r.nextInt(h / 2);
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				final boolean in = x >= x0 && x < x0 + w / 3 && y >= y0 && y < y0 + h / 3;
				lab[y * w + x] = (byte) (in ? 1 : 0);
				im[y * w + x] = (float) ((in ? 1 : 0) + 0.3 * r.nextGaussian());
			}
		}
		IJ.saveAsTiff(new ImagePlus(name, new FloatProcessor(w, h, im)), images.resolve(name).toString());
		IJ.saveAsTiff(new ImagePlus(name, new ByteProcessor(w, h, lab)), labels.resolve(name).toString());
	}

	private static String[] concat(final String[] a, final String... b) {
		final String[] c = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, c, a.length, b.length);
		return c;
	}
}
