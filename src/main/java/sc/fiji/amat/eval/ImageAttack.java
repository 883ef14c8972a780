package sc.fiji.amat.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import ij.ImagePlus;

import java.util.ArrayList;
import java.util.List;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackTarget;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Norm;
import sc.fiji.amat.data.NormalizedImages;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.ij.ImageJTask;
import sc.fiji.amat.task.ij.ImageJTasks;

/**
 * Attacks every slice of an image with a model, in evaluation mode: the adversarial image and the
 * noise in the image's own intensities, the model's predictions on the clean and the adversarial
 * image, and per slice the noise size, the loss and (with labels) the metrics.
 */
public final class ImageAttack {

	/** What an attack produced, as imglib2 images of dimensions (X, Y, C, N) or (X, Y, N). */
	public static final class Result {

		public RandomAccessibleInterval<FloatType> adversarial;
		public RandomAccessibleInterval<FloatType> noise;
		public RandomAccessibleInterval<? extends RealType<?>> cleanPrediction;
		public RandomAccessibleInterval<? extends RealType<?>> adversarialPrediction;
		/** Per slice: noise L2 and Linf (normalised units), loss clean and adversarial (NaN without labels). */
		public final List<double[]> noiseAndLoss = new ArrayList<>();
		/** The predictions per slice, in the task's label form, on the clean and the adversarial image. */
		public final List<Object> cleanPredicted = new ArrayList<>(), adversarialPredicted = new ArrayList<>();
		/** Per slice metrics on the clean and adversarial image (null without labels). */
		public MetricTable clean, attacked;
		public String epsDescription;
	}

	private ImageAttack() {}

	@SuppressWarnings("unchecked")
	public static <L> Result run(final AmatModel model, final ImagePlus image, final ImagePlus labels,
		final Attack attack, final NoiseBudget budget, final int wantedBatch)
	{
		if (budget.norm() != attack.norm()) {
			throw new IllegalArgumentException("A " + budget.normName() + " budget for a " + attack.norm() + " attack");
		}
		Engines.prepareThread();
		final Task<L> task = (Task<L>) model.task();
		final ImageJTask<L> ij = ImageJTasks.of(task);
		Evaluator.requireGradients(model, attack);
		final NormalizedImages in = NormalizedImages.of(image, model.normalization());
		if (in.channels != model.info().inputChannels) {
			throw new AmatException("'" + image.getTitle() + "' has " + in.channels + " channel(s), but the model was " +
				"trained on " + model.info().inputChannels + ".");
		}
		model.checkImageSize(in.width, in.height, "The slices of '" + image.getTitle() + "'");
		final List<L> truth = ij.labelsFrom(image, labels);
		if (truth != null) {
			if (truth.size() != in.n) {
				throw new AmatException("'" + image.getTitle() + "' has " + in.n + " slice(s) but " + (labels == null ? "its ROIs give" : "'" + labels.getTitle() +
					"' has") + " labels for " + truth.size() + ".");
			}
			task.checkLabels(new sc.fiji.amat.data.LabeledData<>(in.values(), in.channels, in.height, in.width, truth));
		}
		// the command has no batch size to set: fit the batch to the memory (in evaluation mode an image's
		// result depends on its batch only through a random start's draws)
		final int batchSize = model.info().network == null || model.info().importedFormat != null ? wantedBatch
			: new sc.fiji.amat.nn.MemoryEstimate(model.info().network, in.channels, task.outputChannels()).fit(
				sc.fiji.amat.nn.MemoryEstimate.Use.ATTACK, Math.min(wantedBatch, in.n), in.height, in.width, model.manager()
					.getDevice());
		final int size = in.channels * in.height * in.width;
		final float[] adv = new float[in.n * size];
		final List<RandomAccessibleInterval<? extends RealType<?>>> cleanPred = new ArrayList<>(), advPred =
			new ArrayList<>();
		final Result r = new Result();
		r.epsDescription = budget.describe() + ", " + attack;
		final AttackTarget<L> target = new AttackTarget<>(model.block(), model.parameterStore(), task, false, model
			.normalization().validRange());
		for (int from = 0; from < in.n; from += batchSize) {
			final int to = Math.min(in.n, from + batchSize);
			try (NDManager mgr = model.manager().newSubManager()) {
				final float[] values = new float[(to - from) * size];
				System.arraycopy(in.values(), from * size, values, 0, values.length);
				final NDArray x = mgr.create(values, new ai.djl.ndarray.types.Shape(to - from, in.channels, in.height,
					in.width));
				final List<L> batchTruth = truth == null ? null : truth.subList(from, to);
				final NDList y = batchTruth == null ? null : task.encodeLabels(mgr, batchTruth, in.height, in.width);
				final float[] abs = budget.toAbsolute(values, size, target.validRange());
				final NDArray xa;
				if (budget.value() == 0) xa = x;
				else if (y != null) xa = attack.perturb(target, x, y, abs);
				else {
					// no labels: attack the model's own prediction, as an adversary without ground truth would
					final List<L> own = task.predict(model.forward(x, false));
					xa = attack.perturb(target, x, task.encodeLabels(mgr, own, in.height, in.width), abs);
				}
				System.arraycopy(xa.toFloatArray(), 0, adv, from * size, values.length);
				final NDList outClean = model.forward(x, false), outAdv = model.forward(xa, false);
				final List<L> predictedClean = task.predict(outClean), predictedAdv = task.predict(outAdv);
				cleanPred.add(ij.predictionImage(predictedClean, in.height, in.width));
				advPred.add(ij.predictionImage(predictedAdv, in.height, in.width));
				r.cleanPredicted.addAll(predictedClean);
				r.adversarialPredicted.addAll(predictedAdv);
				final NDArray d = xa.sub(x);
				final float[] l2 = Norm.L2.of(d).toFloatArray(), linf = Norm.LINF.of(d).toFloatArray();
				final float[] lossClean = y == null ? null : task.loss(outClean, y).toFloatArray();
				final float[] lossAdv = y == null ? null : task.loss(outAdv, y).toFloatArray();
				for (int i = 0; i < to - from; i++) {
					r.noiseAndLoss.add(new double[] { l2[i], linf[i], lossClean == null ? Double.NaN : lossClean[i],
						lossAdv == null ? Double.NaN : lossAdv[i] });
				}
				if (batchTruth != null) {
					final MetricTable c = task.metrics(outClean, batchTruth), a = task.metrics(outAdv, batchTruth);
					if (r.clean == null) {
						r.clean = c;
						r.attacked = a;
					}
					else {
						r.clean.addAll(c);
						r.attacked.addAll(a);
					}
				}
			}
		}
		// back to the image's own intensities, per slice and channel
		final float[] raw = adv.clone();
		for (int i = 0; i < in.n * in.channels; i++) in.normalized.invert(raw, i * in.height * in.width, in.height *
			in.width, i);
		final float[] orig = sc.fiji.amat.data.NdImages.toFloats(sc.fiji.amat.data.ImagePlusImages.wrap(image));
		final float[] noise = new float[raw.length];
		for (int k = 0; k < raw.length; k++) noise[k] = raw[k] - orig[k];
		r.adversarial = ArrayImgs.floats(raw, in.width, in.height, in.channels, in.n);
		r.noise = ArrayImgs.floats(noise, in.width, in.height, in.channels, in.n);
		r.cleanPrediction = concat(cleanPred);
		r.adversarialPrediction = concat(advPred);
		return r;
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static RandomAccessibleInterval<? extends RealType<?>> concat(
		final List<RandomAccessibleInterval<? extends RealType<?>>> parts)
	{
		return parts.size() == 1 ? parts.get(0) : Views.concatenate(2, (List) parts);
	}
}
