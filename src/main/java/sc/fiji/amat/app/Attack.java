package sc.fiji.amat.app;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.Durations;
import sc.fiji.amat.attack.AttackSettings;
import sc.fiji.amat.attack.AttackTypes;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.data.volume.SliceAxis;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.eval.VolumeAttack;
import sc.fiji.amat.eval.VolumeAttackFiles;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.segmentation.VolumeDice;

/**
 * {@code attack}: attacks a NIfTI volume with a segmentation model, slice by slice, and writes the
 * adversarial volume, the noise and the predictions with the volume's header into a folder:
 * {@code --model M --image volume.nii.gz [--labels labels.nii.gz] --out DIR [--attack pgd --norm
 * l2 --eps 0.1 --unit rms --iterations 20 --seed 42 --slice-axis z --tile 0 --batch 0 --device cpu
 * --threads N]}.
 */
final class Attack {

	static final String USAGE = "attack needs --model M --image volume.nii.gz --out FOLDER (and optionally --labels " +
		"labels.nii.gz --attack pgd --norm l2 --eps 0.1 --unit rms --iterations 20 --seed 42 --slice-axis z).";

	private Attack() {}

	static void run(final Args args, final PrintStream out) {
		final String model = args.get("model", null), image = args.get("image", null), folder = args.get("out", null);
		final String labels = args.get("labels", null);
		final String attack = args.get("attack", "pgd");
		final Norm norm = Norm.parse(args.get("norm", "L2"));
		final double eps = args.getDouble("eps", 0.1);
		final String unit = args.get("unit", null);
		final int iterations = args.getInt("iterations", 20);
		final VolumeAttack.Settings s = new VolumeAttack.Settings();
		s.seed = args.getInt("seed", s.seed);
		s.axis = SliceAxis.parse(args.get("slice-axis", s.axis.label()));
		s.tile = args.getInt("tile", s.tile);
		s.batchSize = args.getInt("batch", s.batchSize);
		final String device = args.get("device", "cpu");
		final int threads = args.getInt("threads", Runtime.getRuntime().availableProcessors());
		args.done();
		if (model == null || image == null || folder == null) throw new AmatException(USAGE);
		final Path dir = Paths.get(folder);
		VolumeAttackFiles.checkFolder(dir);
		final NoiseBudget budget = NoiseBudget.of(eps, unit == null ? EpsUnit.defaultFor(norm) : EpsUnit.parse(unit),
			norm);
		final sc.fiji.amat.attack.Attack a = AttackTypes.create(attack, norm, AttackSettings.DEFAULTS.iterations(
			iterations));
		Engines.setThreads(threads, 1);
		Engines.pytorch();
		final VolumeAttack.Result r;
		try (AmatModel m = AmatModel.load(Paths.get(model), Engines.device(device))) {
			r = VolumeAttack.run(m, Paths.get(image), labels == null ? null : Paths.get(labels), a, budget, s,
				new VolumeAttack.Listener() {

					private long last;

					@Override
					public void progress(final int done, final int total, final double secondsLeft) {
						final long now = System.nanoTime();
						if (done < total && now - last < 2_000_000_000L) return;
						last = now;
						out.printf(Locale.ROOT, "attack: slice %d/%d, ~%s left%n", done, total, Durations.text(secondsLeft));
					}
				});
		}
		out.println("attack: " + VolumeAttack.describe(r) + ", " + r.description);
		print(r, out);
		for (final Path p : VolumeAttackFiles.write(r, dir)) out.println("wrote " + p);
	}

	/** The mean noise per slice, and with labels the Dice per volume, clean and adversarial. */
	private static void print(final VolumeAttack.Result r, final PrintStream out) {
		double rms = 0, linf = 0;
		for (final double[] v : r.perSlice) {
			rms += v[1] / r.perSlice.size();
			linf = Math.max(linf, v[2]);
		}
		out.printf(Locale.ROOT, "noise (normalised units): mean rms per slice %.4f, largest Linf %.4f%n", rms, linf);
		if (r.cleanDice == null) return;
		final VolumeDice c = r.cleanDice, a = r.adversarialDice;
		for (int k = 0; k < c.classes.size(); k++) {
			out.printf(Locale.ROOT, "%s: pooled 3D Dice %.4f clean, %.4f adversarial; mean slice Dice %.4f, %.4f%n", c.classes
				.get(k), c.rows.get(0).pooledDice[k], a.rows.get(0).pooledDice[k], c.rows.get(0).meanSliceDice[k], a.rows
					.get(0).meanSliceDice[k]);
		}
	}
}
