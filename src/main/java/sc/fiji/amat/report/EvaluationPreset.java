package sc.fiji.amat.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.FgsmType;
import sc.fiji.amat.attack.IfgsmType;
import sc.fiji.amat.attack.PgdType;
import sc.fiji.amat.attack.WhiteNoiseType;
import sc.fiji.amat.task.AttackLoss;
import sc.fiji.amat.task.Task;

/**
 * The three ready-made evaluations a report offers, from cheap to trustworthy. Each is a list of
 * attack members ({@link sc.fiji.amat.attack.AttackSpec}) with their strength; the report keeps,
 * per image and noise level, the worst metric over all of them.
 * <ul>
 * <li><b>quick</b>: PGD-10 on the training loss, FGSM, white noise (5 draws): a first look;</li>
 * <li><b>standard</b>: PGD-20, IFGSM-10, FGSM, white noise (10 draws): the report's former
 * default;</li>
 * <li><b>strong</b> (the default): APGD-{@value #APGD_STEPS} on the first {@value #STRONG_LOSSES}
 * of the task's attack losses (for segmentation the training loss and the Jensen-Shannon
 * divergence), FGSM and white noise, in the spirit of SEA and AutoAttack, at under three times
 * the cost of the standard preset's former demo evaluation. APGD-12 on four losses cost about
 * as much and had not converged on the demo models (twice the steps lowered the worst case by
 * 0.04 Dice); more losses: custom members.</li>
 * </ul>
 */
public enum EvaluationPreset {
	QUICK, STANDARD, STRONG;

	/** APGD iterations of the strong preset. */
	public static final int APGD_STEPS = 20;
	/** How many of the task's attack losses the strong preset runs APGD on. */
	public static final int STRONG_LOSSES = 2;
	static final String APGD = "apgd";

	public String key() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static EvaluationPreset parse(final String s) {
		for (final EvaluationPreset p : values()) {
			if (p.key().equals(s.trim().toLowerCase(Locale.ROOT))) return p;
		}
		throw new AmatException("Unknown evaluation '" + s + "': use quick, standard or strong (or choose attacks).");
	}

	/** The members this preset runs on a task's models, in the order the report shows them. */
	public List<String> members(final Task<?> task) {
		final List<String> out = new ArrayList<>();
		switch (this) {
			case QUICK:
				out.add(PgdType.KEY);
				break;
			case STANDARD:
				out.add(PgdType.KEY);
				out.add(IfgsmType.KEY);
				break;
			default:
				final List<AttackLoss> losses = task.attackLosses();
				for (int i = 0; i < Math.min(STRONG_LOSSES, losses.size()); i++) {
					out.add(APGD + ":" + losses.get(i).key());
				}
		}
		out.add(FgsmType.KEY);
		out.add(WhiteNoiseType.KEY);
		return out;
	}

	/** PGD steps under this preset. */
	public int pgdSteps() {
		return this == QUICK ? 10 : PgdType.STEPS;
	}

	/** IFGSM steps under this preset. */
	public int ifgsmSteps() {
		return IfgsmType.STEPS;
	}

	/** APGD iterations under this preset. */
	public int apgdSteps() {
		return APGD_STEPS;
	}

	/** White-noise draws under this preset. */
	public int noiseDraws() {
		return this == QUICK ? 5 : WhiteNoiseType.DRAWS;
	}
}
