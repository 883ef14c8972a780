package sc.fiji.amat.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import sc.fiji.amat.data.LabeledData;

/**
 * The training/validation split of a run, drawn from its seed. Independent images split as they
 * always have ({@link ModelTrainer#split}: a seeded shuffle, the first part validates). Slices of
 * volumes ({@link LabeledData#hasGroups}) split by volume: whole volumes validate, so that no
 * volume has slices on both sides (neighbouring slices are nearly the same image, and validating
 * on them would flatter the metric that picks the best epoch). The volumes are shuffled by the
 * seed and the first ones validate, as many as bring the validation slices nearest the fraction,
 * at least one and never all. With a single volume there is nothing to hold out whole: its
 * slices split as independent images and {@link #note} says that the validation metric is then
 * optimistic.
 */
final class ValidationSplit {

	/** The positions of the training and validation samples, each ascending. */
	final int[] training, validation;
	/** The volumes that validate (in the data's order), or null when the split is not by volume. */
	final List<String> validationVolumes;
	/** One line for the log about how the split was made (volumes only), or null. */
	final String note;

	private ValidationSplit(final int[][] split, final List<String> validationVolumes, final String note) {
		this.training = split[0];
		this.validation = split[1];
		this.validationVolumes = validationVolumes == null ? null : Collections.unmodifiableList(validationVolumes);
		this.note = note;
	}

	/** The split of these samples for a validation fraction (0 for none) and seed. */
	static ValidationSplit of(final LabeledData<?> data, final double fraction, final long seed) {
		final int n = data.size();
		if (!data.hasGroups() || fraction <= 0) return new ValidationSplit(ModelTrainer.split(n, fraction, seed), null,
			null);
		final Map<String, Integer> slices = new LinkedHashMap<>();
		for (int i = 0; i < n; i++) slices.merge(data.group(i), 1, Integer::sum);
		final List<String> volumes = new ArrayList<>(slices.keySet());
		if (volumes.size() < 2) {
			return new ValidationSplit(ModelTrainer.split(n, fraction, seed), null, String.format(Locale.ROOT,
				"all %d slices come from one volume (%s): validation takes some of its slices, whose neighbours train, " +
					"so the validation metric is optimistic; give two or more volumes to validate on whole volumes", n,
				volumes.get(0)));
		}
		final int[] order = ModelTrainer.permutation(volumes.size(), new Random(seed));
		final double target = n * fraction;
		int take = 1, sum = 0, bestSum = 0;
		double best = Double.POSITIVE_INFINITY;
		for (int k = 1; k < volumes.size(); k++) {
			sum += slices.get(volumes.get(order[k - 1]));
			if (Math.abs(sum - target) < best) {
				best = Math.abs(sum - target);
				take = k;
				bestSum = sum;
			}
		}
		final boolean[] held = new boolean[volumes.size()];
		for (int k = 0; k < take; k++) held[order[k]] = true;
		final List<String> chosen = new ArrayList<>();
		for (int v = 0; v < volumes.size(); v++) {
			if (held[v]) chosen.add(volumes.get(v));
		}
		final int[] train = new int[n - bestSum], val = new int[bestSum];
		for (int i = 0, t = 0, w = 0; i < n; i++) {
			if (chosen.contains(data.group(i))) val[w++] = i;
			else train[t++] = i;
		}
		return new ValidationSplit(new int[][] { train, val }, chosen, String.format(Locale.ROOT,
			"validation on whole volumes: %s (%d of %d slices)", String.join(", ", chosen), bestSum, n));
	}

	/** As {@link Splits#trainingAndValidation}: {@code [0]} training, {@code [1]} validation. */
	int[][] positions() {
		return new int[][] { Arrays.copyOf(training, training.length), Arrays.copyOf(validation, validation.length) };
	}
}
