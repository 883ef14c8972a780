package sc.fiji.amat.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.amat.AtomicFiles;
import sc.fiji.amat.AmatException;
import sc.fiji.amat.AmatVersion;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.model.ModelFile;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.task.MetricTable;

/**
 * The on-disk format of a {@link ReportPart}: what {@code --slice K/N} and the {@code --only-*}
 * jobs write and {@code report-merge} reads. A part is a folder: {@value #INFO} (the plan, the
 * models' info and SHA-256 digests, the test set's digest, the units, gradients and examples) and
 * {@value #PER_IMAGE} (one row per model, attack, level, image and metric, with every value
 * written so it reads back exactly; see {@code PerImageCsv}).
 */
public final class ReportPartFormat {

	public static final String INFO = "part.json", PER_IMAGE = "per-image.csv";
	public static final int FORMAT_VERSION = 1;

	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
		.create();

	private ReportPartFormat() {}

	/** Everything that must be equal in parts of one sweep. */
	static JsonObject identity(final ReportPart part) {
		final JsonObject o = new JsonObject();
		final JsonObject settings = GSON.toJsonTree(part.plan.requested).getAsJsonObject();
		settings.remove("device"); // jobs may run on different devices
		o.add("settings", settings);
		o.add("noise levels", levels(part.plan.levels));
		o.addProperty("task", part.plan.taskType);
		o.addProperty("test set", part.digests.get(part.digests.size() - 1) + " " + part.plan.testSize);
		final JsonArray m = new JsonArray();
		for (int i = 0; i < part.plan.names.size(); i++) m.add(part.plan.names.get(i) + " " + part.digests.get(i));
		o.add("models", m);
		return o;
	}

	/**
	 * Refuses, before a job evaluates, a part folder it could not write: a file, a folder holding
	 * anything but an earlier part, or one whose parent is not writable. Creates nothing.
	 */
	public static void checkTarget(final Path dir) {
		ReportFiles.checkTarget(dir, "part folder", INFO, "a report part");
	}

	/**
	 * Writes the part into a folder: written beside it and moved into place, so a job that dies
	 * leaves no half-written part. An existing folder is replaced only when it is empty or a part.
	 */
	public static void write(final ReportPart part, final Path dir) {
		checkTarget(dir);
		final Path target = dir.toAbsolutePath().normalize();
		Path tmp = null;
		try {
			Files.createDirectories(target.getParent());
			tmp = Files.createDirectory(target.resolveSibling("." + target.getFileName() + ".tmp-" + Long.toHexString(System
				.nanoTime())));
			AtomicFiles.writeText(tmp.resolve(INFO), "the report part", GSON.toJson(toJson(part)));
			PerImageCsv.write(part, tmp.resolve(PER_IMAGE));
			if (Files.exists(target)) ReportFiles.deleteTree(target);
			AtomicFiles.move(tmp, target);
			tmp = null;
		}
		catch (final IOException e) {
			throw new AmatException("Cannot write the report part into " + target + ": " + e.getMessage() + ".", e);
		}
		finally {
			if (tmp != null) ReportFiles.deleteTree(tmp);
		}
	}

	private static JsonObject toJson(final ReportPart part) {
		final JsonObject o = new JsonObject();
		o.addProperty("format", FORMAT_VERSION);
		o.addProperty("amat", AmatVersion.library());
		o.addProperty("created", ReportFiles.now());
		o.addProperty("selection", part.selection);
		o.addProperty("seconds", part.seconds);
		o.add("settings", GSON.toJsonTree(part.plan.requested));
		o.add("levels", levels(part.plan.levels));
		o.addProperty("task", part.plan.taskType);
		o.addProperty("testSet", part.plan.testTitle);
		o.addProperty("testSize", part.plan.testSize);
		if (part.plan.volumes != null) o.add("volumes", GSON.toJsonTree(part.plan.volumes));
		o.addProperty("testSha256", part.digests.get(part.digests.size() - 1));
		final JsonArray models = new JsonArray();
		for (int m = 0; m < part.plan.names.size(); m++) {
			final JsonObject j = new JsonObject();
			j.addProperty("name", part.plan.names.get(m));
			j.addProperty("file", part.plan.files.get(m));
			j.addProperty("sha256", part.digests.get(m));
			j.add("info", JsonParser.parseString(ModelFile.toJson(part.plan.infos.get(m))));
			models.add(j);
		}
		o.add("models", models);
		final JsonArray units = new JsonArray();
		for (final SweepUnit u : part.units) {
			final JsonObject j = new JsonObject();
			j.addProperty("model", u.modelName);
			j.addProperty("attack", u.attack);
			j.addProperty("level", u.level);
			j.addProperty("eps", u.eps);
			units.add(j);
		}
		o.add("units", units);
		final JsonArray results = new JsonArray();
		for (final ModelPart p : part.models.values()) {
			final JsonObject j = new JsonObject();
			j.addProperty("model", p.name);
			j.addProperty("primaryMetric", p.primaryMetric);
			final MetricTable any = p.clean != null ? p.clean : p.tables.values().stream().flatMap(java.util.Arrays::stream)
				.filter(t -> t != null).findFirst().orElseThrow(IllegalStateException::new);
			final JsonArray names = new JsonArray(), higher = new JsonArray();
			for (int c = 0; c < any.names().length; c++) {
				names.add(any.names()[c]);
				higher.add(any.higherIsBetter(c));
			}
			j.add("metrics", names);
			j.add("higherIsBetter", higher);
			final boolean clean = p.clean != null;
			boolean adversarial = false;
			for (final SweepUnit u : p.units) {
				adversarial |= part.plan.isExampleUnit(u);
			}
			if (clean) {
				final JsonArray abs = new JsonArray();
				for (final double a : p.epsAbsolute) abs.add(a);
				j.add("epsAbsolute", abs);
				final JsonObject g = new JsonObject();
				g.addProperty("n", p.gradients.n);
				g.addProperty("zero", p.gradients.zero);
				g.addProperty("nonFinite", p.gradients.nonFinite);
				g.addProperty("medianNorm", p.gradients.medianNorm);
				g.addProperty("minNorm", p.gradients.minNorm);
				j.add("gradients", g);
			}
			if (clean || adversarial) {
				final JsonArray examples = new JsonArray();
				for (final Example e : p.examples.values()) {
					final JsonObject x = new JsonObject();
					x.addProperty("image", e.image);
					x.addProperty("channels", e.channels);
					x.addProperty("height", e.height);
					x.addProperty("width", e.width);
					if (clean) {
						x.addProperty("clean", floats(e.clean));
						x.addProperty("truth", ints(e.truth));
						x.addProperty("cleanPrediction", ints(e.cleanPrediction));
					}
					if (adversarial) {
						x.addProperty("adversarial", floats(e.adversarial));
						x.addProperty("adversarialPrediction", ints(e.adversarialPrediction));
					}
					examples.add(x);
				}
				j.add("examples", examples);
			}
			results.add(j);
		}
		o.add("results", results);
		return o;
	}

	/** The volume of each test image, when the part's test images are slices of volumes; else null. */
	private static List<String> volumes(final JsonObject o) {
		if (!o.has("volumes")) return null;
		final List<String> out = new ArrayList<>();
		for (final JsonElement e : o.getAsJsonArray("volumes")) out.add(e.getAsString());
		return out;
	}

	private static JsonObject levels(final EpsLevels l) {
		final JsonObject o = new JsonObject();
		final JsonArray v = new JsonArray();
		for (final double e : l.values()) v.add(e);
		o.add("values", v);
		o.addProperty("norm", l.norm.name());
		o.addProperty("unit", l.unit.name());
		o.addProperty("explanation", l.explanation);
		return o;
	}

	private static String floats(final float[] v) {
		if (v == null) return null;
		final ByteBuffer b = ByteBuffer.allocate(v.length * 4);
		b.asFloatBuffer().put(v);
		return Base64.getEncoder().encodeToString(b.array());
	}

	private static float[] floats(final JsonElement e) {
		if (e == null || e.isJsonNull()) return null;
		final ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(e.getAsString()));
		final float[] v = new float[b.remaining() / 4];
		b.asFloatBuffer().get(v);
		return v;
	}

	/** RGB drawings, exactly. */
	private static String ints(final int[] v) {
		if (v == null) return null;
		final ByteBuffer b = ByteBuffer.allocate(v.length * 4);
		b.asIntBuffer().put(v);
		return Base64.getEncoder().encodeToString(b.array());
	}

	private static int[] ints(final JsonElement e) {
		if (e == null || e.isJsonNull()) return null;
		final ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(e.getAsString()));
		final int[] v = new int[b.remaining() / 4];
		b.asIntBuffer().get(v);
		return v;
	}

	/** Reads a part written by {@link #write}. */
	public static ReportPart read(final Path dir) {
		final Path info = dir.resolve(INFO);
		if (!Files.isRegularFile(info)) {
			throw new AmatException(dir + " is not a report part: it has no " + INFO + ".");
		}
		try {
			final JsonObject o = JsonParser.parseString(new String(Files.readAllBytes(info), StandardCharsets.UTF_8))
				.getAsJsonObject();
			final int format = o.get("format").getAsInt();
			if (format > FORMAT_VERSION) {
				throw new AmatException("The part " + dir + " was written by a newer AMAT (part format " + format +
					"): merge it with that version.");
			}
			final ReportSettings settings = GSON.fromJson(o.get("settings"), ReportSettings.class);
			final JsonObject l = o.getAsJsonObject("levels");
			final JsonArray lv = l.getAsJsonArray("values");
			final double[] values = new double[lv.size()];
			for (int k = 0; k < values.length; k++) values[k] = lv.get(k).getAsDouble();
			final EpsLevels levels = new EpsLevels(values, Norm.valueOf(l.get("norm").getAsString()), EpsUnit.valueOf(l
				.get("unit").getAsString()), l.get("explanation").getAsString());
			final List<String> files = new ArrayList<>(), names = new ArrayList<>(), digests = new ArrayList<>();
			final List<ModelInfo> infos = new ArrayList<>();
			for (final JsonElement e : o.getAsJsonArray("models")) {
				final JsonObject m = e.getAsJsonObject();
				names.add(m.get("name").getAsString());
				files.add(m.get("file").getAsString());
				digests.add(m.get("sha256").getAsString());
				infos.add(ModelFile.fromJson(m.get("info").toString(), ModelInfo.class));
			}
			digests.add(o.get("testSha256").getAsString());
			final ReportPlan plan = new ReportPlan(settings, files, names, infos, levels, o.get(
				"task").getAsString(), o.get("testSet").getAsString(), o.get("testSize").getAsInt(), volumes(o));
			final Map<String, SweepUnit> byKey = new LinkedHashMap<>();
			for (final SweepUnit u : plan.units()) byKey.put(u.key(), u);
			final List<SweepUnit> units = new ArrayList<>();
			for (final JsonElement e : o.getAsJsonArray("units")) {
				final JsonObject j = e.getAsJsonObject();
				final SweepUnit u = byKey.get(new SweepUnit(-1, j.get("model").getAsString(), j.get("attack").getAsString(),
					j.get("level").getAsInt(), 0).key());
				if (u == null) throw new AmatException("The part " + dir + " lists a unit that is not in its sweep: " + j);
				units.add(u);
			}
			final Map<String, ModelPart> models = new LinkedHashMap<>();
			final Map<String, String[]> metricNames = new LinkedHashMap<>();
			final Map<String, boolean[]> higher = new LinkedHashMap<>();
			for (final JsonElement e : o.getAsJsonArray("results")) {
				final JsonObject j = e.getAsJsonObject();
				final String name = j.get("model").getAsString();
				final ModelPart p = new ModelPart(name, j.get("primaryMetric")
					.getAsString());
				final JsonArray mn = j.getAsJsonArray("metrics"), hb = j.getAsJsonArray("higherIsBetter");
				final String[] n = new String[mn.size()];
				final boolean[] h = new boolean[n.length];
				for (int c = 0; c < n.length; c++) {
					n[c] = mn.get(c).getAsString();
					h[c] = hb.get(c).getAsBoolean();
				}
				metricNames.put(name, n);
				higher.put(name, h);
				if (j.has("epsAbsolute")) {
					final JsonArray a = j.getAsJsonArray("epsAbsolute");
					p.epsAbsolute = new double[a.size()];
					for (int k = 0; k < a.size(); k++) p.epsAbsolute[k] = a.get(k).getAsDouble();
					final JsonObject g = j.getAsJsonObject("gradients");
					p.gradients = new InputGradients(g.get("n").getAsInt(), g.get("zero").getAsInt(), g.get("nonFinite")
						.getAsInt(), g.get("medianNorm").getAsDouble(), g.get("minNorm").getAsDouble());
				}
				if (j.has("examples")) {
					for (final JsonElement xe : j.getAsJsonArray("examples")) {
						final JsonObject x = xe.getAsJsonObject();
						final Example ex = new Example(x.get("image").getAsInt(), plan.exampleAttack, levels.get(
							plan.exampleLevel), x.get("channels").getAsInt(), x.get("height").getAsInt(), x.get("width").getAsInt());
						ex.clean = floats(x.get("clean"));
						ex.truth = ints(x.get("truth"));
						ex.cleanPrediction = ints(x.get("cleanPrediction"));
						ex.adversarial = floats(x.get("adversarial"));
						ex.adversarialPrediction = ints(x.get("adversarialPrediction"));
						p.examples.put(ex.image, ex);
					}
				}
				models.put(name, p);
			}
			for (final SweepUnit u : units) {
				final ModelPart p = models.get(u.modelName);
				if (p == null) throw new AmatException("The part " + dir + " has no results for the model " + u.modelName + ".");
				p.units.add(u);
			}
			PerImageCsv.read(dir.resolve(PER_IMAGE), plan, models, metricNames, higher);
			final ReportPart part = new ReportPart(plan, digests, o.get("selection").getAsString(), units, models, o.get(
				"seconds").getAsDouble());
			part.source = dir;
			return part;
		}
		catch (final IOException e) {
			throw new AmatException("Cannot read the report part " + dir + ": " + e.getMessage(), e);
		}
		catch (final RuntimeException e) {
			if (e instanceof AmatException) throw e;
			throw new AmatException("The report part " + dir + " is damaged or incomplete (" + e + ").", e);
		}
	}

}
