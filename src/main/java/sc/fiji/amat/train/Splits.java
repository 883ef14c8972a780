package sc.fiji.amat.train;

import sc.fiji.amat.data.LabeledData;

/**
 * The training/validation split {@link ModelTrainer} makes, for callers that train several
 * models on exactly the same images (e.g. a comparison that trains adversarial models without
 * a validation split on the images a standard model was trained on).
 */
public final class Splits {

	private Splits() {}

	/**
	 * The positions of the training and validation samples among {@code n} for a validation
	 * fraction and seed: {@code [0]} training, {@code [1]} validation, each ascending; the same
	 * split a {@link ModelTrainer} with these settings uses.
	 */
	public static int[][] trainingAndValidation(final int n, final double validationFraction, final long seed) {
		return ModelTrainer.split(n, validationFraction, seed);
	}

	/**
	 * As {@link #trainingAndValidation(int, double, long)} for these samples: the split a
	 * {@link ModelTrainer} with these settings makes of them, by volume when the samples are
	 * slices of volumes ({@link LabeledData#hasGroups}), else the same as for their number.
	 */
	public static int[][] trainingAndValidation(final LabeledData<?> data, final double validationFraction,
		final long seed)
	{
		return ValidationSplit.of(data, validationFraction, seed).positions();
	}
}
