package sc.fiji.amat.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.AtomicFiles;
import sc.fiji.amat.data.volume.Nifti;
import sc.fiji.amat.data.volume.NiftiDataType;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.segmentation.VolumeDice;

/**
 * Writes what {@link VolumeAttack} produced into a folder, each volume with the input's header
 * and affine so that it overlays the input in other viewers: {@code NAME_adversarial.nii.gz} and
 * {@code NAME_noise.nii.gz} (float32, no scaling: the input's intensities, adversarial = input +
 * noise), {@code NAME_prediction.nii.gz} and {@code NAME_adversarial-prediction.nii.gz} (uint8
 * class indices), {@code NAME_attack.csv} (per slice: the noise's size in normalised units, the
 * loss and, with labels, the metrics clean and adversarial) and with labels
 * {@code NAME_volume-dice.csv} (the Dice per volume, clean and adversarial). All files are
 * written into a hidden folder beside them first and moved in when every one is complete, so an
 * error leaves none of them.
 */
public final class VolumeAttackFiles {

	private VolumeAttackFiles() {}

	/** The suffixes of the files written, after the input's name. */
	public static final String ADVERSARIAL = "_adversarial.nii.gz", NOISE = "_noise.nii.gz",
		PREDICTION = "_prediction.nii.gz", ADVERSARIAL_PREDICTION = "_adversarial-prediction.nii.gz",
		TABLE = "_attack.csv", DICE = "_volume-dice.csv";

	/** Refuses an output folder that cannot be written before any work is done; creates nothing. */
	public static void checkFolder(final Path folder) {
		AtomicFiles.checkFolder(folder, "The output folder");
	}

	/** Writes the files; returns them in the order written. */
	public static List<Path> write(final VolumeAttack.Result r, final Path folder) {
		checkFolder(folder);
		final boolean created = !Files.isDirectory(folder);
		final Path staging;
		try {
			Files.createDirectories(folder);
			staging = Files.createTempDirectory(folder, ".amat-attack-");
		}
		catch (final IOException e) {
			throw new AmatException("Cannot write into the output folder " + folder + ": " + AtomicFiles.reason(e) + ".", e);
		}
		final List<String> names = new ArrayList<>();
		boolean done = false;
		try {
			final long[] dims = r.image.dims();
			final long[] xyz = { r.xyz[0], r.xyz[1], r.xyz[2] };
			nifti(staging, r.name + ADVERSARIAL, r.adversarial, dims, r, NiftiDataType.FLOAT32, names);
			nifti(staging, r.name + NOISE, r.noise, dims, r, NiftiDataType.FLOAT32, names);
			nifti(staging, r.name + PREDICTION, r.prediction, xyz, r, NiftiDataType.UINT8, names);
			nifti(staging, r.name + ADVERSARIAL_PREDICTION, r.adversarialPrediction, xyz, r, NiftiDataType.UINT8, names);
			AtomicFiles.writeText(staging.resolve(r.name + TABLE), "the attack's table", table(r));
			names.add(r.name + TABLE);
			if (r.cleanDice != null) {
				AtomicFiles.writeText(staging.resolve(r.name + DICE), "the per-volume Dice table", dice(r.cleanDice,
					r.adversarialDice));
				names.add(r.name + DICE);
			}
			final List<Path> written = new ArrayList<>();
			for (final String n : names) {
				final Path target = folder.resolve(n);
				try {
					AtomicFiles.move(staging.resolve(n), target);
				}
				catch (final IOException e) {
					throw new AmatException("Cannot write " + target + ": " + AtomicFiles.reason(e) + ".", e);
				}
				written.add(target);
			}
			done = true;
			return written;
		}
		finally {
			deleteQuietly(staging);
			if (!done && created) deleteQuietly(folder);
		}
	}

	private static void nifti(final Path dir, final String name, final float[] values, final long[] dims,
		final VolumeAttack.Result r, final NiftiDataType type, final List<String> names)
	{
		Nifti.write(dir.resolve(name), values, dims, r.image.header(), type);
		names.add(name);
	}

	/** Per slice: the noise's size, the loss and the metrics (not the pooling counts) clean and adversarial. */
	static String table(final VolumeAttack.Result r) {
		final StringBuilder b = new StringBuilder("slice,axis,noise L2 (normalised),noise rms (normalised)," +
			"noise Linf (normalised),loss clean,loss adversarial");
		final MetricTable c = r.clean, a = r.attacked;
		if (c != null) {
			for (int k = 0; k < c.names().length; k++) {
				if (!c.isPoolingColumn(k)) b.append(',').append(c.names()[k]).append(" clean,").append(c.names()[k]).append(
					" adversarial");
			}
		}
		b.append('\n');
		for (int s = 0; s < r.perSlice.size(); s++) {
			final double[] v = r.perSlice.get(s);
			b.append(s).append(',').append(r.axis.label());
			for (final double d : v) b.append(',').append(number(d));
			if (c != null) {
				for (int k = 0; k < c.names().length; k++) {
					if (!c.isPoolingColumn(k)) b.append(',').append(number(c.value(s, k))).append(',').append(number(a.value(s,
						k)));
				}
			}
			b.append('\n');
		}
		return b.toString();
	}

	/** {@link VolumeDice#csv()} of the clean and the adversarial predictions, with a first column 'input'. */
	static String dice(final VolumeDice clean, final VolumeDice adversarial) {
		final StringBuilder b = new StringBuilder();
		final String[] c = clean.csv().split("\n"), a = adversarial.csv().split("\n");
		b.append("input,").append(c[0]).append('\n');
		for (int i = 1; i < c.length; i++) b.append("clean,").append(c[i]).append('\n');
		for (int i = 1; i < a.length; i++) b.append("adversarial,").append(a[i]).append('\n');
		return b.toString();
	}

	private static String number(final double d) {
		return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.6g", d);
	}

	private static void deleteQuietly(final Path dir) {
		try (Stream<Path> s = Files.walk(dir)) {
			s.sorted(Comparator.reverseOrder()).forEach(p -> {
				try {
					Files.deleteIfExists(p);
				}
				catch (final IOException ignored) {
					// best effort: a hidden, temporary folder
				}
			});
		}
		catch (final IOException ignored) {
			// best effort
		}
	}
}
