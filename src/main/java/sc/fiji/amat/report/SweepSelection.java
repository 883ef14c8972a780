package sc.fiji.amat.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.AttackSpec;

/**
 * Which units of a report's sweep one job evaluates: optionally only some models, attacks
 * ({@value SweepUnit#CLEAN} names the clean evaluations) and noise levels, and of what is left,
 * slice K of N. Slices deal the units out in turn (unit i goes to slice i mod N + 1), so every
 * slice gets a similar mix of cheap and expensive attacks, and the N slices together hold every
 * selected unit exactly once.
 */
public final class SweepSelection {

	private final int slice, slices;
	private final Set<String> models, attacks;
	private final double[] eps;

	private SweepSelection(final int slice, final int slices, final Set<String> models, final Set<String> attacks,
		final double[] eps)
	{
		if (slices < 1 || slice < 1 || slice > slices) {
			throw new AmatException("A slice is K/N with N >= 1 and K from 1 to N, got " + slice + "/" + slices + ".");
		}
		this.slice = slice;
		this.slices = slices;
		this.models = models;
		this.attacks = attacks;
		this.eps = eps;
	}

	/** The whole sweep. */
	/** The name that selects the sanity checks' extra attacks. */
	public static final String CHECKS = "checks";

	public static SweepSelection all() {
		return new SweepSelection(1, 1, null, null, null);
	}

	/** Parses "K/N" (K from 1 to N), e.g. "2/8" or Slurm's "$SLURM_ARRAY_TASK_ID/8". */
	public static SweepSelection slice(final String text) {
		final String[] p = text.trim().split("/");
		try {
			if (p.length != 2) throw new NumberFormatException();
			return new SweepSelection(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), null, null, null);
		}
		catch (final NumberFormatException e) {
			throw new AmatException("Cannot read the slice '" + text + "': give K/N, e.g. 2/8 (slice 2 of 8, K from 1 " +
				"to N).");
		}
	}

	/** Only these models (display names, as the report shows them). */
	public SweepSelection models(final String... names) {
		return new SweepSelection(slice, slices, new LinkedHashSet<>(Arrays.asList(names)), attacks, eps);
	}

	/**
	 * Only these attacks: members in any spelling {@link AttackSpec#canonical} reads, "clean", or
	 * "checks" (the sanity checks' extra attacks).
	 */
	public SweepSelection attacks(final String... names) {
		final Set<String> a = new LinkedHashSet<>();
		for (final String n : names) {
			final String t = n.trim().toLowerCase(Locale.ROOT);
			a.add(t.equals(SweepUnit.CLEAN) || t.equals(CHECKS) ? t : AttackSpec.canonical(n));
		}
		return new SweepSelection(slice, slices, models, a, eps);
	}

	/** Only these noise levels (0 selects the clean evaluations). */
	public SweepSelection eps(final double... levels) {
		return new SweepSelection(slice, slices, models, attacks, levels.clone());
	}

	/** True when this selects the whole sweep. */
	public boolean isAll() {
		return slices == 1 && models == null && attacks == null && eps == null;
	}

	/**
	 * The selected units of a sweep, in the sweep's order.
	 *
	 * @throws AmatException when a named model, attack or level is not in the sweep
	 */
	public List<SweepUnit> select(final List<SweepUnit> sweep) {
		final Set<String> knownModels = new LinkedHashSet<>(), knownAttacks = new LinkedHashSet<>();
		final List<Double> knownEps = new ArrayList<>();
		for (final SweepUnit u : sweep) {
			knownModels.add(u.modelName);
			knownAttacks.add(u.attack);
			if (!knownEps.contains(u.eps)) knownEps.add(u.eps);
		}
		if (models != null) {
			for (final String m : models) {
				if (!knownModels.contains(m)) {
					throw new AmatException("The model '" + m + "' is not in this report: its models are " + knownModels + ".");
				}
			}
		}
		if (attacks != null) {
			for (final String a : attacks) {
				if (!knownAttacks.contains(a) && !a.equals(CHECKS)) {
					throw new AmatException("The attack '" + a + "' is not in this report: choose from " + knownAttacks + ".");
				}
			}
		}
		if (eps != null) {
			for (final double e : eps) {
				if (level(knownEps, e) == null) {
					throw new AmatException("The noise level " + e + " is not one of this report's levels " + knownEps + ".");
				}
			}
		}
		final List<SweepUnit> filtered = new ArrayList<>();
		for (final SweepUnit u : sweep) {
			if (models != null && !models.contains(u.modelName)) continue;
			if (attacks != null && !attacks.contains(u.attack) && !(attacks.contains(CHECKS) && ReportPlan.isCheck(
				u.attack))) continue;
			if (eps != null && !containsLevel(eps, u.eps)) continue;
			filtered.add(u);
		}
		final List<SweepUnit> out = new ArrayList<>();
		for (int i = 0; i < filtered.size(); i++) {
			if (i % slices == slice - 1) out.add(filtered.get(i));
		}
		return out;
	}

	private static Double level(final List<Double> levels, final double e) {
		for (final Double l : levels) {
			if (same(l, e)) return l;
		}
		return null;
	}

	private static boolean containsLevel(final double[] levels, final double e) {
		for (final double l : levels) {
			if (same(l, e)) return true;
		}
		return false;
	}

	private static boolean same(final double a, final double b) {
		return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
	}

	/** "slice 2/8 of models [a], attacks [pgd]" and the like. */
	@Override
	public String toString() {
		if (isAll()) return "the whole sweep";
		final StringBuilder b = new StringBuilder("slice " + slice + "/" + slices);
		if (models != null) b.append(", models ").append(models);
		if (attacks != null) b.append(", attacks ").append(attacks);
		if (eps != null) {
			b.append(", eps [");
			for (int k = 0; k < eps.length; k++) b.append(k > 0 ? ", " : "").append(EpsLevels.format(eps[k]));
			b.append(']');
		}
		return b.toString();
	}
}
