package sc.fiji.amat.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import java.util.Locale;

import sc.fiji.amat.AmatException;

/**
 * One member of an evaluation: an attack type, the objective it maximises and which of its
 * independent runs it is, written {@code type[:loss][#run]}: "pgd" (PGD on the task's training
 * loss), "apgd:masked-ce" (APGD on the masked cross-entropy), "apgd:js#2" (a second run from
 * another random start). Runs differ only in their random seed (a report seeds each member by its
 * name), and an evaluation keeps, per image, the member that hurt the task's metric most: so
 * restarts are chosen by the metric, not by the loss.
 */
public final class AttackSpec {

	private final String type;
	private final String loss;
	private final int run;

	private AttackSpec(final String type, final String loss, final int run) {
		this.type = type;
		this.loss = loss;
		this.run = run;
	}

	/** Reads {@code type[:loss][#run]}; the type in any spelling its plugin accepts. */
	public static AttackSpec parse(final String text) {
		String t = text.trim();
		int run = 1;
		final int hash = t.indexOf('#');
		if (hash >= 0) {
			try {
				run = Integer.parseInt(t.substring(hash + 1).trim());
			}
			catch (final NumberFormatException e) {
				run = 0;
			}
			if (run < 1) throw new AmatException("Cannot read the run number in the attack '" + text + "': write e.g. " +
				"apgd:ce#2.");
			t = t.substring(0, hash).trim();
		}
		final int colon = t.indexOf(':');
		final String loss = colon < 0 ? null : t.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
		final String type = AttackTypes.canonical(colon < 0 ? t : t.substring(0, colon));
		if (loss != null && loss.isEmpty()) throw new AmatException("The attack '" + text + "' names no loss after ':'.");
		return new AttackSpec(type, loss, run);
	}

	/** The canonical spelling of an attack name: "APGD:JS" gives "apgd:js", "pgd#1" gives "pgd". */
	public static String canonical(final String text) {
		return parse(text).toString();
	}

	/** The attack type's key. */
	public String type() {
		return type;
	}

	/** The attack loss's key; null for the task's training loss. */
	public String loss() {
		return loss;
	}

	/** Which run (1, 2, ...): a run differs from the others only in its random seed. */
	public int run() {
		return run;
	}

	/** This member as run number r. */
	public AttackSpec run(final int r) {
		return new AttackSpec(type, loss, r);
	}

	public AttackType attackType() {
		return AttackTypes.get(type);
	}

	/** The attack under a norm with complete settings, maximising this member's loss. */
	public Attack create(final Norm norm, final AttackSettings settings) {
		final Attack attack = AttackTypes.create(type, norm, settings);
		return loss == null && run == 1 ? attack : new Member(attack, toString(), loss);
	}

	@Override
	public String toString() {
		return type + (loss == null ? "" : ":" + loss) + (run == 1 ? "" : "#" + run);
	}

	@Override
	public boolean equals(final Object o) {
		return o instanceof AttackSpec && o.toString().equals(toString());
	}

	@Override
	public int hashCode() {
		return toString().hashCode();
	}

	/** An attack that maximises a chosen loss of the target's task. */
	private static final class Member implements Attack {

		private final Attack attack;
		private final String name, loss;

		Member(final Attack attack, final String name, final String loss) {
			this.attack = attack;
			this.name = name;
			this.loss = loss;
		}

		@Override
		public String name() {
			return name;
		}

		@Override
		public Norm norm() {
			return attack.norm();
		}

		@Override
		public boolean followsGradient() {
			return attack.followsGradient();
		}

		@Override
		public <L> NDArray perturb(final AttackTarget<L> target, final NDArray x, final NDList y, final float[] eps) {
			final AttackTarget<L> t = loss == null ? target : target.withLoss(target.task().attackLoss(loss));
			return attack.perturb(t, x, y, eps);
		}

		@Override
		public String toString() {
			return attack + (loss == null ? "" : " on " + loss);
		}
	}
}
