package sc.fiji.amat.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackSettings;
import sc.fiji.amat.attack.AttackType;
import sc.fiji.amat.attack.AttackTypes;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.IfgsmType;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.PgdType;
import sc.fiji.amat.attack.WhiteNoiseType;

/**
 * What a robustness report evaluates: which attacks, in which norm, at which noise levels (in
 * which unit), how strong the iterative attacks are, and what it shows. Public fields, so a
 * command can fill them from its inputs; {@link #check()} validates them.
 */
public final class ReportSettings {

	/** Attack keys ({@link AttackTypes}) in the order the report shows them: pgd, ifgsm, fgsm, noise. */
	public List<String> attacks = new ArrayList<>(Arrays.asList("pgd", "ifgsm", "fgsm", "noise"));
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
	/** PGD restarts; per sample the restart with the highest loss is kept. */
	public int restarts = 1;
	/** IFGSM steps (the paper uses 10). */
	public int ifgsmSteps = IfgsmType.STEPS;
	/** White noise: draws per image, the worst one kept. */
	public int noiseDraws = WhiteNoiseType.DRAWS;
	public int batchSize = 8;
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
	 * The model that gradient attacks on models without gradients (ONNX) are crafted on: transfer
	 * attacks, reported as not white-box; null: none, and such models meet white noise only.
	 */
	public String transferSource;

	/** The unit in force. */
	public EpsUnit unit() {
		return unit == null ? EpsUnit.defaultFor(norm) : unit;
	}

	/**
	 * The options of an attack under these settings: the report's own for PGD, IFGSM and white
	 * noise; the attack's defaults for any other.
	 */
	public AttackSettings attackSettings(final String attack) {
		final AttackType type = AttackTypes.get(attack);
		switch (type.key()) {
			case PgdType.KEY:
				return AttackSettings.DEFAULTS.iterations(pgdSteps).alpha(pgdAlpha).restarts(restarts);
			case IfgsmType.KEY:
				return AttackSettings.DEFAULTS.iterations(ifgsmSteps);
			case WhiteNoiseType.KEY:
				return AttackSettings.DEFAULTS.iterations(noiseDraws);
			default:
				return AttackSettings.DEFAULTS;
		}
	}

	/** The attack a name stands for under these settings. */
	public Attack attack(final String name) {
		return AttackTypes.create(name, norm, attackSettings(name));
	}

	/** The rough cost of one batch under an attack, in forward + backward passes. */
	double cost(final String attack) {
		final AttackType type = AttackTypes.get(attack);
		return type.cost(attackSettings(attack).orElse(type.defaults()));
	}

	/** Validates everything that does not need the models or the data; returns this. */
	public ReportSettings check() {
		if (attacks == null || attacks.isEmpty()) throw new AmatException("Choose at least one attack.");
		final List<String> seen = new ArrayList<>();
		for (final String a : attacks) {
			final AttackType type = AttackTypes.get(a);
			if (seen.contains(type.key())) throw new AmatException("The attack " + type.key() + " is chosen twice.");
			seen.add(type.key());
			type.check(attackSettings(a).orElse(type.defaults()));
		}
		if (norm == null) throw new AmatException("Choose a norm: L2 or Linf.");
		NoiseBudget.of(0, unit(), norm); // fails when the unit does not fit the norm
		if (eps != null) checkEps(eps);
		if (batchSize < 1) throw new AmatException("The batch size must be at least 1, got " + batchSize + ".");
		if (exampleCount < 0) throw new AmatException("The number of example images cannot be negative.");
		if (exampleAttack != null && !seen.contains(AttackTypes.canonical(exampleAttack))) {
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

	/** Parses "pgd,fgsm,noise". */
	public static List<String> parseAttacks(final String text) {
		final List<String> out = new ArrayList<>();
		for (final String p : text.trim().split("[\\s,;]+")) {
			if (!p.isEmpty()) out.add(AttackTypes.canonical(p));
		}
		return out;
	}

	/** One line that describes the chosen attacks' strength, for reports. */
	public String describe() {
		final StringBuilder b = new StringBuilder(String.join(", ", attacks));
		b.append(", ").append(norm == Norm.L2 ? "L2" : "Linf").append(" norm, eps in ").append(unit().name().toLowerCase(
			Locale.ROOT));
		for (final String a : attacks) {
			final AttackType type = AttackTypes.get(a);
			final String d = type.describe(attackSettings(a).orElse(type.defaults()));
			if (!d.isEmpty()) b.append("; ").append(d);
		}
		if (transferSource != null) b.append("; transfer attacks crafted on ").append(java.nio.file.Paths.get(transferSource).getFileName());
		return b.append(String.format(Locale.ROOT, "; batch %d; seed %d", batchSize, seed)).toString();
	}
}
