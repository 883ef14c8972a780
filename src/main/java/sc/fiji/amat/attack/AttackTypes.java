package sc.fiji.amat.attack;

import java.util.List;

import sc.fiji.amat.plugin.PluginRegistry;

/** Every {@link AttackType} on the class path: the one list of attacks users can choose from. */
public final class AttackTypes {

	private static final PluginRegistry<AttackType> REGISTRY = new PluginRegistry<>(AttackType.class, "attack");

	private AttackTypes() {}

	/** Every attack type, in the order users see them (PGD, APGD, IFGSM, FGSM, white noise, then others). */
	public static List<AttackType> all() {
		return REGISTRY.all();
	}

	/** The attack type a name stands for (any spelling its key, display name or aliases allow). */
	public static AttackType get(final String name) {
		return REGISTRY.get(name);
	}

	/** The key of the attack a name stands for: "White noise" gives "noise". */
	public static String canonical(final String name) {
		return get(name).key();
	}

	public static List<String> keys() {
		return REGISTRY.keys();
	}

	public static List<String> displayNames() {
		return REGISTRY.displayNames();
	}

	/** The attack a name stands for, under a norm, its unset options at the attack's defaults. */
	public static Attack create(final String name, final Norm norm, final AttackSettings settings) {
		final AttackType t = get(name);
		final AttackSettings s = settings.orElse(t.defaults());
		t.check(s);
		return t.create(norm, s);
	}
}
