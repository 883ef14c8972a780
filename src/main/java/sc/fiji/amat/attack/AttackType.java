package sc.fiji.amat.attack;

import sc.fiji.amat.plugin.NamedPlugin;

/**
 * A kind of attack, discovered as a SciJava plugin ({@code @Plugin(type = AttackType.class)}), so
 * a new attack is one class: the commands, the report, the command line and the benchmark list
 * it through {@link AttackTypes}. Its {@link #key()} is what reports, report parts and the
 * per-attack random seeds record; its options are {@link AttackSettings}.
 */
public interface AttackType extends NamedPlugin {

	/** The options this attack reads, at their defaults. */
	AttackSettings defaults();

	/** Checks complete settings (the defaults filled in); throws an {@code AmatException}. */
	default void check(final AttackSettings s) {}

	/** The attack under a norm, with complete settings. */
	Attack create(Norm norm, AttackSettings s);

	/** True for attacks that follow the input gradient, which a model without gradients cannot meet white-box. */
	default boolean followsGradient() {
		return create(Norm.L2, defaults()).followsGradient();
	}

	/** True for attacks that start from a random point, so that independent runs differ (restarts help). */
	default boolean randomStart() {
		return false;
	}

	/** The rough cost of one batch under the attack, in forward + backward passes, for progress estimates. */
	double cost(AttackSettings s);

	/** The attack's strength in words for reports ("IFGSM 10 steps"), or "" when its name says all. */
	default String describe(final AttackSettings s) {
		return "";
	}
}
