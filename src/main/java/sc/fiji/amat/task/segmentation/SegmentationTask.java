package sc.fiji.amat.task.segmentation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import sc.fiji.amat.nn.Scalars;
import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.nn.UNet;
import sc.fiji.amat.task.AbstractTask;
import sc.fiji.amat.task.AttackLoss;
import sc.fiji.amat.task.BoundarySpec;
import sc.fiji.amat.task.DatasetMetrics;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.Task;

/**
 * Semantic segmentation of 2D images into K classes (class 0 is background) with a U-Net.
 * <ul>
 * <li>Label: a {@link Mask}, one class index per pixel.</li>
 * <li>Loss per sample: pixel-mean cross-entropy + (1 - mean soft Dice over foreground
 * classes), soft Dice with a smoothing term of 1 so empty classes are well defined.</li>
 * <li>Metric per sample: hard Dice of the argmax prediction per foreground class and their
 * mean ("dice", the primary metric). A class absent from both the prediction and the ground
 * truth scores 1; counts per class are kept for pooled (dataset-level) Dice.</li>
 * <li>AMAT boundary: the maximum over foreground classes present in the ground truth of the
 * hard Dice; a sample is over when it falls below the threshold. A sample without any
 * foreground in its ground truth has no Dice and counts as over, so its margin never grows
 * (as in the authors' research code).</li>
 * </ul>
 */
public final class SegmentationTask extends AbstractTask<Mask> {

	public static final String TYPE = "segmentation";

	private static final BoundarySpec BOUNDARY = new BoundarySpec(new String[] { "max foreground Dice" },
		new boolean[] { true });

	private final List<String> classNames;

	public SegmentationTask(final List<String> classNames, final int inputChannels, final NetworkConfig network) {
		super(inputChannels, network);
		if (classNames.size() < 2) {
			throw new AmatException("Segmentation needs at least two classes (background and one foreground), got " +
				classNames + ".");
		}
		if (classNames.size() > 255) throw new AmatException("Segmentation supports at most 255 classes.");
		this.classNames = Collections.unmodifiableList(new ArrayList<>(classNames));
	}

	/** Class names "background", "class 1", ..., "class K-1". */
	public static List<String> defaultClassNames(final int numClasses) {
		final List<String> names = new ArrayList<>();
		names.add("background");
		for (int k = 1; k < numClasses; k++) names.add("class " + k);
		return names;
	}

	public List<String> classNames() {
		return classNames;
	}

	public int numClasses() {
		return classNames.size();
	}

	@Override
	public String type() {
		return TYPE;
	}

	@Override
	public JsonObject spec() {
		final JsonObject o = new JsonObject();
		o.add("classes", jsonNames(classNames));
		return o;
	}

	@Override
	public Block newNetwork() {
		return new UNet(requireNetwork(), numClasses());
	}

	/** One logit per class. */
	@Override
	public int outputChannels() {
		return numClasses();
	}

	@Override
	public String outputDescription() {
		return numClasses() + " classes " + classNames;
	}

	@Override
	public boolean outputsClassScores() {
		return true;
	}

	@Override
	public void checkLabels(final LabeledData<Mask> data) {
		checkImageSize(data, "a U-Net", "crop or pad them");
		for (int i = 0; i < data.size(); i++) {
			final Mask mask = data.label(i);
			if (mask.width() != data.width() || mask.height() != data.height()) {
				throw new AmatException("Label " + (i + 1) + " is " + mask.width() + "x" + mask.height() +
					" pixels but its image is " + data.width() + "x" + data.height() + ": labels must match the images.");
			}
			final int max = mask.maxClass();
			if (max >= numClasses()) {
				throw new AmatException("Label " + (i + 1) + " contains class " + max + ", but the task knows only " +
					numClasses() + " classes " + classNames + " (0 to " + (numClasses() - 1) + ").");
			}
		}
	}

	@Override
	public NDList encodeLabels(final NDManager manager, final List<Mask> labels, final int height, final int width) {
		final int k = numClasses(), plane = height * width;
		final float[] oneHot = new float[labels.size() * k * plane];
		for (int n = 0; n < labels.size(); n++) {
			final byte[] m = labels.get(n).classes();
			final int base = n * k * plane;
			for (int p = 0; p < plane; p++) {
				oneHot[base + (m[p] & 0xff) * plane + p] = 1f;
			}
		}
		return new NDList(manager.create(oneHot, new Shape(labels.size(), k, height, width)));
	}

	@Override
	public NDArray loss(final NDList output, final NDList target) {
		final NDArray logits = output.singletonOrThrow();
		final NDArray y = target.singletonOrThrow();
		final long h = logits.getShape().get(2), w = logits.getShape().get(3);
		final NDArray logp = logits.logSoftmax(1);
		final NDArray ce = Scalars.div(logp.mul(y).sum(new int[] { 1, 2, 3 }), -(float) (h * w));
		final NDArray p = logp.exp();
		final NDArray inter = p.mul(y).sum(new int[] { 2, 3 });
		// the label's pixel counts belong to the output's (per-iteration) manager, not to the labels'
		final NDArray truth = y.sum(new int[] { 2, 3 });
		truth.attach(p.getManager());
		final NDArray denom = p.sum(new int[] { 2, 3 }).add(truth);
		final NDArray dice = Scalars.mul(inter, 2).add(1).div(denom.add(1));
		final NDArray foregroundDice = dice.get(":, 1:").mean(new int[] { 1 });
		return ce.add(foregroundDice.neg().add(1));
	}

	/** The training loss, then ce, masked-ce, segpgd, cospgd and js ({@link SegmentationAttackLosses}). */
	@Override
	public List<AttackLoss> attackLosses() {
		return SegmentationAttackLosses.of(this);
	}

	@Override
	public BoundarySpec boundarySpec() {
		return BOUNDARY;
	}

	@Override
	public float[][] boundaryQuantities(final NDList output, final List<Mask> labels) {
		final DiceCounts counts = counts(output, labels);
		final float[][] q = new float[labels.size()][1];
		for (int n = 0; n < labels.size(); n++) {
			float best = Float.NaN;
			for (int k = 1; k < numClasses(); k++) {
				if (counts.truth(n, k) == 0) continue;
				final float d = (float) counts.dice(n, k);
				best = Float.isNaN(best) ? d : Math.max(best, d);
			}
			q[n][0] = best;
		}
		return q;
	}

	/** Pooled Dice, a secondary dataset-level metric; the primary metric is the mean per-image Dice. */
	@Override
	public DatasetMetrics datasetMetrics() {
		return PooledDice.INSTANCE;
	}

	@Override
	public String metricName() {
		return "dice";
	}

	/** Columns: dice (mean over foreground classes), then per foreground class its Dice, intersection,
	 * predicted and true pixel counts (the counts give pooled Dice over a dataset). */
	@Override
	public MetricTable metrics(final NDList output, final List<Mask> labels) {
		final int k = numClasses();
		final String[] names = new String[1 + 4 * (k - 1)];
		final boolean[] higher = new boolean[names.length];
		names[0] = "dice";
		higher[0] = true;
		for (int c = 1; c < k; c++) {
			final int b = 1 + 4 * (c - 1);
			final String cn = classNames.get(c);
			names[b] = "dice " + cn;
			names[b + 1] = "intersection " + cn;
			names[b + 2] = "predicted " + cn;
			names[b + 3] = "true " + cn;
			higher[b] = true;
		}
		final MetricTable table = new MetricTable(names, higher, PooledDice.INSTANCE);
		final DiceCounts counts = counts(output, labels);
		for (int n = 0; n < labels.size(); n++) {
			final double[] row = new double[names.length];
			double sum = 0;
			for (int c = 1; c < k; c++) {
				final int b = 1 + 4 * (c - 1);
				final double d = counts.truth(n, c) + counts.predicted(n, c) == 0 ? 1.0 : counts.dice(n, c);
				row[b] = d;
				row[b + 1] = counts.intersection(n, c);
				row[b + 2] = counts.predicted(n, c);
				row[b + 3] = counts.truth(n, c);
				sum += d;
			}
			row[0] = sum / (k - 1);
			table.add(row);
		}
		return table;
	}

	/**
	 * The argmax class of each pixel, N masks of H x W (the first class on ties). Computed as
	 * "equals the maximum over classes", which PyTorch's CPU kernels do ten times faster than
	 * argmax over the channel axis; this runs at every iterate of an AMAT attack.
	 */
	@Override
	public Mask cropLabel(final Mask label, final int x, final int y, final int width, final int height) {
		return label.crop(x, y, width, height);
	}

	@Override
	public List<Mask> predict(final NDList output) {
		final NDArray logits = output.singletonOrThrow();
		final int n = (int) logits.getShape().get(0), k = (int) logits.getShape().get(1),
				h = (int) logits.getShape().get(2), w = (int) logits.getShape().get(3);
		final int plane = h * w;
		final byte[] isMax;
		try (NDArray max = logits.max(new int[] { 1 }, true); NDArray eq = logits.eq(max); NDArray b = eq.toType(
			DataType.UINT8, false))
		{
			isMax = b.toByteArray();
		}
		final List<Mask> masks = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			final byte[] m = new byte[plane];
			final int base = i * k * plane;
			for (int c = k - 1; c >= 1; c--) {
				final int from = base + c * plane;
				for (int p = 0; p < plane; p++) {
					if (isMax[from + p] != 0) m[p] = (byte) c;
				}
			}
			// class 0 where it is (also) the maximum
			for (int p = 0; p < plane; p++) {
				if (isMax[base + p] != 0) m[p] = 0;
			}
			masks.add(new Mask(m, w, h));
		}
		return masks;
	}

	/** Same number of classes: class names differ between a model's JSON and a label file's names. */
	@Override
	public boolean accepts(final Task<?> other) {
		return other instanceof SegmentationTask && ((SegmentationTask) other).numClasses() == numClasses();
	}

	private DiceCounts counts(final NDList output, final List<Mask> labels) {
		return new DiceCounts(predict(output), labels, numClasses());
	}
}
