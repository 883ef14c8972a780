package sc.fiji.amat.report;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackSettings;
import sc.fiji.amat.attack.AttackSpec;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.Tiling;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.nn.MemoryEstimate;
import sc.fiji.amat.task.Tasks;

/**
 * The plan stage of a report: the sweep and its choices (models, noise levels, attacks, example
 * images), computed alike by every job from the same inputs, and saved with every part so the
 * merge needs neither the models nor the test set. Nothing here runs a model.
 */
final class ReportPlan {

	/** The settings as the user gave them (what parts record), and resolved for the task (every member listed). */
	final ReportSettings requested, settings;
	final List<String> files, names;
	final List<ModelInfo> infos;
	final EpsLevels levels;
	final String taskType, testTitle;
	final int testSize;
	/** The volume of each test image when they are slices of volumes, else null. */
	final List<String> volumes;
	final Map<String, Attack> attacks = new LinkedHashMap<>();
	final Map<String, String> descriptions = new LinkedHashMap<>();
	/** The extra attacks of the sanity checks, run at {@link #checkLevel} only: see {@link ReportSettings#extraChecks}. */
	final Map<String, Attack> checks = new LinkedHashMap<>();
	final int checkLevel;
	/** The gradient member the checks double and transfer; null when there is none. */
	final String checkedMember;
	final String exampleAttack;
	final int exampleLevel;
	final int[] exampleImages;

	ReportPlan(final ReportSettings settings, final List<String> files, final List<String> names,
		final List<ModelInfo> infos, final EpsLevels levels, final String taskType, final String testTitle,
		final int testSize, final List<String> volumes)
	{
		this.requested = settings;
		this.volumes = volumes;
		this.settings = settings.resolve(Tasks.fromSpec(infos.get(0).task, infos.get(0).taskSpec, infos.get(0)
			.inputChannels, infos.get(0).network));
		this.files = files;
		this.names = names;
		this.infos = infos;
		this.levels = levels;
		this.taskType = taskType;
		this.testTitle = testTitle;
		this.testSize = testSize;
		String checked = null;
		for (final String a : this.settings.attacks) {
			final Attack attack = this.settings.attack(a);
			attacks.put(a, attack);
			descriptions.put(a, attack.toString());
			// the extra checks double the first iterative gradient member's steps (FGSM has none to double)
			if (checked == null && attack.followsGradient() && this.settings.attackSettings(a).orElse(AttackSpec.parse(a)
				.attackType().defaults()).iterations() != null) checked = a;
		}
		this.checkedMember = settings.extraChecks && levels.size() > 1 ? checked : null;
		this.checkLevel = levels.size() / 2;
		if (checkedMember != null) {
			final AttackSpec spec = AttackSpec.parse(checkedMember);
			final AttackSettings s = this.settings.attackSettings(checkedMember).orElse(spec.attackType().defaults());
			checks.put(DOUBLED + checkedMember, spec.create(this.settings.norm, s.iterations(2 * s.iterations())));
			checks.put(TRANSFER + checkedMember, attacks.get(checkedMember));
		}
		this.exampleAttack = settings.exampleAttack == null ? attacks.keySet().iterator().next() : AttackSpec
			.canonical(settings.exampleAttack);
		if (!attacks.containsKey(exampleAttack)) {
			throw new AmatException("The example attack " + exampleAttack + " is not among the evaluation's attacks " +
				attacks.keySet() + ".");
		}
		this.exampleLevel = exampleLevel(levels, settings.exampleEps);
		this.exampleImages = exampleImages(testSize, settings.exampleCount);
	}

	/** What every job of one report agrees on: the models, the levels, the attacks, the examples. */
	static ReportPlan of(final List<Path> models, final TestSet<?> test, final ReportSettings settings) {
		settings.check();
		final List<String> names = ReportModels.names(models);
		final List<ModelInfo> infos = ReportModels.infos(models, names, test.taskType());
		final ReportSettings chosen = settings.copy();
		chosen.tile = checkMemory(infos, test, settings);
		final EpsUnit unit = settings.unit();
		final EpsLevels levels = settings.eps != null ? new EpsLevels(settings.eps, settings.norm, unit,
			"chosen by the user.") : DefaultEps.suggest(infos, names, test, settings.norm, unit);
		final List<String> files = new ArrayList<>();
		for (final Path p : models) files.add(p.toString());
		return new ReportPlan(chosen, files, names, infos, levels, infos.get(0).task, test.title(), test.size(),
			test.volumes());
	}

	/**
	 * The tiles a model of that size multiple sees the test images through: null for whole
	 * images (tile 0), else tiles of the chosen side overlapping by a quarter of it (rounded
	 * down to the multiple), a quarter of the overlap a halo that does not count.
	 */
	Tiling tiling(final int multiple) {
		return tiling(settings.tile, multiple);
	}

	/** {@link #tiling(int)} for a tile side (0: whole images, null). */
	static Tiling tiling(final int tile, final int multiple) {
		return Tiling.standard(tile, multiple, "The tile size (--tile)", "the size multiple of one of the models");
	}

	/**
	 * The tile side the report runs with (0: whole images): the chosen one, or automatically
	 * whole images when a batch of them fits the device's memory under a gradient attack, else
	 * the largest power-of-two tile whose batch does (for the models AMAT trained, whose network
	 * it knows). Refuses a batch of images or tiles whose estimate is over what the device has.
	 * When the test images differ in size, every size group's batch must fit (the largest image
	 * decides).
	 */
	static int checkMemory(final List<ModelInfo> infos, final TestSet<?> test, final ReportSettings settings) {
		final ai.djl.Device device = sc.fiji.amat.engine.Engines.device(settings.device);
		final List<MemoryEstimate> estimates = new ArrayList<>();
		int multiple = 1;
		for (final ModelInfo info : infos) {
			if (info.network == null || info.importedFormat != null) continue;
			multiple = Math.max(multiple, info.network.sizeMultiple());
			final int outputs = sc.fiji.amat.task.Tasks.fromSpec(info.task, info.taskSpec, info.inputChannels, info.network)
				.outputChannels();
			estimates.add(new MemoryEstimate(info.network, test.channels(), outputs));
		}
		int tile = settings.tile;
		final long available = Boolean.parseBoolean(System.getProperty(MemoryEstimate.CHECK, "true")) ? MemoryEstimate
			.available(device) : 0;
		if (tile == 0 && available > 0 && !fitsAll(estimates, test, settings.batchSize, 0, available)) {
			tile = Tiling.largestFitting(test.height(), test.width(), multiple, t -> fitsAll(estimates, test,
				settings.batchSize, t, available));
		}
		for (int g = 0; g < test.groups(); g++) {
			final int batch = Math.min(settings.batchSize, test.positions(g).length), h = test.height(g), w = test.width(g);
			for (final MemoryEstimate e : estimates) {
				e.check(MemoryEstimate.Use.ATTACK, batch, tile == 0 ? h : Math.min(tile, h), tile == 0 ? w : Math.min(tile,
					w), device, "the report's batch size (--batch)", "smaller tiles (--tile)");
			}
		}
		return tile;
	}

	/** Whether every size group's batch of images (tile 0) or tiles fits. */
	private static boolean fitsAll(final List<MemoryEstimate> estimates, final TestSet<?> test, final int batchSize,
		final int tile, final long available)
	{
		for (int g = 0; g < test.groups(); g++) {
			final int batch = Math.min(batchSize, test.positions(g).length), h = test.height(g), w = test.width(g);
			if (!fits(estimates, batch, tile == 0 ? h : Math.min(tile, h), tile == 0 ? w : Math.min(tile, w), available)) {
				return false;
			}
		}
		return true;
	}

	private static boolean fits(final List<MemoryEstimate> estimates, final int batch, final int h, final int w,
		final long available)
	{
		for (final MemoryEstimate e : estimates) {
			if (e.bytes(MemoryEstimate.Use.ATTACK, batch, h, w) > available) return false;
		}
		return true;
	}

	/** Prefixes of the sanity checks' extra attacks. */
	static final String DOUBLED = "check: twice the steps of ", TRANSFER = "check: transfer of ";

	/**
	 * Every unit of the sweep: per model its clean unit, every attack at every level above 0, then
	 * the sanity checks' extra attacks at the check level (for models with gradients).
	 */
	List<SweepUnit> units() {
		final List<SweepUnit> out = new ArrayList<>();
		for (int m = 0; m < names.size(); m++) {
			out.add(new SweepUnit(m, names.get(m), SweepUnit.CLEAN, 0, 0));
			for (final String a : attacks.keySet()) {
				for (int k = 1; k < levels.size(); k++) out.add(new SweepUnit(m, names.get(m), a, k, levels.get(k)));
			}
			if (checkedMember == null || !Transfers.hasGradients(infos.get(m))) continue;
			for (final String c : checks.keySet()) {
				if (c.startsWith(TRANSFER) && transferSource(m) < 0) continue;
				out.add(new SweepUnit(m, names.get(m), c, checkLevel, levels.get(checkLevel)));
			}
		}
		return out;
	}

	/** The attack of a unit: a member, or a sanity check's extra attack. */
	Attack attack(final String name) {
		final Attack a = attacks.get(name);
		return a != null ? a : checks.get(name);
	}

	/** The rough cost of one batch under a unit's attack, in forward + backward passes. */
	double cost(final String attack) {
		if (attack.startsWith(DOUBLED)) return 2 * settings.cost(checkedMember);
		return settings.cost(attack.startsWith(TRANSFER) ? checkedMember : attack);
	}

	/** True for the units of the sanity checks' extra attacks, which stay out of the curves and the worst case. */
	static boolean isCheck(final String attack) {
		return attack.startsWith(DOUBLED) || attack.startsWith(TRANSFER);
	}

	/**
	 * The model the transfer check crafts model m's attack on: the first other model with
	 * gradients; -1 when there is none.
	 */
	int transferSource(final int m) {
		for (int j = 0; j < names.size(); j++) {
			if (j != m && Transfers.hasGradients(infos.get(j))) return j;
		}
		return -1;
	}

	List<String> attackNames() {
		return new ArrayList<>(attacks.keySet());
	}

	/** The transfer source's file name, or null without one. */
	String sourceName() {
		return settings.transferSource == null ? null : Paths.get(settings.transferSource).getFileName().toString();
	}

	/** Whether a unit fills in the adversarial half of the example images. */
	boolean isExampleUnit(final SweepUnit u) {
		return !u.isClean() && u.attack.equals(exampleAttack) && u.level == exampleLevel;
	}

	static int exampleLevel(final EpsLevels levels, final double eps) {
		if (Double.isNaN(eps)) return levels.size() - 1;
		for (int k = 0; k < levels.size(); k++) {
			if (Math.abs(levels.get(k) - eps) <= 1e-9 * Math.max(1, Math.abs(eps))) return k;
		}
		throw new AmatException("The example noise level " + eps + " is not one of the report's levels (" + levels
			.list() + ").");
	}

	/** count images spread evenly over the test set. */
	static int[] exampleImages(final int n, final int count) {
		final int c = Math.min(n, count);
		final int[] out = new int[c];
		for (int j = 0; j < c; j++) out[j] = (int) ((j + 0.5) * n / c);
		return out;
	}
}
