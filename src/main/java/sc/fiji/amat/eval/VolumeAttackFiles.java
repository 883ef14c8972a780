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
 * class indices), {@code NAME_attack.csv} (per slice: its 0-based index along the axis, the
 * batch and tile the attack ran with, the noise's size in normalised units, the loss and, with
 * labels, the metrics clean and adversarial) and with labels {@code NAME_volume-dice.csv} (the
 * Dice per volume, clean and adversarial). All files are written into a hidden folder beside
 * them first and moved in when every one is complete; a run without labels removes a
 * {@code NAME_volume-dice.csv} of an earlier run. If a move fails, the files already moved are
 * taken out again and the earlier run's files put back, so an error leaves the folder as it was.
 */
public final class VolumeAttackFiles {

	private VolumeAttackFiles() {}

	/** The suffixes of the files written, after the input's name. */
	public static final String ADVERSARIAL = "_adversarial.nii.gz", NOISE = "_noise.nii.gz",
		PREDICTION = "_prediction.nii.gz", ADVERSARIAL_PREDICTION = "_adversarial-prediction.nii.gz",
		TABLE = "_attack.csv", DICE = "_volume-dice.csv";

	/** Tests only: the name of a file whose move into the folder fails (null: none). */
	static volatile String failingMove;

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
			final List<Path> written = commit(staging, folder, names, r.cleanDice == null ? r.name + DICE : null);
			done = true;
			return written;
		}
		finally {
			deleteQuietly(staging);
			if (!done && created) deleteQuietly(folder);
		}
	}

	/**
	 * Moves the staged files into the folder, each earlier file of that name (and {@code stale},
	 * when not null) first into a backup folder inside the staging one; on an error takes the new
	 * files out again and puts the earlier ones back.
	 */
	private static List<Path> commit(final Path staging, final Path folder, final List<String> names,
		final String stale)
	{
		final Path backup = staging.resolve(".earlier");
		final List<String> moved = new ArrayList<>(), kept = new ArrayList<>();
		Path target = folder;
		try {
			Files.createDirectory(backup);
			final List<String> replaced = new ArrayList<>(names);
			if (stale != null) replaced.add(stale);
			for (final String n : replaced) {
				target = folder.resolve(n);
				if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
					AtomicFiles.move(target, backup.resolve(n));
					kept.add(n);
				}
			}
			for (final String n : names) {
				target = folder.resolve(n);
				if (n.equals(failingMove)) throw new IOException("a failing move (a test)");
				AtomicFiles.move(staging.resolve(n), target);
				moved.add(n);
			}
		}
		catch (final IOException e) {
			for (final String n : moved) {
				try {
					Files.deleteIfExists(folder.resolve(n));
				}
				catch (final IOException ignored) {
					// best effort: the error below names the file that failed
				}
			}
			for (final String n : kept) {
				try {
					AtomicFiles.move(backup.resolve(n), folder.resolve(n));
				}
				catch (final IOException ignored) {
					// best effort
				}
			}
			throw new AmatException("Cannot write " + target + ": " + AtomicFiles.reason(e) + ".", e);
		}
		final List<Path> written = new ArrayList<>();
		for (final String n : names) written.add(folder.resolve(n));
		return written;
	}

	private static void nifti(final Path dir, final String name, final float[] values, final long[] dims,
		final VolumeAttack.Result r, final NiftiDataType type, final List<String> names)
	{
		Nifti.write(dir.resolve(name), values, dims, r.image.header(), type);
		names.add(name);
	}

	/**
	 * Per slice: its index along the axis (0-based, as NIfTI viewers count voxels), the batch size
	 * and tile side (0: whole slices) the attack ran with (the seed's draws reproduce with the
	 * same), the noise's size, the loss and the metrics (not the pooling counts) clean and
	 * adversarial.
	 */
	static String table(final VolumeAttack.Result r) {
		final StringBuilder b = new StringBuilder("index,axis,batch size,tile,noise L2 (normalised)," +
			"noise rms (normalised),noise Linf (normalised),loss clean,loss adversarial");
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
			b.append(s).append(',').append(r.axis.label()).append(',').append(r.batch).append(',').append(r.tile);
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
