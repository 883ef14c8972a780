package sc.fiji.amat.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.TinyData;
import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackSettings;
import sc.fiji.amat.attack.AttackTypes;
import sc.fiji.amat.attack.EpsUnit;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.attack.Tiling;
import sc.fiji.amat.data.volume.Nifti;
import sc.fiji.amat.data.volume.NiftiDataType;
import sc.fiji.amat.data.volume.NiftiHeader;
import sc.fiji.amat.data.volume.NiftiImage;
import sc.fiji.amat.data.volume.SliceAxis;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.MemoryEstimate;

/**
 * Attacks on NIfTI volumes with a tiny U-Net (depth 2, size multiple 4) trained briefly on 16x16
 * squares: the written files against the input (adversarial = input + noise in its intensities,
 * its header and affine), the budget per slice, slices of sizes the model never saw (padded,
 * tiled), and bad input refused with one sentence and nothing written.
 */
public class VolumeAttackTest {

	@TempDir
	Path dir;

	private static AmatModel model;
	private static final double EPS = 0.1;

	@BeforeAll
	static void train() {
		model = TinyData.trainStandard(TinyData.squares(16, 3), 2);
	}

	@AfterAll
	static void close() {
		model.close();
	}

	/** A volume of x x y x z voxels (c channels along the 4th dimension) of noisy squares, and its label volume. */
	public static float[] volume(final Path image, final Path label, final int x, final int y, final int z,
		final int c)
	{
		final Random r = new Random(x * 31 + y * 7 + z);
		final int v = x * y * z;
		final float[] im = new float[v * c], lab = new float[v];
		for (int k = 0; k < z; k++) {
			final int x0 = r.nextInt(x / 2), y0 = r.nextInt(y / 2);
			for (int j = 0; j < y; j++) {
				for (int i = 0; i < x; i++) {
					final boolean in = k > 0 && i >= x0 && i < x0 + x / 3 && j >= y0 && j < y0 + y / 3;
					lab[i + x * (j + y * k)] = in ? 1 : 0;
					for (int ch = 0; ch < c; ch++) im[ch * v + i + x * (j + y * k)] = (float) ((in ? 300 : 100) + 40 * r
						.nextGaussian());
				}
			}
		}
		final long[] dims = c == 1 ? new long[] { x, y, z } : new long[] { x, y, z, c };
		final NiftiHeader h = NiftiHeader.create(1, dims, NiftiDataType.INT16, new double[] { 0.8, 0.9, 2.5 },
			new double[][] { { 0.8, 0, 0.1, -20 }, { 0, 0.9, 0, 15 }, { 0, 0.05, 2.5, -4 } });
		Nifti.write(image, im, dims, h, NiftiDataType.INT16);
		if (label != null) Nifti.write(label, lab, new long[] { x, y, z }, h, NiftiDataType.UINT8);
		return im;
	}

	public static Attack pgd(final int steps) {
		return AttackTypes.create("pgd", Norm.L2, AttackSettings.DEFAULTS.iterations(steps));
	}

	public static NoiseBudget budget() {
		return NoiseBudget.of(EPS, EpsUnit.RMS, Norm.L2);
	}

	private VolumeAttack.Result attack(final Path image, final Path label, final VolumeAttack.Settings s) {
		return VolumeAttack.run(model, image, label, pgd(3), budget(), s, null);
	}

	/**
	 * The nibabel fixture (int16 scaled by slope 0.5 and intercept 10, an oblique sform and
	 * another qform, 5 x 4 x 3: slices padded to 8 x 4): every written volume has the input's
	 * header (sform, qform, pixdim, dimensions), no scaling, and adversarial - input = noise in
	 * the input's intensities (a check of the files' format and units: the noise is computed so;
	 * that the written volume is the one attacked is {@link
	 * #theWrittenAdversarialVolumeGivesTheWrittenPredictionAndDice}).
	 */
	@Test
	void writtenVolumesOverlayTheInputAndAdversarialIsInputPlusNoise() throws IOException {
		final Path image = dir.resolve("oblique.nii.gz");
		try (InputStream in = VolumeAttackTest.class.getResourceAsStream("/volumes/nibabel-oblique-int16.nii.gz")) {
			Files.copy(in, image);
		}
		final NiftiImage input = Nifti.read(image);
		assertEquals(0.5, input.header().sclSlope(), "the fixture is scaled");
		final Path out = dir.resolve("out");
		final VolumeAttack.Result r = attack(image, null, new VolumeAttack.Settings());
		final List<Path> files = VolumeAttackFiles.write(r, out);
		assertEquals(5, files.size(), files.toString());
		final NiftiImage adv = Nifti.read(out.resolve("oblique_adversarial.nii.gz"));
		final NiftiImage noise = Nifti.read(out.resolve("oblique_noise.nii.gz"));
		final NiftiImage pred = Nifti.read(out.resolve("oblique_prediction.nii.gz"));
		final NiftiImage advPred = Nifti.read(out.resolve("oblique_adversarial-prediction.nii.gz"));
		for (final NiftiImage o : new NiftiImage[] { adv, noise, pred, advPred }) {
			sameGrid(input.header(), o.header(), o.name());
			assertEquals(1, o.header().sclSlope(), o.name());
			assertEquals(0, o.header().sclInter(), o.name());
		}
		assertArrayEquals(input.dims(), adv.dims());
		assertArrayEquals(input.dims(), noise.dims());
		assertArrayEquals(new long[] { 5, 4, 3 }, pred.dims());
		assertEquals(NiftiDataType.FLOAT32, adv.header().dataType());
		assertEquals(NiftiDataType.FLOAT32, noise.header().dataType());
		assertEquals(NiftiDataType.UINT8, pred.header().dataType());
		double noiseSize = 0;
		for (int i = 0; i < input.values().length; i++) {
			final float in = input.values()[i];
			assertEquals(adv.values()[i] - in, noise.values()[i], 1e-4 * (1 + Math.abs(in)), "voxel " + i);
			noiseSize += Math.abs(noise.values()[i]);
		}
		assertTrue(noiseSize > 0, "the attack changed the volume");
		for (final float p : pred.values()) assertTrue(p == 0 || p == 1, "class indices: " + p);
		final List<String> table = Files.readAllLines(out.resolve("oblique_attack.csv"));
		assertTrue(table.get(0).startsWith("index,axis,batch size,tile,noise L2"), table.get(0));
		assertTrue(table.get(1).startsWith("0,z," + r.batch + ",0,") && table.get(3).startsWith("2,z,"), table.toString());
		assertTrue(r.description.contains("seed 42, batches of " + r.batch + " slices, whole slices"), r.description);
		try (Stream<Path> s = Files.list(out)) {
			assertEquals(5, s.count(), "no temporary files left");
		}
	}

	/**
	 * Slices that need padding (14 x 10, padded to 16 x 12) under a large Linf budget: the model
	 * run on the WRITTEN adversarial volume (read back, each slice normalised with its clean
	 * slice's map and padded as the attack pads) gives the written adversarial prediction voxel
	 * by voxel, and its pooled Dice is the one in NAME_volume-dice.csv; so no noise outside the
	 * slice's own pixels reached the adversarial prediction.
	 */
	@Test
	void theWrittenAdversarialVolumeGivesTheWrittenPredictionAndDice() throws IOException {
		final Path image = dir.resolve("pad.nii.gz"), label = dir.resolve("pad-label.nii.gz");
		final int w = 14, h = 10, n = 3, pw = 16, ph = 12, plane = w * h;
		volume(image, label, w, h, n, 1);
		final Attack linf = AttackTypes.create("pgd", Norm.LINF, AttackSettings.DEFAULTS.iterations(5));
		final VolumeAttack.Result r = VolumeAttack.run(model, image, label, linf, NoiseBudget.of(1.0, EpsUnit.ABSOLUTE,
			Norm.LINF), new VolumeAttack.Settings(), null);
		final Path out = dir.resolve("out");
		VolumeAttackFiles.write(r, out);
		final float[] clean = Nifti.read(image).values(), lab = Nifti.read(label).values();
		final float[] adv = Nifti.read(out.resolve("pad_adversarial.nii.gz")).values();
		final float[] written = Nifti.read(out.resolve("pad_adversarial-prediction.nii.gz")).values();
		final float[] batch = new float[n * pw * ph];
		for (int k = 0; k < n; k++) {
			final sc.fiji.amat.data.Normalization.Normalized c = model.normalization().apply(java.util.Arrays.copyOfRange(
				clean, k * plane, (k + 1) * plane), 1, 1, plane);
			float min = Float.POSITIVE_INFINITY;
			for (final float v : c.values) min = Math.min(min, v);
			java.util.Arrays.fill(batch, k * pw * ph, (k + 1) * pw * ph, min);
			for (int p = 0; p < plane; p++) {
				batch[k * pw * ph + p / w * pw + p % w] = (float) ((adv[k * plane + p] - c.offset[0]) * c.scale[0]);
			}
		}
		final List<sc.fiji.amat.task.segmentation.Mask> predicted;
		try (ai.djl.ndarray.NDManager mgr = model.manager().newSubManager()) {
			final ai.djl.ndarray.NDList o = model.forward(mgr.create(batch, new ai.djl.ndarray.types.Shape(n, 1, ph, pw)),
				false);
			final ai.djl.ndarray.NDList cropped = new ai.djl.ndarray.NDList();
			for (final ai.djl.ndarray.NDArray a : o) cropped.add(a.get(":, :, 0:" + h + ", 0:" + w));
			predicted = ((sc.fiji.amat.task.segmentation.SegmentationTask) model.task()).predict(cropped);
		}
		int differ = 0, changed = 0;
		long both = 0, sum = 0;
		for (int k = 0; k < n; k++) {
			final byte[] classes = predicted.get(k).classes();
			for (int p = 0; p < plane; p++) {
				final int mine = classes[p], v = k * plane + p;
				if (mine != (int) written[v]) differ++;
				if (r.prediction[v] != written[v]) changed++;
				if (mine == 1 && lab[v] == 1) both++;
				sum += (mine == 1 ? 1 : 0) + (lab[v] == 1 ? 1 : 0);
			}
		}
		assertTrue(changed > 0, "the attack changed the prediction");
		assertEquals(0, differ, "voxels whose prediction on the written adversarial volume is not the written one");
		final String[] row = Files.readAllLines(out.resolve("pad_volume-dice.csv")).get(2).split(",");
		assertEquals("adversarial", row[0]);
		assertEquals(2.0 * both / sum, Double.parseDouble(row[row.length - 1]), 1e-5, "pooled Dice of the written volume");
	}

	/**
	 * Slices of a size that is a multiple of the model's (no padding): the written noise, mapped
	 * into the model's normalised units (z-score per slice), has the requested rms on every
	 * slice; with a label volume the table has the metrics and the Dice per volume is written.
	 */
	@Test
	void theNoiseOfEverySliceHasTheBudgetInNormalisedUnits() throws IOException {
		final Path image = dir.resolve("v.nii.gz"), label = dir.resolve("v-label.nii.gz");
		final float[] raw = volume(image, label, 16, 12, 4, 1);
		final VolumeAttack.Result r = attack(image, label, new VolumeAttack.Settings());
		final Path out = dir.resolve("out");
		VolumeAttackFiles.write(r, out);
		final float[] noise = Nifti.read(out.resolve("v_noise.nii.gz")).values();
		final int plane = 16 * 12;
		for (int z = 0; z < 4; z++) {
			double s = 0, s2 = 0, n2 = 0;
			for (int p = z * plane; p < (z + 1) * plane; p++) {
				s += raw[p];
				s2 += (double) raw[p] * raw[p];
				n2 += (double) noise[p] * noise[p];
			}
			final double std = Math.sqrt(s2 / plane - (s / plane) * (s / plane));
			assertEquals(EPS, Math.sqrt(n2 / plane) / std, 2e-3, "slice " + z);
			assertEquals(EPS, r.perSlice.get(z)[1], 2e-3, "slice " + z + " as the table gives it");
		}
		final List<String> table = Files.readAllLines(out.resolve("v_attack.csv"));
		assertEquals(5, table.size());
		assertTrue(table.get(0).contains("dice class 1 clean,dice class 1 adversarial"), table.get(0));
		final List<String> dice = Files.readAllLines(out.resolve("v_volume-dice.csv"));
		assertEquals("input,volume,slices,slice dice class 1,pooled dice class 1", dice.get(0));
		assertTrue(dice.get(1).startsWith("clean,v,4,") && dice.get(2).startsWith("adversarial,v,4,"), dice.toString());
	}

	/**
	 * Slices (cut along y) far larger than the 16x16 images the model was trained on and not a
	 * multiple of its size multiple (90 x 78, padded to 92 x 80), through tiles whose halo covers
	 * the network's receptive field: the same adversarial volume and predictions as whole slices.
	 */
	@Test
	void largeSlicesTiledGiveTheUntiledResult() {
		final Path image = dir.resolve("large.nii.gz");
		volume(image, null, 90, 5, 78, 1);
		final VolumeAttack.Settings whole = new VolumeAttack.Settings();
		whole.axis = SliceAxis.Y;
		whole.batchSize = 5;
		final VolumeAttack.Result a = attack(image, null, whole);
		assertEquals(0, a.tile);
		final VolumeAttack.Settings tiled = new VolumeAttack.Settings();
		tiled.axis = SliceAxis.Y;
		tiled.batchSize = 5;
		tiled.tiling = new Tiling(64, 48, 24, 4);
		final VolumeAttack.Result b = attack(image, null, tiled);
		assertEquals(64, b.tile);
		// a control: tiles without a halo (their borders cut the receptive field) give another volume
		final VolumeAttack.Settings noHalo = new VolumeAttack.Settings();
		noHalo.axis = SliceAxis.Y;
		noHalo.batchSize = 5;
		noHalo.tiling = new Tiling(32, 16, 0, 4);
		final VolumeAttack.Result c = attack(image, null, noHalo);
		double maxNoise = 0, exact = 0, cut = 0;
		for (int i = 0; i < a.noise.length; i++) {
			maxNoise = Math.max(maxNoise, Math.abs(a.noise[i]));
			exact = Math.max(exact, Math.abs(a.adversarial[i] - b.adversarial[i]));
			cut = Math.max(cut, Math.abs(a.adversarial[i] - c.adversarial[i]));
		}
		assertTrue(maxNoise > 1, "the attack changed the volume: " + maxNoise);
		assertTrue(exact < 0.01 * maxNoise, "tiled and whole differ by " + exact + " (largest noise " + maxNoise + ")");
		assertTrue(cut > 0.1 * maxNoise, "tiles without a halo differ by " + cut);
		int differ = 0;
		for (int i = 0; i < a.prediction.length; i++) if (a.adversarialPrediction[i] != b.adversarialPrediction[i]) differ++;
		assertTrue(differ <= a.prediction.length / 1000, differ + " predictions differ");
	}

	/** When a batch of whole slices does not fit the memory, the slices are seen through tiles, each batch fitting. */
	@Test
	void slicesOverTheMemoryAreTiled() {
		final Path image = dir.resolve("big.nii.gz");
		volume(image, null, 96, 96, 2, 1);
		final MemoryEstimate e = new MemoryEstimate(model.info().network, 1, 2);
		final String before = System.getProperty(MemoryEstimate.AVAILABLE);
		System.setProperty(MemoryEstimate.AVAILABLE, Long.toString(e.bytes(MemoryEstimate.Use.ATTACK, 2, 64, 64) + 1024));
		try {
			final VolumeAttack.Settings s = new VolumeAttack.Settings();
			s.batchSize = 2;
			final VolumeAttack.Result r = attack(image, null, s);
			assertEquals(64, r.tile);
			for (final double[] v : r.perSlice) assertEquals(EPS, v[1], 2e-3, "the budget is the whole slice's");
		}
		finally {
			if (before == null) System.clearProperty(MemoryEstimate.AVAILABLE);
			else System.setProperty(MemoryEstimate.AVAILABLE, before);
		}
	}

	/**
	 * A run without labels into a folder holding an earlier labelled run's files replaces them and
	 * removes the earlier NAME_volume-dice.csv (it would read as this run's result); a later run
	 * that fails while writing, or while moving its files in, leaves the folder's files as they were.
	 */
	@Test
	void anUnlabelledRunRemovesAnEarlierDiceTableAndAFailedRunKeepsTheFolder() throws IOException {
		final Path image = dir.resolve("v.nii.gz"), label = dir.resolve("v-label.nii.gz");
		volume(image, label, 16, 12, 2, 1);
		final Path out = dir.resolve("out");
		VolumeAttackFiles.write(attack(image, label, new VolumeAttack.Settings()), out);
		assertTrue(Files.exists(out.resolve("v_volume-dice.csv")));
		final VolumeAttack.Settings s = new VolumeAttack.Settings();
		s.seed = 7;
		final List<Path> files = VolumeAttackFiles.write(attack(image, null, s), out);
		assertEquals(5, files.size());
		assertFalse(Files.exists(out.resolve("v_volume-dice.csv")), "the earlier run's Dice table is gone");
		try (Stream<Path> l = Files.list(out)) {
			assertEquals(5, l.count(), "this run's files only, no temporary folder");
		}
		final byte[] table = Files.readAllBytes(out.resolve("v_attack.csv"));
		System.setProperty(sc.fiji.amat.AtomicFiles.DISK_FULL_AFTER, "600");
		try {
			assertThrows(AmatException.class, () -> VolumeAttackFiles.write(attack(image, label,
				new VolumeAttack.Settings()), out));
		}
		finally {
			System.clearProperty(sc.fiji.amat.AtomicFiles.DISK_FULL_AFTER);
		}
		assertArrayEquals(table, Files.readAllBytes(out.resolve("v_attack.csv")), "the earlier table is kept");
		try (Stream<Path> l = Files.list(out)) {
			assertEquals(5, l.count(), "nothing added");
		}
		// a move that fails after the volumes were moved in: the earlier files are back, no Dice table
		final byte[] adversarial = Files.readAllBytes(out.resolve("v_adversarial.nii.gz"));
		VolumeAttackFiles.failingMove = "v_attack.csv";
		try {
			final VolumeAttack.Result other = attack(image, label, new VolumeAttack.Settings());
			final AmatException x = assertThrows(AmatException.class, () -> VolumeAttackFiles.write(other, out));
			assertEquals("Cannot write " + out.resolve("v_attack.csv") + ": a failing move (a test).", x.getMessage());
		}
		finally {
			VolumeAttackFiles.failingMove = null;
		}
		assertArrayEquals(adversarial, Files.readAllBytes(out.resolve("v_adversarial.nii.gz")), "the earlier volume");
		assertArrayEquals(table, Files.readAllBytes(out.resolve("v_attack.csv")), "the earlier table");
		try (Stream<Path> l = Files.list(out)) {
			assertEquals(5, l.count(), "the earlier run's files only");
		}
	}

	/** Bad input: one sentence naming the file, and nothing written. */
	@Test
	void badInputIsOneSentenceAndWritesNothing() throws IOException {
		final Path image = dir.resolve("v.nii.gz"), label = dir.resolve("v-label.nii.gz");
		volume(image, label, 16, 12, 4, 1);
		final Path fourD = dir.resolve("two.nii.gz");
		volume(fourD, null, 16, 12, 4, 2);
		final Path other = dir.resolve("other.nii.gz"), otherLabel = dir.resolve("other-label.nii.gz");
		volume(other, otherLabel, 16, 12, 5, 1);
		final Path out = dir.resolve("never");
		AmatException x = assertThrows(AmatException.class, () -> attack(fourD, null, new VolumeAttack.Settings()));
		assertEquals("The image two.nii.gz has 2 channel(s) [16, 12, 4, 2] but the model takes 1: give a 3D volume.", x
			.getMessage());
		x = assertThrows(AmatException.class, () -> attack(image, otherLabel, new VolumeAttack.Settings()));
		assertEquals("The label volume other-label.nii.gz is 16x12x5 voxels but its image v.nii.gz is 16x12x4: a label " +
			"must have its image's shape.", x.getMessage());
		final Path file = Files.write(dir.resolve("a-file"), new byte[1]);
		x = assertThrows(AmatException.class, () -> VolumeAttackFiles.checkFolder(file));
		assertEquals("The output folder " + file + " is a file, not a folder.", x.getMessage());
		x = assertThrows(AmatException.class, () -> VolumeAttackFiles.checkFolder(file.resolve("sub")));
		assertTrue(x.getMessage().startsWith("The output folder " + file.resolve("sub") + " cannot be written ("), x
			.getMessage());
		final VolumeAttack.Result r = attack(image, label, new VolumeAttack.Settings());
		assertThrows(AmatException.class, () -> VolumeAttackFiles.write(r, file));
		assertFalse(Files.exists(out));
		// a full disk: none of the files, no temporary folder, and the folder it made is gone
		System.setProperty(sc.fiji.amat.AtomicFiles.DISK_FULL_AFTER, "600");
		try {
			x = assertThrows(AmatException.class, () -> VolumeAttackFiles.write(r, out));
			assertTrue(x.getMessage().contains("the disk is full"), x.getMessage());
		}
		finally {
			System.clearProperty(sc.fiji.amat.AtomicFiles.DISK_FULL_AFTER);
		}
		assertFalse(Files.exists(out), "nothing written");
	}

	/**
	 * A TorchScript model that takes only 16 x 16 images (its description says so) sees 40 x 24
	 * slices through 16 x 16 tiles, each slice within its whole budget.
	 */
	@Test
	void aModelOfOneSizeSeesLargerSlicesThroughTilesOfThatSize() throws IOException {
		final Path pt = dir.resolve("fixed.pt");
		Files.copy(sc.fiji.amat.model.ImportedModelsTest.fixture("tiny-seg.pt"), pt);
		Files.write(dir.resolve("fixed.json"), ("{\"task\": \"segmentation\", \"classes\": [\"background\", " +
			"\"square\"], \"input\": {\"channels\": 1, \"layout\": \"NCHW\", \"normalization\": \"zscore\", " +
			"\"width\": 16, \"height\": 16}, \"output\": {\"layout\": \"NCHW\", \"values\": \"logits\"}}").getBytes(
				java.nio.charset.StandardCharsets.UTF_8));
		final Path image = dir.resolve("wide.nii.gz");
		volume(image, null, 40, 24, 3, 1);
		try (AmatModel fixed = AmatModel.load(pt, ai.djl.Device.cpu())) {
			final VolumeAttack.Result r = VolumeAttack.run(fixed, image, null, pgd(2), budget(), new VolumeAttack
				.Settings(), null);
			assertEquals(16, r.tile);
			assertEquals(3, r.perSlice.size());
			for (final double[] v : r.perSlice) assertEquals(EPS, v[1], 2e-3);
			// the control: whole slices are not what the model takes
			final AmatException x = assertThrows(AmatException.class, () -> fixed.checkImageSize(40, 24, "The slices"));
			assertTrue(x.getMessage().contains("takes only 16x16"), x.getMessage());
		}
	}

	/** Progress after every batch (slices done, of all, time left) and cancel between batches. */
	@Test
	void progressAndCancel() {
		final Path image = dir.resolve("v.nii.gz");
		volume(image, null, 16, 12, 5, 1);
		final VolumeAttack.Settings s = new VolumeAttack.Settings();
		s.batchSize = 2;
		final java.util.List<int[]> seen = new java.util.ArrayList<>();
		VolumeAttack.run(model, image, null, pgd(1), budget(), s, new VolumeAttack.Listener() {

			@Override
			public void progress(final int done, final int total, final double secondsLeft) {
				seen.add(new int[] { done, total });
				assertTrue(secondsLeft >= 0, "" + secondsLeft);
			}
		});
		assertEquals("[2, 5][4, 5][5, 5]", seen.stream().map(java.util.Arrays::toString).reduce("", String::concat));
		final int[] batches = { 0 };
		assertThrows(java.util.concurrent.CancellationException.class, () -> VolumeAttack.run(model, image, null, pgd(1),
			budget(), s, new VolumeAttack.Listener() {

				@Override
				public void progress(final int done, final int total, final double secondsLeft) {
					batches[0]++;
				}

				@Override
				public boolean isCancelled() {
					return batches[0] == 1;
				}
			}));
		assertEquals(1, batches[0], "stopped after the first batch");
	}

	/** Landmark and detection models are refused for volumes with one sentence (their slices can be attacked as a stack). */
	@Test
	void aLandmarkModelIsRefusedForVolumes() {
		final Path image = dir.resolve("v.nii.gz");
		volume(image, null, 16, 12, 2, 1);
		final sc.fiji.amat.task.landmarks.LandmarkTask task = new sc.fiji.amat.task.landmarks.LandmarkTask(java.util.Arrays
			.asList("a", "b"), 0.5, 1, new sc.fiji.amat.nn.NetworkConfig(2, 4, sc.fiji.amat.nn.NetworkConfig.Norm.BATCH));
		final sc.fiji.amat.model.ModelInfo info = new sc.fiji.amat.model.ModelInfo();
		info.task = task.type();
		info.taskSpec = task.spec();
		info.network = task.network();
		info.inputChannels = 1;
		info.inputHeight = 16;
		info.inputWidth = 16;
		info.normalization = "zscore";
		try (AmatModel landmarks = AmatModel.create(task, info, ai.djl.Device.cpu())) {
			final AmatException x = assertThrows(AmatException.class, () -> VolumeAttack.run(landmarks, image, null, pgd(
				2), budget(), new VolumeAttack.Settings(), null));
			assertEquals("Volumes are attacked with segmentation models only, and this model's task is landmarks: open " +
				"the volume's slices as an image stack and attack that (input_image).", x.getMessage());
		}
	}

	private static void sameGrid(final NiftiHeader a, final NiftiHeader b, final String what) {
		assertEquals(a.sformCode(), b.sformCode(), what);
		assertEquals(a.qformCode(), b.qformCode(), what);
		for (int r = 0; r < 3; r++) assertArrayEquals(a.sform()[r], b.sform()[r], 0, what + " sform row " + r);
		assertArrayEquals(a.quaternion(), b.quaternion(), 0, what + " qform");
		assertArrayEquals(a.pixdim(), b.pixdim(), 0, what + " pixdim");
		for (int r = 0; r < 3; r++) assertArrayEquals(a.affine()[r], b.affine()[r], 0, what + " affine row " + r);
		assertEquals(a.description(), b.description(), what);
	}
}
