package sc.fiji.amat.report;

/**
 * One test image of a model's examples: the normalised clean and adversarial inputs (C x H x W
 * values) at the example noise level, and, for tasks that draw their labels
 * ({@code Task#render}), the ground truth and the predictions on both as RGB pictures of
 * H x W pixels (null for other tasks).
 */
public final class Example {

	public final int image;
	public final String attack;
	public final double eps;
	public final int channels, height, width;
	public float[] clean, adversarial;
	public int[] truth, cleanPrediction, adversarialPrediction;
	/** The primary metric of this image, clean and attacked. */
	public double cleanMetric = Double.NaN, adversarialMetric = Double.NaN;

	Example(final int image, final String attack, final double eps, final int channels, final int height,
		final int width)
	{
		this.image = image;
		this.attack = attack;
		this.eps = eps;
		this.channels = channels;
		this.height = height;
		this.width = width;
	}

	/** The noise the attack added: adversarial - clean. */
	public float[] noise() {
		final float[] d = new float[clean.length];
		for (int k = 0; k < d.length; k++) d[k] = adversarial[k] - clean[k];
		return d;
	}
}
