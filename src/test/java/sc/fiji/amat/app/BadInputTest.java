package sc.fiji.amat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.AtomicFiles;
import sc.fiji.amat.TinyData;
import sc.fiji.amat.command.AmatTrainCommand;
import sc.fiji.amat.command.CommandsTest;
import sc.fiji.amat.command.RobustnessReportCommand;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ModelFile;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.nn.MemoryEstimate;
import sc.fiji.amat.report.ReportSettings;
import sc.fiji.amat.report.RobustnessReport;
import sc.fiji.amat.report.TestSet;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.train.ModelTrainer;
import sc.fiji.amat.train.StandardTraining;
import sc.fiji.amat.train.TrainingSettings;

/**
 * The rows of docs/reliability.md: each bad input through the library, the command line
 * ({@code scripts/amat report}, in-process) and a SciJava command (headless), each refused with
 * one sentence naming the file, slice or parameter and nothing written, or accepted as stated.
 */
class BadInputTest {

	@TempDir
	static Path dir;
	private static Context context;
	private static CommandService commands;
	private static Path model, images, labels;
	/** row -> route -> message, printed at the end (the table's third column). */
	private static final Map<String, Map<String, String>> SEEN = new TreeMap<>();

	@BeforeAll
	static void fixtures() throws IOException {
		context = sc.fiji.amat.TestContexts.commands();
		commands = context.service(CommandService.class);
		model = dir.resolve("seg.amat.zip");
		try (AmatModel m = TinyData.trainStandard(TinyData.squares(8, 3), 1)) {
			m.save(model);
		}
		final ImagePlus[] sq = CommandsTest.squares(4);
		images = tif(sq[0], "images.tif");
		labels = tif(sq[1], "labels.tif");
	}

	@AfterAll
	static void stop() {
		context.dispose();
		SEEN.forEach((row, routes) -> routes.forEach((route, m) -> System.out.println("| " + row + " | " + route + " | " +
			m + " |")));
	}

	// ---- the routes

	static Path tif(final ImagePlus imp, final String name) {
		return tifIn(dir, imp, name);
	}

	static Path tifIn(final Path folder, final ImagePlus imp, final String name) {
		final Path p = folder.resolve(name);
		assertTrue(imp.getStackSize() > 1 ? new FileSaver(imp).saveAsTiffStack(p.toString()) : new FileSaver(imp)
			.saveAsTiff(p.toString()));
		return p;
	}

	/** The library's one-sentence error (it must throw one). */
	static String library(final String row, final Executable e) {
		String m = null;
		try {
			e.execute();
		}
		catch (final AmatException x) {
			m = x.getMessage();
		}
		catch (final Throwable t) {
			throw new AssertionError(row + ": not an AmatException", t);
		}
		return seen(row, "library", m);
	}

	/** {@code scripts/amat ARGS} in-process: the message it prints after "AMAT: " (exit code 1), or null. */
	static String cli(final String row, final String... args) {
		String m = null;
		try {
			final Args a = new Args(args, 1);
			switch (args[0]) {
				case "report":
					Report.run(a);
					break;
				case "generate":
					Generate.run(a);
					break;
				case "train":
					Train.run(a, new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true, "UTF-8"));
					break;
				case "attack":
					Attack.run(a, new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true, "UTF-8"));
					break;
				default:
					throw new IllegalArgumentException(args[0]);
			}
		}
		catch (final AmatException x) {
			m = x.getMessage();
		}
		catch (final java.io.UnsupportedEncodingException x) {
			throw new AssertionError(x);
		}
		return seen(row, args[0].equals("train") ? "cli train" : args[0].equals("attack") ? "cli attack" : "cli", m);
	}

	/** A command run headless: its cancel reason, or null when it ran. */
	static String command(final String row, final Class<? extends Command> type, final Object... keyValues)
		throws Exception
	{
		final Map<String, Object> inputs = new HashMap<>();
		for (int i = 0; i < keyValues.length; i += 2) inputs.put((String) keyValues[i], keyValues[i + 1]);
		final CommandModule m = commands.run(type, true, inputs).get();
		return seen(row, "command", m.isCanceled() ? m.getCancelReason() : null);
	}

	/** A row another test class checks (printed with this class's rows when it runs in the same JVM). */
	static void seenExternally(final String row, final String message) {
		for (final String r : new String[] { "library", "cli", "command" }) seen(row, r, message);
	}

	private static String seen(final String row, final String route, final String m) {
		SEEN.computeIfAbsent(row, k -> new TreeMap<>()).put(route, m == null ? "(accepted)" : m);
		return m;
	}

	static String[] report(final Path models, final Path imgs, final Path lbls, final Path out, final String... more) {
		final List<String> a = new ArrayList<>(Arrays.asList("report", "--models", models.toString(), "--images", imgs
			.toString(), "--labels", lbls.toString(), "--out", out.toString(), "--attacks", "noise", "--eps", "0,0.1",
			"--no-extra-checks", "--examples", "0", "--threads", "1", "--batch", "4"));
		a.addAll(Arrays.asList(more));
		return a.toArray(new String[0]);
	}

	/** {@code scripts/amat train} on tiny settings. */
	static String[] trainCli(final Path imgs, final Path lbls, final Path out, final String... more) {
		final List<String> a = new ArrayList<>(Arrays.asList("train", "--images", imgs.toString(), "--labels", lbls
			.toString(), "--out", out.toString(), "--method", "Standard", "--epochs", "1", "--batch-size", "4",
			"--network-depth", "2", "--network-width", "4", "--device", "cpu", "--threads", "1", "--validation-fraction",
			"0.25"));
		a.addAll(Arrays.asList(more));
		return a.toArray(new String[0]);
	}

	static Object[] train(final ImagePlus imgs, final ImagePlus lbls, final Path out, final Object... more) {
		final List<Object> a = new ArrayList<>(Arrays.asList("image_stack", imgs, "label_stack", lbls, "task",
			"segmentation", "method", "Standard", "model_file", out.toFile(), "epochs", 1, "batch_size", 4, "network_depth",
			2, "network_width", 4, "device", "cpu", "validation_fraction", 0.25));
		a.addAll(Arrays.asList(more));
		return a.toArray();
	}

	static Object[] reportCommand(final String models, final ImagePlus imgs, final ImagePlus lbls, final Path out,
		final Object... more)
	{
		final List<Object> a = new ArrayList<>(Arrays.asList("model_files", models, "test_images", imgs, "test_labels",
			lbls, "attacks", "noise", "noise_levels", "0,0.1", "output_folder", out.toFile(), "device", "cpu"));
		a.addAll(Arrays.asList(more));
		return a.toArray();
	}

	/** One sentence naming what is wrong. */
	static void refused(final String m, final String... names) {
		assertNotNull(m, "refused");
		assertFalse(m.contains("\n"), m);
		assertEquals(1, m.split("\\. [A-Z]").length, "one sentence: " + m);
		assertTrue(m.endsWith(".") || m.endsWith(")"), m);
		for (final String n : names) assertTrue(m.contains(n), "names '" + n + "': " + m);
	}

	/** Neither the outputs nor a temporary file exist. */
	static void nothingWritten(final Path... outputs) throws IOException {
		for (final Path p : outputs) assertFalse(Files.exists(p), p + " was written");
		try (Stream<Path> s = Files.walk(dir)) {
			final List<Path> tmp = s.filter(p -> p.getFileName().toString().endsWith(".tmp") || p.getFileName().toString()
				.contains(".tmp-")).collect(Collectors.toList());
			assertTrue(tmp.isEmpty(), "temporary files left: " + tmp);
		}
	}

	static ImagePlus stack(final String title, final int n, final int w, final int h, final java.util.function.IntFunction<
		ij.process.ImageProcessor> slice)
	{
		final ImageStack s = new ImageStack(w, h);
		for (int i = 0; i < n; i++) s.addSlice(slice.apply(i));
		return new ImagePlus(title, s);
	}

	static ImagePlus open(final Path p) {
		return ij.IJ.openImage(p.toString());
	}

	// ---- the rows: labelled data

	@Test
	void imageAndLabelSizesDiffer() throws Exception {
		final ImagePlus small = stack("small-labels", 4, 8, 8, i -> new ByteProcessor(8, 8));
		final Path lf = tif(small, "small-labels.tif"), out = dir.resolve("r1"), m = dir.resolve("r1.amat.zip");
		refused(library("1 sizes", () -> TestSet.fromFiles("segmentation", images, lf)), "small-labels");
		refused(cli("1 sizes", report(model, images, lf, out)), "small-labels");
		refused(cli("1 sizes", trainCli(images, lf, m)), "small-labels");
		refused(command("1 sizes", AmatTrainCommand.class, train(open(images), small, m)), "small-labels");
		nothingWritten(out, m);
	}

	@Test
	void imageAndLabelCountsDiffer() throws Exception {
		final ImagePlus three = stack("three-labels", 3, 16, 16, i -> open(labels).getStack().getProcessor(i + 1));
		final Path lf = tif(three, "three-labels.tif"), out = dir.resolve("r2"), m = dir.resolve("r2.amat.zip");
		refused(library("2 counts", () -> TestSet.fromFiles("segmentation", images, lf)), "3", "4");
		refused(cli("2 counts", report(model, images, lf, out)), "3", "4");
		refused(command("2 counts", AmatTrainCommand.class, train(open(images), three, m)), "3", "4");
		nothingWritten(out, m);
	}

	@Test
	void labelValuesOutsideTheClassList() throws Exception {
		final ImagePlus five = open(labels);
		five.getStack().getProcessor(3).set(2, 1, 5);
		five.setTitle("five-labels");
		final Path lf = tif(five, "five-labels.tif"), out = dir.resolve("r3"), m = dir.resolve("r3.amat.zip");
		// the report knows the model's 2 classes: a label 5 is outside them
		refused(library("3 label values", () -> RobustnessReport.evaluate(List.of(model), TestSet.fromFiles("segmentation",
			images, lf), quick(), null)), "5");
		refused(cli("3 label values", report(model, images, lf, out)), "5");
		refused(command("3 label values", RobustnessReportCommand.class, reportCommand(model.toString(), open(images),
			five, out)), "5");
		nothingWritten(out, m);
	}

	@Test
	void allBackgroundLabels() throws Exception {
		final ImagePlus empty = stack("empty-labels", 4, 16, 16, i -> new ByteProcessor(16, 16));
		final Path lf = tif(empty, "empty-labels.tif"), m = dir.resolve("r4.amat.zip"), out = dir.resolve("r4");
		refused(library("4 all background", () -> sc.fiji.amat.task.ij.ImageJTasks.type("segmentation").fromImages(open(
			images), empty, Normalization.zscore(), new sc.fiji.amat.nn.NetworkConfig(2, 4,
				sc.fiji.amat.nn.NetworkConfig.Norm.BATCH))), "empty");
		// a test set without any object is refused too: no metric could tell a model from another
		refused(cli("4 all background", report(model, images, lf, out)), "empty");
		refused(cli("4 all background", trainCli(images, lf, m)), "empty");
		refused(command("4 all background", AmatTrainCommand.class, train(open(images), empty, m)), "empty");
		nothingWritten(m, out);
	}

	/** A model file like seg.amat.zip but saying something else in model.json. */
	static Path edited(final String name, final java.util.function.Consumer<ModelInfo> edit) {
		final ModelFile f = ModelFile.read(model);
		final ModelInfo info = f.info();
		edit.accept(info);
		final Path p = dir.resolve(name);
		new ModelFile(info, Map.of(ModelFile.WEIGHTS, f.entry(ModelFile.WEIGHTS))).write(p);
		return p;
	}

	@Test
	void landmarksOutsideTheImage() throws Exception {
		final Path csv = dir.resolve("landmarks.csv"), out = dir.resolve("r5"), m = dir.resolve("r5.amat.zip");
		Files.write(csv, ("image,landmark,x,y\n1,tip,3,4\n2,tip,5,6\n3,tip,40,7\n4,tip,2,2\n").getBytes(
			StandardCharsets.UTF_8));
		final Path lm = edited("landmarks.amat.zip", i -> i.task = "landmarks");
		refused(library("5 landmarks outside", () -> TestSet.fromFiles("landmarks", images, csv)), "landmarks.csv",
			"line 4", "outside");
		refused(cli("5 landmarks outside", report(lm, images, csv, out)), "landmarks.csv", "line 4");
		refused(command("5 landmarks outside", AmatTrainCommand.class, "image_folder", images.toFile(), "label_file", csv
			.toFile(), "task", "landmarks", "method", "Standard", "model_file", m.toFile(), "epochs", 1, "device", "cpu"),
			"landmarks.csv", "line 4");
		nothingWritten(out, m);
	}

	@Test
	void boxesOfNegativeSize() throws Exception {
		final Path csv = dir.resolve("boxes.csv"), out = dir.resolve("r6"), m = dir.resolve("r6.amat.zip");
		Files.write(csv, ("image,class,xmin,ymin,xmax,ymax\n1,cell,2,2,6,6\n2,cell,9,3,4,8\n").getBytes(
			StandardCharsets.UTF_8));
		final Path det = edited("detection.amat.zip", i -> i.task = "detection");
		refused(library("6 negative boxes", () -> TestSet.fromFiles("detection", images, csv)), "boxes.csv", "line 3");
		refused(cli("6 negative boxes", report(det, images, csv, out)), "boxes.csv", "line 3");
		refused(command("6 negative boxes", AmatTrainCommand.class, "image_folder", images.toFile(), "label_file", csv
			.toFile(), "task", "detection", "method", "Standard", "model_file", m.toFile(), "epochs", 1, "device", "cpu"),
			"boxes.csv", "line 3");
		nothingWritten(out, m);
	}

	@Test
	void nanAndInfinitePixels() throws Exception {
		for (final float bad : new float[] { Float.NaN, Float.POSITIVE_INFINITY }) {
			final String row = Float.isNaN(bad) ? "7 NaN pixels" : "8 infinite pixels";
			final ImagePlus imp = open(images);
			imp.getStack().getProcessor(2).setf(5, 7, bad);
			imp.setTitle("bad-images");
			final Path f = tif(imp, "bad-images.tif"), out = dir.resolve("r7"), m = dir.resolve("r7.amat.zip");
			final String what = Float.isNaN(bad) ? "a NaN pixel" : "an infinite pixel";
			refused(library(row, () -> TestSet.fromFiles("segmentation", f, labels)), "Slice 2", "bad-images", what,
				"x 5, y 7");
			refused(cli(row, report(model, f, labels, out)), "Slice 2", what);
			refused(cli(row, trainCli(f, labels, m)), "Slice 2", what);
			refused(command(row, AmatTrainCommand.class, train(imp, open(labels), m)), "Slice 2", what);
			nothingWritten(out, m);
		}
	}

	/** Image types and shapes that are accepted: each route runs and writes its result. */
	@Test
	void sixteenBitThirtyTwoBitVolumesAndTimeSeriesAreAccepted() throws Exception {
		final ImagePlus f32 = open(images);
		final ImagePlus u16 = stack("u16-images", 4, 16, 16, i -> {
			final ShortProcessor sp = new ShortProcessor(16, 16);
			final FloatProcessor fp = (FloatProcessor) f32.getStack().getProcessor(i + 1);
			for (int k = 0; k < 256; k++) sp.set(k, Math.round(1000 + 500 * fp.getf(k)));
			return sp;
		});
		final ImagePlus volume = open(images);
		volume.setTitle("volume");
		volume.setDimensions(1, 4, 1); // z-slices: each a 2D sample
		final ImagePlus series = open(images);
		series.setTitle("series");
		series.setDimensions(1, 2, 2); // 2 z x 2 time points: 4 samples
		final Object[][] cases = { { "9 16-bit", u16 }, { "10 32-bit", f32 }, { "12 volume (z-stack)", volume }, {
			"13 time series", series } };
		for (final Object[] c : cases) {
			final String row = (String) c[0];
			final ImagePlus imp = (ImagePlus) c[1];
			final Path f = tif(imp, "accepted.tif"), out = dir.resolve("accepted-" + row.split(" ")[0]), m = dir.resolve(
				"accepted-" + row.split(" ")[0] + ".amat.zip");
			seen(row, "library", null);
			assertEquals(4, TestSet.fromFiles("segmentation", f, labels).size(), row);
			assertNull(cli(row, report(model, f, labels, out)), row);
			assertTrue(Files.exists(out.resolve("report.html")), row);
			assertNull(command(row, AmatTrainCommand.class, train(imp, open(labels), m)), row);
			assertEquals(1, ModelFile.read(m).info().inputChannels, row);
		}
	}

	@Test
	void rgbIsReadAsThreeChannels() throws Exception {
		final ImagePlus rgb = stack("rgb-images", 4, 16, 16, i -> ((FloatProcessor) open(images).getStack().getProcessor(i +
			1)).convertToByteProcessor().convertToColorProcessor());
		final Path f = tif(rgb, "rgb-images.tif"), out = dir.resolve("r11"), m = dir.resolve("r11.amat.zip");
		seen("11 RGB", "library", null);
		final TestSet<?> t = TestSet.fromFiles("segmentation", f, labels);
		assertEquals(3, t.channels());
		// a grayscale model cannot take RGB test images
		refused(cli("11 RGB", report(model, f, labels, out)), "3", "1");
		// training reads RGB as three channels
		assertNull(command("11 RGB", AmatTrainCommand.class, train(rgb, open(labels), m)));
		assertEquals(3, ModelFile.read(m).info().inputChannels);
		nothingWritten(out);
	}

	// ---- model files

	@Test
	void truncatedAndForeignModelFiles() throws Exception {
		final byte[] all = Files.readAllBytes(model);
		final Path truncated = dir.resolve("truncated.amat.zip");
		Files.write(truncated, Arrays.copyOf(all, all.length / 2));
		final Path notModel = dir.resolve("photos.zip");
		try (OutputStream o = Files.newOutputStream(notModel); ZipOutputStream z = new ZipOutputStream(o)) {
			z.putNextEntry(new ZipEntry("holiday.txt"));
			z.write("sun".getBytes(StandardCharsets.UTF_8));
		}
		final Path future = edited("future.amat.zip", i -> i.formatVersion = 99);
		final Path other = edited("other-task.amat.zip", i -> i.task = "landmarks");
		final Object[][] cases = { { "14 truncated model zip", truncated.toString(), "truncated" }, {
			"17 zip that is not a model", notModel.toString(), "not an AMAT model file" }, { "16 model from a future version",
				future.toString(), "format 99" }, { "15 model of another task", model + "," + other, "landmarks" } };
		for (final Object[] c : cases) {
			final String row = (String) c[0], models = (String) c[1], what = (String) c[2];
			final String named = Path.of(models.split(",")[models.split(",").length - 1]).getFileName().toString()
				.replace(".amat.zip", "");
			final Path out = dir.resolve("models-" + row.split(" ")[0]);
			refused(library(row, () -> RobustnessReport.evaluate(Arrays.stream(models.split(",")).map(Path::of).collect(
				Collectors.toList()), TestSet.fromFiles("segmentation", images, labels), quick(), null)), named, what);
			refused(cli(row, report(Path.of(models), images, labels, out)), named, what);
			refused(command(row, RobustnessReportCommand.class, reportCommand(models.replace(',', ';'), open(images), open(
				labels), out)), named, what);
			nothingWritten(out);
		}
	}

	// ---- settings

	@Test
	void noiseLevelsNegativeOrUnsorted() throws Exception {
		for (final String[] c : new String[][] { { "18 negative eps", "0,-0.1" }, { "19 unsorted eps", "0,0.2,0.1" } }) {
			final Path out = dir.resolve("eps-" + c[0].split(" ")[0]);
			refused(library(c[0], () -> ReportSettings.checkEps(ReportSettings.parseEps(c[1]))), "noise levels");
			refused(cli(c[0], report(model, images, labels, out, "--eps", c[1])), "noise levels");
			refused(command(c[0], RobustnessReportCommand.class, reportCommand(model.toString(), open(images), open(labels),
				out, "noise_levels", c[1])), "noise levels");
			nothingWritten(out);
		}
	}

	@Test
	void zeroEpochs() throws Exception {
		final Path m = dir.resolve("r20.amat.zip");
		final TrainingSettings s = new TrainingSettings();
		s.epochs = 0;
		refused(library("20 zero epochs", s::check), "Epochs", "0");
		refused(cli("20 zero epochs", trainCli(images, labels, m, "--epochs", "0")), "Epochs", "0");
		refused(command("20 zero epochs", AmatTrainCommand.class, train(open(images), open(labels), m, "epochs", 0)),
			"Epochs", "0");
		nothingWritten(m);
	}

	@Test
	void aBatchLargerThanTheDataIsOneBatch() throws Exception {
		final LabeledData<Mask> data = TinyData.squares(6, 4);
		final TrainingSettings s = new TrainingSettings();
		s.epochs = 1;
		s.batchSize = 64;
		s.validationFraction = 0;
		seen("21 batch larger than the data", "library", null);
		try (AmatModel m = new ModelTrainer<>(TinyData.task(), data, Normalization.zscore(), s, new StandardTraining(),
			null).train())
		{
			assertEquals(64, m.info().training.batchSize);
		}
		final Path out = dir.resolve("r21"), m = dir.resolve("r21.amat.zip");
		assertNull(cli("21 batch larger than the data", report(model, images, labels, out, "--batch", "64")));
		assertNull(command("21 batch larger than the data", AmatTrainCommand.class, train(open(images), open(labels), m,
			"batch_size", 64)));
		assertTrue(Files.exists(m) && Files.exists(out.resolve("report.html")));
	}

	@Test
	void imagesSmallerThanTheNetworksMinimum() throws Exception {
		final ImagePlus tiny = stack("tiny-images", 4, 2, 2, i -> new FloatProcessor(2, 2, new float[] { i, 1, 2, 3 }));
		final ImagePlus tinyLabels = stack("tiny-labels", 4, 2, 2, i -> new ByteProcessor(2, 2, new byte[] { 1, 0, 0, 0 },
			null));
		final Path f = tif(tiny, "tiny-images.tif"), lf = tif(tinyLabels, "tiny-labels.tif"), out = dir.resolve("r22"),
			m = dir.resolve("r22.amat.zip");
		refused(library("22 image smaller than the network", () -> RobustnessReport.evaluate(List.of(model), TestSet
			.fromFiles("segmentation", f, lf), quick(), null)), "2x2", "4");
		refused(cli("22 image smaller than the network", report(model, f, lf, out)), "2x2", "4");
		refused(cli("22 image smaller than the network", trainCli(f, lf, m)), "2x2", "4");
		// the command trains on patches (16 x 16 here): the image is smaller than a patch
		refused(command("22 image smaller than the network", AmatTrainCommand.class, train(tiny, tinyLabels, m,
			"patch_size", 16)), "2x2", "tiny-images");
		nothingWritten(out, m);
	}

	// ---- output

	@Test
	void anOutputFolderThatCannotBeWritten() throws Exception {
		final Path file = dir.resolve("a-file");
		Files.write(file, new byte[] { 1 });
		final Path m = file.resolve("m.amat.zip"), out = file.resolve("report");
		refused(library("23 output folder not writable", () -> {
			try (AmatModel a = AmatModel.load(model, ai.djl.Device.cpu())) {
				a.save(m);
			}
		}), "a-file");
		refused(cli("23 output folder not writable", report(model, images, labels, out)), "a-file");
		refused(command("23 output folder not writable", AmatTrainCommand.class, train(open(images), open(labels), m)),
			"a-file");
		assertEquals(1, Files.size(file));
		nothingWritten();
	}

	@Test
	void aFullDisk() throws Exception {
		final Path m = dir.resolve("full.amat.zip"), out = dir.resolve("full-report"), m2 = dir.resolve("full2.amat.zip"),
			m3 = dir.resolve("full3.amat.zip");
		System.setProperty(AtomicFiles.DISK_FULL_AFTER, "200");
		try {
			refused(library("24 full disk (simulated)", () -> {
				try (AmatModel a = AmatModel.load(model, ai.djl.Device.cpu())) {
					a.save(m);
				}
			}), "full.amat.zip", "the disk is full");
			refused(cli("24 full disk (simulated)", report(model, images, labels, out)), "full-report", "the disk is full");
			refused(cli("24 full disk (simulated)", trainCli(images, labels, m3)), "full3-checkpoint.amat.zip",
				"the disk is full"); // its first file is the checkpoint after epoch 1
			refused(command("24 full disk (simulated)", AmatTrainCommand.class, train(open(images), open(labels), m2)),
				"full2.amat.zip", "the disk is full");
		}
		finally {
			System.clearProperty(AtomicFiles.DISK_FULL_AFTER);
		}
		nothingWritten(m, out, m2, m3, dir.resolve("full3-checkpoint.amat.zip"));
	}

	@Test
	void aRequestFarOverTheMemory() throws Exception {
		final Path m = dir.resolve("r26.amat.zip"), out = dir.resolve("r26");
		// room for a training batch of 2 tiny images, no more
		final long room = new MemoryEstimate(TinyData.task().network(), 1, 2).bytes(MemoryEstimate.Use.TRAINING, 2, 16,
			16) + 1;
		System.setProperty(MemoryEstimate.AVAILABLE, Long.toString(room));
		try {
			final TrainingSettings s = new TrainingSettings();
			s.epochs = 1;
			s.batchSize = 8;
			refused(library("26 memory far over what is available", () -> new ModelTrainer<>(TinyData.task(), TinyData
				.squares(16, 2), Normalization.zscore(), s, new StandardTraining(), null).train()), "set the batch size to 2 or less");
			refused(cli("26 memory far over what is available", report(model, images, labels, out, "--batch", "64")),
				"set the report's batch size (--batch) to");
			refused(cli("26 memory far over what is available", trainCli(images, labels, m, "--batch-size", "64")),
				"set the batch size to");
			refused(command("26 memory far over what is available", AmatTrainCommand.class, train(open(images), open(labels),
				m, "batch_size", 64)), "set the batch size to");
		}
		finally {
			System.clearProperty(MemoryEstimate.AVAILABLE);
		}
		nothingWritten(m, out);
	}

	static ReportSettings quick() {
		final ReportSettings s = new ReportSettings();
		s.attacks = ReportSettings.parseAttacks("noise");
		s.eps = new double[] { 0, 0.1 };
		s.extraChecks = false;
		s.exampleCount = 0;
		s.batchSize = 4;
		return s;
	}

	// ---- volumes to attack (Adversarial Attack on a NIfTI file, scripts/amat attack)

	@Test
	void aVolumeToAttackWithALabelOfAnotherShapeOrChannelsTheModelDoesNotTake() throws Exception {
		final Path v = dir.resolve("vol.nii.gz"), other = dir.resolve("other-label.nii.gz"), two = dir.resolve(
			"two-channels.nii.gz"), out = dir.resolve("r27");
		sc.fiji.amat.eval.VolumeAttackTest.volume(v, null, 16, 12, 4, 1);
		sc.fiji.amat.eval.VolumeAttackTest.volume(dir.resolve("other.nii.gz"), other, 16, 12, 5, 1);
		sc.fiji.amat.eval.VolumeAttackTest.volume(two, null, 16, 12, 4, 2);
		final String row = "27 attack: a label volume of another shape", row4d = "28 attack: a 4D volume, 1-channel model";
		refused(library(row, () -> {
			try (AmatModel a = AmatModel.load(model, ai.djl.Device.cpu())) {
				sc.fiji.amat.eval.VolumeAttack.run(a, v, other, sc.fiji.amat.eval.VolumeAttackTest.pgd(2), sc.fiji.amat.eval.VolumeAttackTest
					.budget(), new sc.fiji.amat.eval.VolumeAttack.Settings(), null);
			}
		}), "other-label.nii.gz", "vol.nii.gz", "16x12x5");
		refused(cli(row, "attack", "--model", model.toString(), "--image", v.toString(), "--labels", other.toString(),
			"--out", out.toString(), "--iterations", "2", "--threads", "1"), "other-label.nii.gz", "16x12x5");
		refused(command(row, sc.fiji.amat.command.AdversarialAttackCommand.class, "input_file", v.toFile(), "label_file",
			other.toFile(), "model_file", model.toFile(), "iterations", 2, "device", "cpu", "output_folder", out.toFile()),
			"other-label.nii.gz", "16x12x5");
		refused(cli(row4d, "attack", "--model", model.toString(), "--image", two.toString(), "--out", out.toString(),
			"--iterations", "2", "--threads", "1"), "two-channels.nii.gz", "2 channel(s)");
		refused(command(row4d, sc.fiji.amat.command.AdversarialAttackCommand.class, "input_file", two.toFile(),
			"model_file", model.toFile(), "iterations", 2, "device", "cpu", "output_folder", out.toFile()),
			"two-channels.nii.gz", "2 channel(s)");
		nothingWritten(out);
	}
}
