package sc.fiji.amat.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.TinyData;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ModelFile;
import sc.fiji.amat.task.segmentation.Mask;

/** The validation split: by volume for slices of volumes, unchanged for independent images. */
class ValidationSplitTest {

	@TempDir
	Path dir;

	/** Samples of 1 x 1 pixel with a group per sample: volume v has sizes[v] slices, volumes interleaved when asked. */
	static LabeledData<Integer> volumes(final boolean interleave, final int... sizes) {
		final List<String> groups = new ArrayList<>();
		int max = 0;
		for (final int s : sizes) max = Math.max(max, s);
		if (interleave) {
			for (int k = 0; k < max; k++) {
				for (int v = 0; v < sizes.length; v++) {
					if (k < sizes[v]) groups.add("vol" + v);
				}
			}
		}
		else {
			for (int v = 0; v < sizes.length; v++) groups.addAll(Collections.nCopies(sizes[v], "vol" + v));
		}
		return plain(groups.size()).withGroups(groups);
	}

	static LabeledData<Integer> plain(final int n) {
		final List<Integer> labels = new ArrayList<>();
		for (int i = 0; i < n; i++) labels.add(i);
		return new LabeledData<>(new float[n], 1, 1, 1, labels);
	}

	private static Set<String> groups(final LabeledData<?> d, final int[] positions) {
		final Set<String> out = new HashSet<>();
		for (final int p : positions) out.add(d.group(p));
		return out;
	}

	@Test
	void noVolumeHasSlicesOnBothSides() {
		for (final boolean interleave : new boolean[] { false, true }) {
			final LabeledData<Integer> d = volumes(interleave, 3, 15, 7, 9, 4, 12, 6);
			final int n = d.size(), largest = 15;
			for (final double fraction : new double[] { 0.05, 0.2, 0.3, 0.5, 0.9 }) {
				for (long seed = 0; seed < 20; seed++) {
					final ValidationSplit s = ValidationSplit.of(d, fraction, seed);
					final String at = "fraction " + fraction + ", seed " + seed;
					assertEquals(n, s.training.length + s.validation.length, at);
					final int[] all = new int[n];
					System.arraycopy(s.training, 0, all, 0, s.training.length);
					System.arraycopy(s.validation, 0, all, s.training.length, s.validation.length);
					Arrays.sort(all);
					for (int i = 0; i < n; i++) assertEquals(i, all[i], "every sample once, " + at);
					final Set<String> val = groups(d, s.validation), train = groups(d, s.training);
					assertFalse(val.isEmpty(), "at least one volume validates, " + at);
					assertFalse(train.isEmpty(), "at least one volume trains, " + at);
					for (final String v : val) assertFalse(train.contains(v), v + " on both sides, " + at);
					assertEquals(new HashSet<>(s.validationVolumes), val, at);
					assertTrue(Math.abs(s.validation.length - n * fraction) <= largest, s.validation.length + " of " + n +
						" validate, " + at);
					assertTrue(s.note.contains(s.validation.length + " of " + n + " slices"), s.note);
				}
			}
		}
	}

	@Test
	void equalVolumesValidateTheFractionExactly() {
		final LabeledData<Integer> d = volumes(false, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5);
		final Set<Set<String>> seen = new HashSet<>();
		for (long seed = 0; seed < 10; seed++) {
			final ValidationSplit s = ValidationSplit.of(d, 0.2, seed);
			assertEquals(10, s.validation.length, "2 whole volumes of 5 slices, seed " + seed);
			assertEquals(2, s.validationVolumes.size());
			seen.add(new HashSet<>(s.validationVolumes));
		}
		assertTrue(seen.size() > 1, "the seed draws the volumes: " + seen);
	}

	@Test
	void theSeedDecidesTheSplit() {
		final LabeledData<Integer> d = volumes(true, 4, 8, 6, 10, 5);
		for (long seed = 0; seed < 5; seed++) {
			final ValidationSplit a = ValidationSplit.of(d, 0.3, seed), b = ValidationSplit.of(volumes(true, 4, 8, 6, 10,
				5), 0.3, seed);
			assertArrayEquals(a.training, b.training);
			assertArrayEquals(a.validation, b.validation);
			assertEquals(a.validationVolumes, b.validationVolumes);
			assertArrayEquals(a.validation, Splits.trainingAndValidation(d, 0.3, seed)[1], "Splits gives the trainer's split");
		}
	}

	@Test
	void independentImagesSplitAsBefore() {
		for (final int n : new int[] { 1, 2, 5, 17, 64 }) {
			for (final double fraction : new double[] { 0, 0.1, 0.25, 0.5 }) {
				for (long seed = 0; seed < 4; seed++) {
					final int[][] old = ModelTrainer.split(n, fraction, seed);
					final ValidationSplit s = ValidationSplit.of(plain(n), fraction, seed);
					assertArrayEquals(old[0], s.training);
					assertArrayEquals(old[1], s.validation);
					assertNull(s.validationVolumes);
					assertNull(s.note);
					assertArrayEquals(old[1], Splits.trainingAndValidation(plain(n), fraction, seed)[1]);
					assertArrayEquals(old[1], Splits.trainingAndValidation(n, fraction, seed)[1]);
				}
			}
		}
		// the ungrouped split's own properties: the fraction rounded, at least one, never all
		assertEquals(4, ModelTrainer.split(17, 0.25, 3)[1].length);
		assertEquals(1, ModelTrainer.split(5, 0.05, 3)[1].length);
		assertEquals(1, ModelTrainer.split(2, 0.9, 3)[1].length);
	}

	@Test
	void oneVolumeSplitsItsSlicesAndSaysSo() {
		final LabeledData<Integer> d = volumes(false, 12);
		final ValidationSplit s = ValidationSplit.of(d, 0.25, 9);
		final int[][] old = ModelTrainer.split(12, 0.25, 9);
		assertArrayEquals(old[0], s.training);
		assertArrayEquals(old[1], s.validation);
		assertNull(s.validationVolumes);
		assertTrue(s.note.contains("one volume (vol0)") && s.note.contains("optimistic"), s.note);
	}

	@Test
	void noValidationIsNoValidation() {
		final ValidationSplit s = ValidationSplit.of(volumes(false, 3, 4, 5), 0, 1);
		assertEquals(0, s.validation.length);
		assertEquals(12, s.training.length);
		assertNull(s.validationVolumes);
		assertNull(s.note);
	}

	/**
	 * The trainer validates on whole volumes and records them; a checkpoint resumes only on data
	 * whose split validates on the same volumes: the same slices as independent images, or under
	 * other volume names, are refused, though the number of training images is the same.
	 */
	@Test
	void theTrainerRecordsTheVolumesAndResumesOnlyOnTheSameSplit() {
		final LabeledData<Mask> images = TinyData.squares(12, 3);
		final List<String> names = new ArrayList<>(), renamed = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			names.add("case" + i / 3);
			renamed.add("other" + i / 3);
		}
		final LabeledData<Mask> slices = images.withGroups(names);
		final TrainingSettings s = new TrainingSettings();
		s.epochs = 2;
		s.batchSize = 6;
		s.seed = 5;
		s.validationFraction = 0.25;
		s.checkpoint = dir.resolve("ck.zip");
		final List<String> messages = new ArrayList<>();
		final TrainingListener log = new TrainingListener() {

			@Override
			public void message(final String text) {
				messages.add(text);
			}
		};
		new ModelTrainer<>(TinyData.task(), slices, Normalization.zscore(), s, new StandardTraining(), new StopAfterSteps(
			3)).train().close(); // in epoch 2
		final List<String> held = ModelFile.read(s.checkpoint).info().training.validationVolumes;
		assertEquals(1, held.size(), "3 of 12 slices: one volume of 3");
		assertEquals(held, ValidationSplit.of(slices, 0.25, 5).validationVolumes);
		assertEquals(9, ModelFile.read(s.checkpoint).info().training.trainingSize);
		for (final LabeledData<Mask> other : Arrays.asList(images, images.withGroups(renamed))) {
			final AmatException e = assertThrows(AmatException.class, () -> new ModelTrainer<>(TinyData.task(), other,
				Normalization.zscore(), s, new StandardTraining(), null).resume());
			assertTrue(e.getMessage().startsWith("The checkpoint " + s.checkpoint + " validated on the volumes " + held
				.get(0) + " but this run validates on ") && e.getMessage().endsWith("or start afresh."), e.getMessage());
		}
		try (AmatModel m = new ModelTrainer<>(TinyData.task(), slices, Normalization.zscore(), s, new StandardTraining(),
			log).resume())
		{
			assertEquals(2, m.info().training.epochsCompleted);
			assertEquals(held, m.info().training.validationVolumes);
			assertEquals(3, m.info().training.validationSize);
		}
		assertTrue(messages.contains("validation on whole volumes: " + held.get(0) + " (3 of 12 slices)"), messages
			.toString());
	}
}
