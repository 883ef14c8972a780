package sc.fiji.amat.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.AmatVersion;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.model.ModelFile;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.task.MetricTable;

/**
 * The result of one job of a report split into independent jobs (a slice of the sweep): the
 * plan every job shares, the units this job evaluated and, per unit, the per-image metric values
 * (all of them: the worst case over attacks, the scores and the sanity checks are computed from
 * them at the merge), the input gradients and the example images.
 * <p>
 * On disk a part is a folder: {@value #INFO} (the plan, the models' info and SHA-256 digests,
 * the test set's digest, the units, gradients and examples) and {@value #PER_IMAGE} (one row per
 * model, attack, level, image and metric, with every value written so it reads back exactly).
 * {@link #merge} checks the parts belong to one sweep, that together they hold every unit
 * exactly once, and builds the report a single run would have built.
 * </p>
 */
public final class ReportPart {

	public static final String INFO = "part.json", PER_IMAGE = "per-image.csv";
	public static final int FORMAT_VERSION = 1;
	/** The pseudo-metric whose value is an image's row detail, space-separated. */
	static final String DETAIL = "#detail";

	static final String[] PER_IMAGE_COLUMNS = { "model", "attack", "level", "eps", "image", "metric", "value" };

	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
		.create();

	final RobustnessReport.Plan plan;
	/** SHA-256 of each model file, then of the test set. */
	final List<String> digests;
	final String selection;
	final List<SweepUnit> units;
	final Map<String, RobustnessReport.ModelPart> models;
	final double seconds;
	/** Where the part was read from, for messages (null when made in memory). */
	Path source;

	ReportPart(final RobustnessReport.Plan plan, final List<String> digests, final String selection,
		final List<SweepUnit> units, final Map<String, RobustnessReport.ModelPart> models, final double seconds)
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

	// ---------------------------------------------------------------- merge

	/**
	 * Builds the report from parts of one sweep: the same tables, scores, worst case, sanity
	 * checks and examples as one run of the whole sweep.
	 *
	 * @throws AmatException when the parts belong to different sweeps, or a unit is missing or
	 *           in two parts
	 */
	public static ReportResult merge(final List<ReportPart> parts) {
		if (parts.isEmpty()) throw new AmatException("Give at least one part to merge.");
		final ReportPart first = parts.get(0);
		final JsonObject identity = first.identity();
		for (final ReportPart p : parts) {
			final JsonObject other = p.identity();
			for (final String key : identity.keySet()) {
				if (!String.valueOf(identity.get(key)).equals(String.valueOf(other.get(key)))) {
					throw new AmatException("The parts " + first.name() + " and " + p.name() + " belong to different " +
						"reports: their " + key + " differ" + (key.equals("models") ? " (names or file contents)" : "") +
						". Merge only parts made with the same models, test set and settings.");
				}
			}
		}
		final RobustnessReport.Plan plan = first.plan;
		final Map<String, ReportPart> owner = new LinkedHashMap<>();
		for (final ReportPart p : parts) {
			for (final SweepUnit u : p.units) {
				final ReportPart before = owner.put(u.key(), p);
				if (before != null) {
					throw new AmatException("The unit " + u + " is in two parts, " + before.name() + " and " + p.name() +
						": merge each slice once.");
				}
			}
		}
		final List<SweepUnit> missing = new ArrayList<>();
		for (final SweepUnit u : plan.units()) {
			if (!owner.containsKey(u.key())) missing.add(u);
		}
		if (!missing.isEmpty()) {
			final StringBuilder b = new StringBuilder();
			for (int i = 0; i < Math.min(5, missing.size()); i++) b.append(i > 0 ? "; " : "").append(missing.get(i));
			throw new AmatException(missing.size() + " of the sweep's " + plan.units().size() + " units are in no part (" +
				b + (missing.size() > 5 ? "; ..." : "") + "): run the missing slices (did a job fail?) and merge all " +
				"parts.");
		}
		// every unit once: put each model's pieces together
		final Map<String, RobustnessReport.ModelPart> merged = new LinkedHashMap<>();
		for (final SweepUnit u : plan.units()) {
			final RobustnessReport.ModelPart from = owner.get(u.key()).models.get(u.modelName);
			final RobustnessReport.ModelPart to = merged.computeIfAbsent(u.modelName, n -> new RobustnessReport.ModelPart(n,
				from.primaryMetric));
			to.units.add(u);
			if (u.isClean()) {
				to.clean = from.clean;
				to.gradients = from.gradients;
				to.epsAbsolute = from.epsAbsolute;
			}
			else {
				to.tables.computeIfAbsent(u.attack, a -> new MetricTable[plan.levels.size()])[u.level] = from.tables.get(
					u.attack)[u.level];
			}
			final boolean exampleUnit = !u.isClean() && u.attack.equals(plan.exampleAttack) && u.level == plan.exampleLevel;
			if (u.isClean() || exampleUnit) {
				for (final int i : plan.exampleImages) {
					final Example src = from.examples.get(i);
					final Example e = to.examples.computeIfAbsent(i, k -> new Example(k, src.attack, src.eps, src.channels,
						src.height, src.width));
					if (u.isClean()) {
						e.clean = src.clean;
						e.truth = src.truth;
						e.cleanPrediction = src.cleanPrediction;
					}
					else {
						e.adversarial = src.adversarial;
						e.adversarialPrediction = src.adversarialPrediction;
					}
				}
			}
		}
		final Set<String> devices = new LinkedHashSet<>();
		double seconds = 0;
		for (final ReportPart p : parts) {
			devices.add(p.plan.settings.device);
			seconds += p.seconds;
		}
		final ReportResult r = RobustnessReport.assemble(plan, merged);
		r.settings.device = String.join(", ", devices);
		r.seconds = seconds;
		r.parts = parts.size();
		r.created = RobustnessReport.now();
		return r;
	}

	/** Everything that must be equal in parts of one sweep. */
	private JsonObject identity() {
		final JsonObject o = new JsonObject();
		final JsonObject settings = GSON.toJsonTree(plan.settings).getAsJsonObject();
		settings.remove("device"); // jobs may run on different devices
		o.add("settings", settings);
		o.add("noise levels", levels(plan.levels));
		o.addProperty("task", plan.taskType);
		o.addProperty("test set", digests.get(digests.size() - 1) + " " + plan.testSize);
		final JsonArray m = new JsonArray();
		for (int i = 0; i < plan.names.size(); i++) m.add(plan.names.get(i) + " " + digests.get(i));
		o.add("models", m);
		return o;
	}

	private String name() {
		return source == null ? "(" + selection + ")" : source.toString();
	}

	/** SHA-256 of the model files, then the test set's fingerprint. */
	static List<String> fingerprint(final List<Path> models, final TestSet<?> test) {
		final List<String> out = new ArrayList<>();
		for (final Path p : models) {
			try (InputStream in = Files.newInputStream(p)) {
				final MessageDigest d = MessageDigest.getInstance("SHA-256");
				final byte[] buffer = new byte[1 << 16];
				for (int r; (r = in.read(buffer)) > 0;) d.update(buffer, 0, r);
				out.add(hex(d.digest()));
			}
			catch (final IOException e) {
				throw new AmatException("Cannot read the model file " + p + ": " + e.getMessage(), e);
			}
			catch (final NoSuchAlgorithmException e) {
				throw new IllegalStateException(e);
			}
		}
		out.add(test.fingerprint());
		return out;
	}

	static String hex(final byte[] bytes) {
		final StringBuilder b = new StringBuilder();
		for (final byte x : bytes) b.append(String.format(Locale.ROOT, "%02x", x & 0xff));
		return b.toString();
	}

	// ---------------------------------------------------------------- writing

	/**
	 * Writes the part into a folder: written beside it and moved into place, so a job that dies
	 * leaves no half-written part. An existing folder is replaced only when it is empty or a part.
	 */
	public void write(final Path dir) {
		final Path target = dir.toAbsolutePath().normalize();
		if (Files.exists(target)) {
			if (!Files.isDirectory(target)) throw new AmatException("The part folder " + target + " exists and is a file.");
			if (!Files.exists(target.resolve(INFO))) {
				try (DirectoryStream<Path> s = Files.newDirectoryStream(target)) {
					if (s.iterator().hasNext()) {
						throw new AmatException("The folder " + target + " exists and is not a report part: choose a new " +
							"or empty folder.");
					}
				}
				catch (final IOException e) {
					throw new AmatException("Cannot read the folder " + target + ": " + e.getMessage(), e);
				}
			}
		}
		Path tmp = null;
		try {
			Files.createDirectories(target.getParent());
			tmp = Files.createDirectory(target.resolveSibling("." + target.getFileName() + ".tmp-" + Long.toHexString(System
				.nanoTime())));
			Files.write(tmp.resolve(INFO), GSON.toJson(toJson()).getBytes(StandardCharsets.UTF_8));
			writePerImage(tmp.resolve(PER_IMAGE));
			if (Files.exists(target)) ReportWriter.deleteTree(target);
			try {
				Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (final AtomicMoveNotSupportedException e) {
				Files.move(tmp, target);
			}
			tmp = null;
		}
		catch (final IOException e) {
			throw new AmatException("Cannot write the report part into " + target + ": " + e.getMessage() + ".", e);
		}
		finally {
			if (tmp != null) ReportWriter.deleteTree(tmp);
		}
	}

	private JsonObject toJson() {
		final JsonObject o = new JsonObject();
		o.addProperty("format", FORMAT_VERSION);
		o.addProperty("amat", AmatVersion.library());
		o.addProperty("created", RobustnessReport.now());
		o.addProperty("selection", selection);
		o.addProperty("seconds", seconds);
		o.add("settings", GSON.toJsonTree(plan.settings));
		o.add("levels", levels(plan.levels));
		o.addProperty("task", plan.taskType);
		o.addProperty("testSet", plan.testTitle);
		o.addProperty("testSize", plan.testSize);
		o.addProperty("testSha256", digests.get(digests.size() - 1));
		final JsonArray models = new JsonArray();
		for (int m = 0; m < plan.names.size(); m++) {
			final JsonObject j = new JsonObject();
			j.addProperty("name", plan.names.get(m));
			j.addProperty("file", plan.files.get(m));
			j.addProperty("sha256", digests.get(m));
			j.add("info", JsonParser.parseString(ModelFile.toJson(plan.infos.get(m))));
			models.add(j);
		}
		o.add("models", models);
		final JsonArray units = new JsonArray();
		for (final SweepUnit u : this.units) {
			final JsonObject j = new JsonObject();
			j.addProperty("model", u.modelName);
			j.addProperty("attack", u.attack);
			j.addProperty("level", u.level);
			j.addProperty("eps", u.eps);
			units.add(j);
		}
		o.add("units", units);
		final JsonArray results = new JsonArray();
		for (final RobustnessReport.ModelPart p : this.models.values()) {
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
				adversarial |= !u.isClean() && u.attack.equals(plan.exampleAttack) && u.level == plan.exampleLevel;
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

	private void writePerImage(final Path file) throws IOException {
		try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
			w.write(String.join(",", PER_IMAGE_COLUMNS));
			w.write("\n");
			for (final RobustnessReport.ModelPart p : models.values()) {
				for (final SweepUnit u : p.units) {
					final MetricTable t = u.isClean() ? p.clean : p.tables.get(u.attack)[u.level];
					final String head = ReportTable.quote(p.name) + "," + ReportTable.quote(u.attack) + "," + u.level + "," +
						Double.toString(u.eps) + ",";
					final String[] names = t.names();
					for (int i = 0; i < t.size(); i++) {
						for (int c = 0; c < names.length; c++) {
							// Double.toString reads back to the same double (NaN and infinities included)
							w.write(head + i + "," + ReportTable.quote(names[c]) + "," + Double.toString(t.value(i, c)) + "\n");
						}
						// what the task's dataset-level metrics need of this image (mAP: its scored detections)
						final double[] detail = t.detail(i);
						if (detail.length > 0) {
							final StringBuilder b = new StringBuilder();
							for (final double d : detail) b.append(b.length() == 0 ? "" : " ").append(Double.toString(d));
							w.write(head + i + "," + DETAIL + "," + b + "\n");
						}
					}
				}
			}
		}
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

	// ---------------------------------------------------------------- reading

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
			final RobustnessReport.Plan plan = new RobustnessReport.Plan(settings, files, names, infos, levels, o.get(
				"task").getAsString(), o.get("testSet").getAsString(), o.get("testSize").getAsInt());
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
			final Map<String, RobustnessReport.ModelPart> models = new LinkedHashMap<>();
			final Map<String, String[]> metricNames = new LinkedHashMap<>();
			final Map<String, boolean[]> higher = new LinkedHashMap<>();
			for (final JsonElement e : o.getAsJsonArray("results")) {
				final JsonObject j = e.getAsJsonObject();
				final String name = j.get("model").getAsString();
				final RobustnessReport.ModelPart p = new RobustnessReport.ModelPart(name, j.get("primaryMetric")
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
				final RobustnessReport.ModelPart p = models.get(u.modelName);
				if (p == null) throw new AmatException("The part " + dir + " has no results for the model " + u.modelName + ".");
				p.units.add(u);
			}
			readPerImage(dir.resolve(PER_IMAGE), plan, models, metricNames, higher);
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

	private static void readPerImage(final Path file, final RobustnessReport.Plan plan,
		final Map<String, RobustnessReport.ModelPart> models, final Map<String, String[]> metricNames,
		final Map<String, boolean[]> higher) throws IOException
	{
		final List<List<String>> records = ReportTable.parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
		if (records.isEmpty() || !records.get(0).equals(java.util.Arrays.asList(PER_IMAGE_COLUMNS))) {
			throw new AmatException(file + " is not a report part's per-image table.");
		}
		// values per model and unit, image by image
		final Map<String, Map<Integer, double[]>> rows = new LinkedHashMap<>(), details = new LinkedHashMap<>();
		for (int r = 1; r < records.size(); r++) {
			final List<String> c = records.get(r);
			if (c.size() == 1 && c.get(0).isEmpty()) continue;
			if (c.size() != PER_IMAGE_COLUMNS.length) {
				throw new AmatException(file + " line " + (r + 1) + " has " + c.size() + " cells, not " +
					PER_IMAGE_COLUMNS.length + ".");
			}
			final String model = c.get(0);
			final String[] names = metricNames.get(model);
			if (names == null) throw new AmatException(file + " line " + (r + 1) + ": no results for model " + model + ".");
			final String unit = model + "\u0000" + c.get(1) + "\u0000" + Integer.parseInt(c.get(2));
			if (c.get(5).equals(DETAIL)) {
				final String text = c.get(6).trim();
				details.computeIfAbsent(unit, k -> new LinkedHashMap<>()).put(Integer.parseInt(c.get(4)), text.isEmpty()
					? new double[0] : java.util.Arrays.stream(text.split(" ")).mapToDouble(Double::parseDouble).toArray());
				continue;
			}
			final int column = java.util.Arrays.asList(names).indexOf(c.get(5));
			if (column < 0) throw new AmatException(file + " line " + (r + 1) + ": unknown metric " + c.get(5) + ".");
			final double[] row = rows.computeIfAbsent(unit, k -> new LinkedHashMap<>()).computeIfAbsent(Integer.parseInt(c
				.get(4)), k -> {
					final double[] v = new double[names.length];
					java.util.Arrays.fill(v, Double.NaN);
					return v;
				});
			row[column] = Double.parseDouble(c.get(6));
		}
		for (final RobustnessReport.ModelPart p : models.values()) {
			for (final SweepUnit u : p.units) {
				final Map<Integer, double[]> values = rows.get(u.key());
				if (values == null || values.size() != plan.testSize) {
					throw new AmatException(file + " lacks per-image values of " + u + " (" + (values == null ? 0 : values
						.size()) + " of " + plan.testSize + " images).");
				}
				final MetricTable t = new MetricTable(metricNames.get(p.name), higher.get(p.name), datasetMetrics(plan,
					u.model));
				final Map<Integer, double[]> unitDetails = details.getOrDefault(u.key(), java.util.Collections.emptyMap());
				for (int i = 0; i < plan.testSize; i++) {
					final double[] v = values.get(i);
					if (v == null) throw new AmatException(file + " lacks image " + i + " of " + u + ".");
					t.addWithDetail(v, unitDetails.get(i));
				}
				if (u.isClean()) p.clean = t;
				else p.tables.computeIfAbsent(u.attack, a -> new MetricTable[plan.levels.size()])[u.level] = t;
			}
		}
	}

	/** The dataset-level metrics of a model's task, rebuilt from what its model file recorded. */
	private static sc.fiji.amat.task.DatasetMetrics datasetMetrics(final RobustnessReport.Plan plan, final int model) {
		final ModelInfo info = plan.infos.get(model);
		return sc.fiji.amat.task.Tasks.fromSpec(info.task, info.taskSpec, info.inputChannels, info.network)
			.datasetMetrics();
	}
}
