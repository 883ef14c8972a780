package sc.fiji.amat.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.Attack;
import sc.fiji.amat.attack.AttackTarget;
import sc.fiji.amat.attack.NoiseBudget;
import sc.fiji.amat.attack.Tiling;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.data.volume.MsdDataset;
import sc.fiji.amat.data.volume.Nifti;
import sc.fiji.amat.data.volume.NiftiImage;
import sc.fiji.amat.data.volume.SliceAxis;
import sc.fiji.amat.data.volume.VolumeSlicer;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.MemoryEstimate;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;
import sc.fiji.amat.task.segmentation.VolumeDice;

/**
 * Attacks a NIfTI volume (3D, or 4D with channels along the 4th dimension) with a segmentation
 * model, slice by slice along one axis, in batches: each slice normalised as the model
 * normalises every image, padded at the right and bottom to the model's size multiple, attacked
 * within its budget (per slice, computed on the slice's own values), and seen tile by tile when a
 * batch of whole slices does not fit the memory, when a model brought from outside takes one
 * (square) size smaller than the slices, or when a tile size is chosen. Gives the adversarial
 * volume and the noise in the input's own intensities (adversarial = input + noise), the
 * predictions on the clean and the adversarial volume, per slice the noise's size and the loss,
 * and with a label volume the metrics per slice and the Dice per volume. {@link VolumeAttackFiles}
 * writes them.
 */
public final class VolumeAttack {

	/** How to cut and batch. */
	public static final class Settings {

		/** The axis slices are cut along (AMAT Train's default). */
		public SliceAxis axis = SliceAxis.Z;
		/** 0: whole slices when a batch of them fits the memory, else the largest power-of-two tile that does. */
		public int tile = 0;
		/** The tiles themselves (null: from {@link #tile}, as {@link VolumeAttack#tiling(int, int)} makes them). */
		public Tiling tiling;
		/**
		 * Slices per batch; 0: the model's training batch size (8 when it has none), fitted to the
		 * memory. The attack's random draws are per batch: results reproduce from the seed with the
		 * same batch and tile (the result records both).
		 */
		public int batchSize = 0;
		/** The seed of the attack's random draws. */
		public int seed = 42;
	}

	/** Progress and cancel. */
	public interface Listener {

		/** After every batch: slices done, of all, and an estimate of the seconds left. */
		default void progress(final int done, final int total, final double secondsLeft) {}

		/** Asked before every batch: true stops the attack with a {@link CancellationException}. */
		default boolean isCancelled() {
			return false;
		}
	}

	/** What an attack on a volume produced. */
	public static final class Result {

		/** The input's name (its file name without .nii/.nii.gz) and the volume as read. */
		public final String name;
		public final NiftiImage image;
		/** x, y, z size and the number of channels. */
		public final int[] xyz;
		public final int channels;
		public final SliceAxis axis;
		/** In the input's intensities, the input's dimensions (x fastest, channels last). */
		public final float[] adversarial, noise;
		/** Class indices, x, y, z. */
		public final float[] prediction, adversarialPrediction;
		/** Per slice: noise L2, rms and Linf (normalised units), loss clean and adversarial (NaN without labels). */
		public final List<double[]> perSlice = new ArrayList<>();
		/** Per slice metrics (null without a label volume). */
		public MetricTable clean, attacked;
		/** Dice per volume clean and adversarial (null without a label volume). */
		public VolumeDice cleanDice, adversarialDice;
		/** The tile side the network saw the slices through (0: whole slices) and the slices per batch. */
		public int tile, batch;
		/** The seed of the attack's random draws. */
		public int seed;
		public String description;

		Result(final String name, final NiftiImage image, final int[] xyz, final int channels, final SliceAxis axis) {
			this.name = name;
			this.image = image;
			this.xyz = xyz;
			this.channels = channels;
			this.axis = axis;
			final int v = xyz[0] * xyz[1] * xyz[2];
			adversarial = new float[v * channels];
			noise = new float[v * channels];
			prediction = new float[v];
			adversarialPrediction = new float[v];
		}
	}

	private VolumeAttack() {}

	/**
	 * Attacks the volume {@code imageFile} (labels: {@code labelFile}, or null to attack the
	 * model's own prediction, as an adversary without ground truth would).
	 */
	@SuppressWarnings("unchecked")
	public static Result run(final AmatModel model, final Path imageFile, final Path labelFile, final Attack attack,
		final NoiseBudget budget, final Settings s, final Listener listener)
	{
		if (budget.norm() != attack.norm()) {
			throw new IllegalArgumentException("A " + budget.normName() + " budget for a " + attack.norm() + " attack");
		}
		if (!(model.task() instanceof SegmentationTask)) {
			throw new AmatException("Volumes are attacked with segmentation models only, and this model's task is " + model
				.task().type() + ": open the volume's slices as an image stack and attack that (input_image).");
		}
		final SegmentationTask task = (SegmentationTask) model.task();
		Evaluator.requireGradients(model, attack);
		if (!Nifti.isNifti(imageFile)) throw new AmatException("The volume " + imageFile +
			" is not a NIfTI file (.nii or .nii.gz).");
		final NiftiImage image = Nifti.read(imageFile);
		final int[] xyz = checkImage(image, imageFile, model.info().inputChannels);
		final NiftiImage label = labelFile == null ? null : Nifti.read(labelFile);
		if (label != null) VolumeSlicer.check(image, label, -1, task.numClasses(), new MsdDataset.Case(image.name(),
			imageFile, labelFile));
		final int c = (int) image.channels();
		final SliceAxis axis = s.axis;
		final int n = axis.count(xyz), w = axis.plane(xyz)[0], h = axis.plane(xyz)[1];
		final int m = model.sizeMultiple();
		final int pw = VolumeSlicer.roundUp(w, m), ph = VolumeSlicer.roundUp(h, m);
		final String what = "The " + axis.label() + " slices of " + imageFile.getFileName();
		final int wanted = s.batchSize > 0 ? s.batchSize : model.info().training.batchSize > 0 ? model
			.info().training.batchSize : 8;
		// a model brought from outside that takes one square size sees larger slices through tiles of that size
		final int fixed = model.info().importedFormat != null && model.info().inputWidth > 0 && model
			.info().inputWidth == model.info().inputHeight ? model.info().inputWidth : 0;
		final int tile = s.tiling != null ? s.tiling.tile : s.tile > 0 ? s.tile : fixed > 0 && (pw > fixed ||
			ph > fixed) ? fixed : autoTile(model, c, task.outputChannels(), Math.min(wanted, n), ph, pw);
		final Tiling tiling = s.tiling != null ? s.tiling : tiling(tile, m);
		if (tiling == null) model.checkImageSize(pw, ph, what);
		else {
			model.checkImageSize(tiling.length(pw), tiling.length(ph), what + " (their tiles)");
			tiling.check(ph, pw, m);
		}
		final int batch = batch(model, c, task.outputChannels(), Math.min(wanted, n), tiling == null ? ph : tiling
			.length(ph), tiling == null ? pw : tiling.length(pw));

		Engines.prepareThread();
		Engines.pytorch().setRandomSeed(s.seed);
		final Result r = new Result(image.name(), image, xyz, c, axis);
		r.tile = tile;
		r.batch = batch;
		r.seed = s.seed;
		r.description = budget.describe() + ", " + attack + ", seed " + s.seed + ", batches of " + batch + " slices, " +
			(tiling == null ? "whole slices" : "tiles of " + tile + " pixels");
		final AttackTarget<Mask> whole = new AttackTarget<>(model.block(), model.parameterStore(), task, false, model
			.normalization().validRange());
		final AttackTarget<Mask> target = tiling == null ? whole : whole.tiled(tiling, m);
		final Normalization norm = model.normalization();
		final int plane = w * h, padded = pw * ph;
		final long started = System.nanoTime();
		for (int from = 0; from < n; from += batch) {
			if (listener != null && listener.isCancelled()) throw new CancellationException("The attack on " + imageFile
				.getFileName() + " was cancelled.");
			final int to = Math.min(n, from + batch), b = to - from;
			final float[] values = new float[b * c * padded];
			final float[] abs = new float[b];
			final Normalization.Normalized[] norms = new Normalization.Normalized[b];
			final List<Mask> truth = label == null ? null : new ArrayList<>(), truthPadded = label == null ? null
				: new ArrayList<>();
			for (int i = 0; i < b; i++) {
				final float[] im = new float[c * plane];
				for (int ch = 0; ch < c; ch++) axis.copy(image.values(), xyz, ch, from + i, im, ch * plane);
				norms[i] = norm.apply(im, 1, c, plane);
				abs[i] = budget.toAbsolute(norms[i].values, c * plane, target.validRange())[0];
				VolumeSlicer.padImage(norms[i].values, 0, c, h, w, values, i * c * padded, ph, pw);
				if (label != null) {
					final float[] lab = new float[plane];
					axis.copy(label.values(), xyz, 0, from + i, lab, 0);
					final byte[] mask = new byte[plane];
					for (int p = 0; p < plane; p++) mask[p] = (byte) Math.round(lab[p]);
					truth.add(new Mask(mask, w, h));
					truthPadded.add(new Mask(VolumeSlicer.padLabel(mask, h, w, ph, pw), pw, ph));
				}
			}
			try (NDManager mgr = model.manager().newSubManager()) {
				final NDArray x = mgr.create(values, new Shape(b, c, ph, pw));
				final NDList outClean = forward(model, target, tiling, x);
				final NDList y = task.encodeLabels(mgr, truthPadded != null ? truthPadded : task.predict(outClean), ph, pw);
				final NDArray xa = budget.value() == 0 ? x : attack.perturb(target, x, y, abs);
				final float[] advValues = xa.toFloatArray();
				// the noise the attack put in the padding is dropped, so that the adversarial prediction
				// and metrics are those of the volume written (whose slices have no padding)
				final boolean drop = budget.value() != 0 && (pw != w || ph != h);
				if (drop) clearPadding(advValues, values, b * c, w, h, pw, ph);
				final NDList outAdv = budget.value() == 0 ? outClean : forward(model, target, tiling, drop ? mgr.create(
					advValues, x.getShape()) : xa);
				final NDList clean = crop(outClean, h, w), adv = crop(outAdv, h, w);
				final List<Mask> pc = task.predict(clean), pa = task.predict(adv);
				final float[] lossClean = truth == null ? null : task.loss(clean, task.encodeLabels(mgr, truth, h, w))
					.toFloatArray();
				final float[] lossAdv = truth == null ? null : task.loss(adv, task.encodeLabels(mgr, truth, h, w))
					.toFloatArray();
				for (int i = 0; i < b; i++) {
					final double[] size = store(r, from + i, values, advValues, i, norms[i], pw, ph, w, h);
					paste(r.prediction, pc.get(i), xyz, axis, from + i);
					paste(r.adversarialPrediction, pa.get(i), xyz, axis, from + i);
					r.perSlice.add(new double[] { size[0], size[1], size[2], lossClean == null ? Double.NaN : lossClean[i],
						lossAdv == null ? Double.NaN : lossAdv[i] });
				}
				if (truth != null) {
					final MetricTable tc = task.metrics(clean, truth), ta = task.metrics(adv, truth);
					if (r.clean == null) {
						r.clean = tc;
						r.attacked = ta;
					}
					else {
						r.clean.addAll(tc);
						r.attacked.addAll(ta);
					}
				}
			}
			if (listener != null) {
				final double seconds = (System.nanoTime() - started) / 1e9;
				listener.progress(to, n, seconds / to * (n - to));
			}
		}
		if (r.clean != null) {
			final List<String> volume = Collections.nCopies(n, r.name);
			r.cleanDice = VolumeDice.of(r.clean, volume);
			r.adversarialDice = VolumeDice.of(r.attacked, volume);
		}
		return r;
	}

	/** Refuses what is not a 3D volume or a 4D one of the model's channels; returns the x, y, z size. */
	static int[] checkImage(final NiftiImage image, final Path file, final int channels) {
		final long[] dims = image.dims();
		final String in = file.getFileName().toString();
		if (dims.length < 3 || dims.length > 5 || dims.length > 4 && image.dim(4) > 1) {
			throw new AmatException("The image " + in + " has " + dims.length + " dimensions " + Arrays.toString(dims) +
				": give a 3D volume, or 4D with the channels along the 4th dimension.");
		}
		if (image.channels() != channels) {
			throw new AmatException("The image " + in + " has " + image.channels() + " channel(s) " + Arrays.toString(dims) +
				" but the model takes " + channels + (channels == 1 ? ": give a 3D volume." : " along the 4th dimension."));
		}
		return new int[] { (int) dims[0], (int) dims[1], (int) dims[2] };
	}

	private static NDList forward(final AmatModel model, final AttackTarget<Mask> target, final Tiling tiling,
		final NDArray x)
	{
		return tiling == null ? model.forward(x, false) : target.forward(x);
	}

	/** The output without the padding (the slice's own h x w pixels). */
	private static NDList crop(final NDList out, final int h, final int w) {
		final NDList cropped = new NDList();
		for (final NDArray a : out) cropped.add(a.get(new NDIndex(":, :, 0:{}, 0:{}", h, w)));
		return cropped;
	}

	/** Sets the padding (outside each block's own h x w pixels) of {@code adv} back to {@code clean}'s values. */
	private static void clearPadding(final float[] adv, final float[] clean, final int blocks, final int w, final int h,
		final int pw, final int ph)
	{
		for (int k = 0; k < blocks; k++) {
			final int base = k * pw * ph;
			for (int y = 0; y < ph; y++) {
				final int from = base + y * pw + (y < h ? w : 0), to = base + (y + 1) * pw;
				System.arraycopy(clean, from, adv, from, to - from);
			}
		}
	}

	/**
	 * Stores slice k's adversarial values and noise in the input's intensities; returns the
	 * noise's L2, rms and Linf norms in normalised units over the slice's own pixels.
	 */
	private static double[] store(final Result r, final int k, final float[] clean, final float[] adv, final int i,
		final Normalization.Normalized norm, final int pw, final int ph, final int w, final int h)
	{
		final float[] input = r.image.values();
		final long volume = (long) r.xyz[0] * r.xyz[1] * r.xyz[2];
		double l2 = 0, linf = 0;
		final float[] row = new float[w];
		for (int ch = 0; ch < r.channels; ch++) {
			final int base = (i * r.channels + ch) * pw * ph;
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) {
					final double d = adv[base + y * pw + x] - clean[base + y * pw + x];
					l2 += d * d;
					linf = Math.max(linf, Math.abs(d));
				}
				System.arraycopy(adv, base + y * pw, row, 0, w);
				norm.invert(row, 0, w, ch);
				for (int x = 0; x < w; x++) {
					final int v = (int) (ch * volume + r.axis.index(r.xyz, k, x, y));
					r.adversarial[v] = row[x];
					r.noise[v] = row[x] - input[v];
				}
			}
		}
		return new double[] { Math.sqrt(l2), Math.sqrt(l2 / ((double) r.channels * w * h)), linf };
	}

	private static void paste(final float[] volume, final Mask mask, final int[] xyz, final SliceAxis axis,
		final int k)
	{
		final byte[] classes = mask.classes();
		final float[] plane = new float[classes.length];
		for (int p = 0; p < classes.length; p++) plane[p] = classes[p] & 0xff;
		axis.paste(plane, mask.width(), xyz, k, volume);
	}

	/** The tiles a network sees slices through ({@link Tiling#standard}, as the robustness report tiles); null for 0. */
	public static Tiling tiling(final int tile, final int multiple) {
		return Tiling.standard(tile, multiple, "The tile size", "the model's size multiple");
	}

	/**
	 * 0 (whole slices) when a batch of whole slices fits the device's memory under a gradient
	 * attack or the model is one AMAT cannot estimate (imported), else the largest power-of-two
	 * tile whose batch fits.
	 */
	private static int autoTile(final AmatModel model, final int c, final int outputs, final int batch, final int ph,
		final int pw)
	{
		if (model.info().network == null || model.info().importedFormat != null) return 0;
		if (!Boolean.parseBoolean(System.getProperty(MemoryEstimate.CHECK, "true"))) return 0;
		final long available = MemoryEstimate.available(model.manager().getDevice());
		final MemoryEstimate e = new MemoryEstimate(model.info().network, c, outputs);
		if (available <= 0 || e.bytes(MemoryEstimate.Use.ATTACK, batch, ph, pw) <= available) return 0;
		final int m = model.sizeMultiple();
		final int t = Tiling.largestFitting(ph, pw, m, side -> e.bytes(MemoryEstimate.Use.ATTACK, batch, Math.min(side,
			ph), Math.min(side, pw)) <= available);
		return t % m == 0 ? t : 0;
	}

	/** The batch of slices (or tiles' batch) that fits the memory: the wanted one, or fewer. */
	private static int batch(final AmatModel model, final int c, final int outputs, final int wanted, final int h,
		final int w)
	{
		if (model.info().network == null || model.info().importedFormat != null) return wanted;
		return new MemoryEstimate(model.info().network, c, outputs).fit(MemoryEstimate.Use.ATTACK, wanted, h, w, model
			.manager().getDevice());
	}

	/** "12 z slices of 64x48, 2 channels" */
	public static String describe(final Result r) {
		final int[] wh = r.axis.plane(r.xyz);
		return String.format(Locale.ROOT, "%d %s slices of %dx%d, %d channel(s)", r.axis.count(r.xyz), r.axis.label(),
			wh[0], wh[1], r.channels);
	}
}
