package sc.fiji.amat.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackSettings;
import sc.fiji.amat.attack.AttackSpec;
import sc.fiji.amat.attack.AttackType;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.IfgsmType;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.PgdType;
import sc.fiji.amat.attack.WhiteNoiseType;
import sc.fiji.amat.task.Task;

/**
 * What a robustness report evaluates: which attacks, in which norm, at which noise levels (in
 * which unit), how strong the iterative attacks are, and what it shows. Public fields, so a
 * command can fill them from its inputs; {@link #check()} validates them.
 */
public final class ReportSettings {

	/**
	 * The evaluation when {@link #attacks} is not set: its members (per task) and their strength
	 * ({@link EvaluationPreset}); the strong one by default.
	 */
	public EvaluationPreset preset = EvaluationPreset.STRONG;
	/**
	 * A custom evaluation: attack members ({@code type[:loss][#run]}, see
	 * {@link sc.fiji.amat.attack.AttackSpec}) in the order the report shows them, with the strengths
	 * set below; null: the {@link #preset}'s.
	 */
	public List<String> attacks;
	public Norm norm = Norm.L2;
	/** The unit the noise levels are given in; null: the norm's default (rms for L2, range for Linf). */
	public EpsUnit unit;
	/**
	 * Noise levels, ascending, starting at 0; null: {@link DefaultEps#suggest derived} from the
	 * data and the models.
	 */
	public double[] eps;
	/** PGD steps (the paper evaluates with 100). */
	public int pgdSteps = PgdType.STEPS;
	/** PGD step size factor: each step is alpha * eps / T. */
	public float pgdAlpha = PgdType.ALPHA;
	/** APGD iterations. */
	public int apgdSteps = EvaluationPreset.APGD_STEPS;
	/**
	 * Independent runs of every attack with a random start (PGD, APGD), each a member of its own
	 * ("pgd#2"); per image the run with the worst metric counts.
	 */
	public int restarts = 1;
	/** IFGSM steps (the paper uses 10). */
	public int ifgsmSteps = IfgsmType.STEPS;
	/** White noise: draws per image, the worst one kept. */
	public int noiseDraws = WhiteNoiseType.DRAWS;
	public int batchSize = 8;
	/**
	 * The side of the tiles the network sees whole images through (a multiple of every model's
	 * size multiple); 0: whole images when a batch of them fits the device's memory, else the
	 * largest power-of-two tile that does. Attacks then run through the tiles, their budget the
	 * whole image's.
	 */
	public int tile = 0;
	/** Test images shown as examples per model (0: none). */
	public int exampleCount = 3;
	/** The noise level of the examples; NaN: the largest. */
	public double exampleEps = Double.NaN;
	/** The attack of the examples; null: the first chosen attack. */
	public String exampleAttack;
	/** "cpu", "gpu", "gpu N" or "auto". */
	public String device = "cpu";
	/** Seeds the random starts and the white noise, so a report can be repeated exactly. */
	public long seed = 1;
	/**
	 * Sanity checks flag a difference of the primary metric only when it exceeds this and twice
	 * its standard error over the images.
	 */
	public double sanityTolerance = 0.01;
	/**
	 * Whether to run the two sanity checks that cost extra attacks, at the middle noise level:
	 * the first gradient member with twice its steps (has the evaluation converged?) and, with two
	 * or more models, the same attack crafted on another model (does a transfer beat white-box?).
	 */
	public boolean extraChecks = true;
	/**
	 * The model that gradient attacks on models without gradients (ONNX) are crafted on: transfer
	 * attacks, reported as not white-box; null: none, and such models meet white noise only.
	 */
	public String transferSource;

	/**
	 * Chooses a preset: its members (when no custom {@link #attacks} are set) and its attack
	 * strengths (steps, draws), which later settings may change; returns this.
	 */
	public ReportSettings preset(final EvaluationPreset p) {
		preset = p;
		pgdSteps = p.pgdSteps();
		ifgsmSteps = p.ifgsmSteps();
		apgdSteps = p.apgdSteps();
		noiseDraws = p.noiseDraws();
		return this;
	}

	/** The unit in force. */
	public EpsUnit unit() {
		return unit == null ? EpsUnit.defaultFor(norm) : unit;
	}

	/**
	 * The options of an attack member under these settings: the settings' own for PGD, APGD, IFGSM
	 * and white noise; the attack's defaults for any other. Runs are members of their own, so
	 * every attack runs once per member.
	 */
	public AttackSettings attackSettings(final String member) {
		final AttackType type = AttackSpec.parse(member).attackType();
		switch (type.key()) {
			case PgdType.KEY:
				return AttackSettings.DEFAULTS.iterations(pgdSteps).alpha(pgdAlpha).restarts(1);
			case EvaluationPreset.APGD:
				return AttackSettings.DEFAULTS.iterations(apgdSteps).restarts(1);
			case IfgsmType.KEY:
				return AttackSettings.DEFAULTS.iterations(ifgsmSteps);
			case WhiteNoiseType.KEY:
				return AttackSettings.DEFAULTS.iterations(noiseDraws);
			default:
				return AttackSettings.DEFAULTS;
		}
	}

	/**
	 * These settings made concrete for a task: the members of the preset (or the custom attacks)
	 * with every random-start attack run {@link #restarts} times, and the preset's strengths. A
	 * copy; a plan resolves its settings the same way in every job of a split report.
	 */
	public ReportSettings resolve(final Task<?> task) {
		final ReportSettings r = copy();
		final List<String> base = new ArrayList<>();
		if (attacks == null) {
			if (preset == null) throw new AmatException("Choose an evaluation preset (quick, standard, strong) or attacks.");
			base.addAll(preset.members(task));
		}
		else {
			r.preset = null; // a custom evaluation, whatever preset set the strengths
			for (final String a : attacks) base.add(AttackSpec.canonical(a));
		}
		r.attacks = new ArrayList<>();
		for (final String a : base) {
			final AttackSpec spec = AttackSpec.parse(a);
			if (spec.loss() != null) task.attackLoss(spec.loss()); // fails on a loss the task lacks
			r.attacks.add(a);
			if (spec.run() == 1 && spec.attackType().randomStart()) {
				for (int k = 2; k <= r.restarts; k++) r.attacks.add(spec.run(k).toString());
			}
		}
		return r;
	}

	/** A copy of these settings. */
	ReportSettings copy() {
		final ReportSettings c = GSON.fromJson(GSON.toJson(this), ReportSettings.class);
		return c;
	}

	private static final com.google.gson.Gson GSON = new com.google.gson.GsonBuilder().serializeSpecialFloatingPointValues()
		.create();

	/** The attack a member stands for under these settings. */
	public Attack attack(final String member) {
		return AttackSpec.parse(member).create(norm, attackSettings(member));
	}

	/** The rough cost of one batch under an attack member, in forward + backward passes. */
	double cost(final String member) {
		final AttackType type = AttackSpec.parse(member).attackType();
		return type.cost(attackSettings(member).orElse(type.defaults()));
	}

	/** Validates everything that does not need the models or the data; returns this. */
	public ReportSettings check() {
		if (attacks == null && preset == null) throw new AmatException("Choose an evaluation preset or attacks.");
		if (attacks != null && attacks.isEmpty()) throw new AmatException("Choose at least one attack.");
		final List<String> seen = new ArrayList<>();
		for (final String a : attacks == null ? java.util.Collections.<String> emptyList() : attacks) {
			final AttackSpec spec = AttackSpec.parse(a);
			final AttackType type = spec.attackType();
			if (seen.contains(spec.toString())) throw new AmatException("The attack " + spec + " is chosen twice.");
			seen.add(spec.toString());
			type.check(attackSettings(a).orElse(type.defaults()));
		}
		if (restarts < 1) throw new AmatException("Give at least one run per attack (restarts >= 1), got " + restarts +
			".");
		if (norm == null) throw new AmatException("Choose a norm: L2 or Linf.");
		NoiseBudget.of(0, unit(), norm); // fails when the unit does not fit the norm
		if (eps != null) checkEps(eps);
		if (batchSize < 1) throw new AmatException("The batch size must be at least 1, got " + batchSize + ".");
		if (tile < 0) throw new AmatException("The tile size (--tile) must be 0 (automatic) or positive, got " + tile + ".");
		if (exampleCount < 0) throw new AmatException("The number of example images cannot be negative.");
		if (exampleAttack != null && attacks != null && !seen.contains(AttackSpec.canonical(exampleAttack))) {
			throw new AmatException("The example attack " + exampleAttack + " is not among the chosen attacks " + seen +
				".");
		}
		if (!(sanityTolerance >= 0)) throw new AmatException("The sanity tolerance must be >= 0.");
		return this;
	}

	/** Noise levels must be finite, ascending, distinct, start at 0, and be at least two. */
	public static void checkEps(final double[] eps) {
		if (eps.length < 2) {
			throw new AmatException("Give at least two noise levels, starting at 0 (e.g. 0, 0.05, 0.1).");
		}
		if (eps[0] != 0) throw new AmatException("The noise levels must start at 0 (the clean images), got " + eps[0] + ".");
		for (int k = 1; k < eps.length; k++) {
			if (!Double.isFinite(eps[k]) || !(eps[k] > eps[k - 1])) {
				throw new AmatException("The noise levels must be finite and increasing, got " + Arrays.toString(eps) + ".");
			}
		}
	}

	/** Parses "0, 0.05, 0.1" or "0 1/255 2/255". */
	public static double[] parseEps(final String text) {
		final String[] parts = text.trim().split("[\\s,;]+");
		final double[] out = new double[parts.length];
		for (int k = 0; k < parts.length; k++) {
			try {
				final String p = parts[k];
				final int slash = p.indexOf('/');
				out[k] = slash < 0 ? Double.parseDouble(p) : Double.parseDouble(p.substring(0, slash)) / Double.parseDouble(p
					.substring(slash + 1));
			}
			catch (final NumberFormatException e) {
				throw new AmatException("Cannot read the noise level '" + parts[k] + "' in '" + text +
					"': give numbers such as 0, 0.05, 0.1 or 2/255.");
			}
		}
		return out;
	}

	/** Parses "pgd,fgsm,noise" or "apgd:masked-ce, apgd:js#2"; empty text gives null (the preset's). */
	public static List<String> parseAttacks(final String text) {
		final List<String> out = new ArrayList<>();
		for (final String p : text.trim().split("[\\s,;]+")) {
			if (!p.isEmpty()) out.add(AttackSpec.canonical(p));
		}
		return out.isEmpty() ? null : out;
	}

	/**
	 * One line that describes the evaluation's budget (preset, members, steps, runs), for reports;
	 * of resolved settings ({@link #resolve}) it lists every member.
	 */
	public String describe() {
		final StringBuilder b = new StringBuilder(preset != null ? preset.key() + " evaluation: " : "custom evaluation: ");
		b.append(attacks == null ? "members per task" : String.join(", ", attacks));
		b.append(", ").append(norm == Norm.L2 ? "L2" : "Linf").append(" norm, eps in ").append(unit().name().toLowerCase(
			Locale.ROOT));
		final List<String> described = new ArrayList<>();
		for (final String a : attacks == null ? java.util.Collections.<String> emptyList() : attacks) {
			final AttackType type = AttackSpec.parse(a).attackType();
			final String d = type.describe(attackSettings(a).orElse(type.defaults()));
			if (!d.isEmpty() && !described.contains(d)) {
				described.add(d);
				b.append("; ").append(d);
			}
		}
		if (restarts > 1) b.append("; ").append(restarts).append(" runs of each random-start attack");
		if (transferSource != null) b.append("; transfer attacks crafted on ").append(java.nio.file.Paths.get(transferSource).getFileName());
		if (tile > 0) b.append("; tiles of ").append(tile).append(" pixels");
		return b.append(String.format(Locale.ROOT, "; batch %d; seed %d", batchSize, seed)).toString();
	}
}
