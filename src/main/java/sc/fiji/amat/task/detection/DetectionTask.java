package sc.fiji.amat.task.detection;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
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
 * Object detection of K classes with a small anchor-free, CenterNet-style detector.
 * <ul>
 * <li>Network: a U-Net (the task's {@link NetworkConfig}) as backbone, at full resolution, with
 * 1 + K + 4 output channels: a centre (objectness) logit, K class logits, and per pixel the
 * box's sub-pixel centre offset (dx, dy) and log width and height. A fixed prior of
 * {@value #PRIOR} is added to the centre logit (a start at about 0.1 probability, as CenterNet's
 * bias initialisation), which keeps the first focal-loss steps stable.</li>
 * <li>Label: {@link Boxes}, class names and pixel-edge coordinates; an image without boxes is
 * background only.</li>
 * <li>Loss per image, three components, each divided by max(1, number of objects): <b>centre</b>,
 * CenterNet's penalty-reduced focal loss (alpha 2, beta 4) of the centre heatmap against Gaussian
 * bumps at the object centres (sigma from the box's smaller side); <b>class</b>, cross-entropy of
 * the class logits at the centre pixels; <b>box</b>, L1 of offset and log size at the centre
 * pixels. The loss is their sum; the AMAT boundary tests each component against its own
 * threshold (over when any is above), as the spec says for detection. An image without boxes
 * has class and box components 0 (never over on them); its centre term still counts.</li>
 * <li>Decoding: 3x3 local maxima of the centre probability p; the class is the argmax of the
 * class softmax q, the score p * q; box from offset and size, clipped to the image; per-class
 * non-maximum suppression at IoU {@value #NMS_IOU}; at most {@value #MAX_DETECTIONS} per image.
 * Metrics use every detection from score {@value #MIN_SCORE}; predictions (ROIs, drawings,
 * rows, per-image F1) those from score {@value #SCORE_THRESHOLD}.</li>
 * <li>Metrics: {@link DetectionMetrics}: mAP@0.5 (primary, dataset-level), mAP@0.5:0.95, AP per
 * class, mean matched IoU; per image F1, precision and recall at IoU 0.5.</li>
 * </ul>
 */
public final class DetectionTask extends AbstractTask<Boxes> {

	public static final String TYPE = "detection";
	static final float PRIOR = -2.19f;
	public static final double MIN_SCORE = 0.01, SCORE_THRESHOLD = 0.3, NMS_IOU = 0.5;
	public static final int MAX_DETECTIONS = 100;

	private static final BoundarySpec BOUNDARY = new BoundarySpec(new String[] { "box loss", "centre loss",
		"class loss" }, new boolean[] { false, false, false });

	private final List<String> classNames;
	private final DetectionMetrics metrics;

	public DetectionTask(final List<String> classNames, final int inputChannels, final NetworkConfig network) {
		super(inputChannels, network);
		if (classNames.isEmpty()) throw new AmatException("Detection needs at least one object class.");
		if (classNames.size() > 255) throw new AmatException("Detection supports at most 255 classes.");
		if (classNames.stream().distinct().count() != classNames.size()) {
			throw new AmatException("Class names must be distinct: " + classNames + ".");
		}
		this.classNames = Collections.unmodifiableList(new ArrayList<>(classNames));
		this.metrics = new DetectionMetrics(classNames);
	}

	public List<String> classNames() {
		return classNames;
	}

	public int numClasses() {
		return classNames.size();
	}

	/** The index of a class by its name, -1 for a name the task does not know. */
	public int classIndex(final String name) {
		return classNames.indexOf(name);
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
		return new UNet(requireNetwork(), outputChannels());
	}

	/** A centre logit, K class logits, the centre offset (dx, dy) and the log width and height. */
	@Override
	public int outputChannels() {
		return 5 + numClasses();
	}

	@Override
	public String outputDescription() {
		return outputChannels() + " maps (a centre logit, " + numClasses() + " class logits " + classNames +
			", centre offset x and y, log width and height)";
	}

	@Override
	public void checkLabels(final LabeledData<Boxes> data) {
		checkImageSize(data, "a backbone", "crop or pad them");
		for (int i = 0; i < data.size(); i++) {
			check(data.label(i), data.width(), data.height(), "image " + (i + 1), classNames);
		}
	}

	/**
	 * Checks boxes against an image of w x h pixels and the known classes (null: any): positive
	 * size, inside the image. Throws an {@code AmatException} naming the box and {@code where}.
	 */
	public static void check(final Boxes boxes, final int w, final int h, final String where,
		final List<String> classes)
	{
		final double tol = 1e-6;
		for (int b = 0; b < boxes.size(); b++) {
			final Box box = boxes.get(b);
			final String what = "Box " + (b + 1) + " (" + box + ") of " + where;
			if (classes != null && !classes.contains(box.className)) {
				throw new AmatException(what + " has the class '" + box.className + "', which is not one of the known " +
					"classes " + classes + ".");
			}
			if (!(box.width() > 0) || !(box.height() > 0)) {
				throw new AmatException(what + " has a size of " + box.width() + " x " + box.height() +
					": boxes need a positive width and height (xmax > xmin, ymax > ymin).");
			}
			if (box.x0 < -tol || box.y0 < -tol || box.x1 > w + tol || box.y1 > h + tol) {
				throw new AmatException(what + " lies (partly) outside the image of " + w + "x" + h +
					" pixels: coordinates must be within 0.." + w + " and 0.." + h + ".");
			}
		}
	}

	/** Gaussian sigma of an object's centre bump, from its smaller side. */
	static double sigma(final Box b) {
		return Math.max(0.5, (0.5 * Math.min(b.width(), b.height()) + 1) / 6);
	}

	/** Targets: centre heatmap (N,1,H,W), class one-hot (N,K,H,W), offset and log size (N,4,H,W), centre mask (N,1,H,W), objects (N). */
	@Override
	public NDList encodeLabels(final NDManager manager, final List<Boxes> labels, final int height, final int width) {
		final int n = labels.size(), k = numClasses(), plane = height * width;
		final float[] heat = new float[n * plane], cls = new float[n * k * plane], reg = new float[n * 4 * plane],
				mask = new float[n * plane], count = new float[n];
		for (int i = 0; i < n; i++) {
			for (final Box b : labels.get(i)) {
				final int c = classIndex(b.className);
				if (c < 0) throw new AmatException("Unknown class '" + b.className + "': the task knows " + classNames + ".");
				final double cx = b.centerX(), cy = b.centerY();
				final int ix = Math.max(0, Math.min(width - 1, (int) Math.floor(cx)));
				final int iy = Math.max(0, Math.min(height - 1, (int) Math.floor(cy)));
				final double s = sigma(b);
				final int r = (int) Math.ceil(3 * s);
				for (int y = Math.max(0, iy - r); y <= Math.min(height - 1, iy + r); y++) {
					for (int x = Math.max(0, ix - r); x <= Math.min(width - 1, ix + r); x++) {
						final double g = Math.exp(-((x - ix) * (x - ix) + (y - iy) * (y - iy)) / (2 * s * s));
						final int p = i * plane + y * width + x;
						heat[p] = Math.max(heat[p], (float) g);
					}
				}
				final int p = y(iy, ix, width);
				if (mask[i * plane + p] == 0) count[i]++;
				mask[i * plane + p] = 1;
				for (int cc = 0; cc < k; cc++) cls[(i * k + cc) * plane + p] = cc == c ? 1 : 0;
				reg[(i * 4) * plane + p] = (float) (cx - ix);
				reg[(i * 4 + 1) * plane + p] = (float) (cy - iy);
				reg[(i * 4 + 2) * plane + p] = (float) Math.log(Math.max(0.5, b.width()));
				reg[(i * 4 + 3) * plane + p] = (float) Math.log(Math.max(0.5, b.height()));
			}
		}
		// what the loss needs of the labels alone, made once here: a loss computed from the labels on
		// every attack iteration would leave its arrays in the labels' (long-lived) manager
		final float[] norm = new float[n], negWeight = new float[n * plane];
		for (int i = 0; i < n; i++) norm[i] = Math.max(1, count[i]);
		for (int p = 0; p < n * plane; p++) {
			final float h = 1 - heat[p], h2 = h * h;
			negWeight[p] = h2 * h2 * (1 - mask[p]);
		}
		return new NDList(manager.create(heat, new Shape(n, 1, height, width)), manager.create(cls, new Shape(n, k,
			height, width)), manager.create(reg, new Shape(n, 4, height, width)), manager.create(mask, new Shape(n, 1,
				height, width)), manager.create(count, new Shape(n)), manager.create(norm, new Shape(n)), manager.create(
					negWeight, new Shape(n, 1, height, width)));
	}

	private static int y(final int iy, final int ix, final int width) {
		return iy * width + ix;
	}

	/** log(1 + exp(x)), stable. */
	private static NDArray softplus(final NDArray x) {
		return Scalars.maximum(x, 0f).add(x.abs().neg().exp().add(1f).log());
	}

	/** The three loss components per image, each of shape (N): box, centre, class. */
	public NDList components(final NDList output, final NDList target) {
		final NDArray out = output.singletonOrThrow();
		final int k = numClasses();
		// every operation starts from the output, so its result lives in the output's (per-step) manager
		final NDArray cls = target.get(1), reg = target.get(2), mask = target.get(3);
		final NDArray norm = target.get(5), negWeight = target.get(6);
		final int[] axes = { 1, 2, 3 };
		final NDArray z = out.get(":, 0:1").add(PRIOR);
		final NDArray logP = softplus(z.neg()).neg(), log1mP = softplus(z).neg();
		final NDArray p = logP.exp();
		final NDArray pos = p.neg().add(1).square().mul(mask).mul(logP);
		final NDArray neg = p.square().mul(negWeight).mul(log1mP);
		final NDArray centre = pos.add(neg).sum(axes).neg().div(norm);
		final NDArray logQ = out.get(":, 1:" + (1 + k)).logSoftmax(1);
		final NDArray classLoss = logQ.mul(cls).sum(axes).neg().div(norm);
		final NDArray box = out.get(":, " + (1 + k) + ":" + (5 + k)).sub(reg).abs().mul(mask).sum(axes).div(norm);
		return new NDList(box, centre, classLoss);
	}

	@Override
	public NDArray loss(final NDList output, final NDList target) {
		final NDList c = components(output, target);
		return c.get(0).add(c.get(1)).add(c.get(2));
	}

	/** The training loss (the sum), then each of its components alone: box, centre, class. */
	@Override
	public List<AttackLoss> attackLosses() {
		return Arrays.asList(AttackLoss.of(AttackLoss.TRAINING, "the training loss: box + centre + class", (o, t,
			p) -> loss(o, t)), AttackLoss.of("box", "the box component: L1 of centre offset and log size at the " +
				"object centres", (o, t, p) -> components(o, t).get(0)), AttackLoss.of("centre", "the centre " +
					"(objectness) component: focal loss of the centre heatmap", (o, t, p) -> components(o, t).get(1)),
			AttackLoss.of("class", "the class component: cross-entropy of the class logits at the object centres", (o,
				t, p) -> components(o, t).get(2)));
	}

	@Override
	public BoundarySpec boundarySpec() {
		return BOUNDARY;
	}

	@Override
	public float[][] boundaryQuantities(final NDList output, final List<Boxes> labels) {
		final NDArray out = output.singletonOrThrow();
		final NDList target = encodeLabels(out.getManager(), labels, (int) out.getShape().get(2), (int) out.getShape()
			.get(3));
		final NDList c = components(output, target);
		final float[][] q = new float[labels.size()][3];
		for (int j = 0; j < 3; j++) {
			final float[] v = c.get(j).toFloatArray();
			for (int i = 0; i < v.length; i++) q[i][j] = v[i];
		}
		return q;
	}

	@Override
	public String metricName() {
		return DetectionMetrics.MAP50;
	}

	@Override
	public DatasetMetrics datasetMetrics() {
		return metrics;
	}

	@Override
	public MetricTable metrics(final NDList output, final List<Boxes> labels) {
		final MetricTable table = new MetricTable(DetectionMetrics.columns(), DetectionMetrics.higherIsBetter(), metrics);
		final List<List<Box>> dets = decode(output.singletonOrThrow(), MIN_SCORE);
		for (int i = 0; i < labels.size(); i++) metrics.addImage(table, dets.get(i), labels.get(i), SCORE_THRESHOLD);
		return table;
	}

	/** The detections of each image of a batch from score {@code minScore}, after NMS, best first. */
	public List<List<Box>> decode(final NDArray output, final double minScore) {
		final long[] s = output.getShape().getShape();
		final int n = (int) s[0], channels = (int) s[1], h = (int) s[2], w = (int) s[3], k = numClasses();
		if (channels != 5 + k) throw new IllegalStateException("Expected " + (5 + k) + " output channels, got " + channels);
		final float[] v = output.toFloatArray();
		final int plane = h * w;
		final List<List<Box>> out = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			final int base = i * channels * plane;
			final double[] p = new double[plane];
			for (int q = 0; q < plane; q++) p[q] = 1 / (1 + Math.exp(-(v[base + q] + PRIOR)));
			final List<Box> found = new ArrayList<>();
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) {
					final double c = p[y * w + x];
					if (c < minScore || !isPeak(p, x, y, w, h)) continue;
					final int q = y * w + x;
					int best = 0;
					double max = Double.NEGATIVE_INFINITY;
					for (int cc = 0; cc < k; cc++) {
						final double l = v[base + (1 + cc) * plane + q];
						if (l > max) {
							max = l;
							best = cc;
						}
					}
					double sum = 0;
					for (int cc = 0; cc < k; cc++) sum += Math.exp(v[base + (1 + cc) * plane + q] - max);
					final double score = c / sum;
					if (score < minScore) continue;
					final double cx = x + v[base + (1 + k) * plane + q], cy = y + v[base + (2 + k) * plane + q];
					final double bw = Math.exp(Math.min(v[base + (3 + k) * plane + q], 10)), bh = Math.exp(Math.min(v[base +
						(4 + k) * plane + q], 10));
					final double x0 = Math.max(0, cx - bw / 2), y0 = Math.max(0, cy - bh / 2), x1 = Math.min(w, cx + bw / 2),
							y1 = Math.min(h, cy + bh / 2);
					if (x1 <= x0 || y1 <= y0) continue;
					found.add(new Box(classNames.get(best), x0, y0, x1, y1, score));
				}
			}
			out.add(Nms.suppress(found, NMS_IOU, MAX_DETECTIONS));
		}
		return out;
	}

	/** True when p at (x, y) is at least each of its 8 neighbours (a 3x3 max-pool peak). */
	private static boolean isPeak(final double[] p, final int x, final int y, final int w, final int h) {
		final double c = p[y * w + x];
		for (int dy = -1; dy <= 1; dy++) {
			for (int dx = -1; dx <= 1; dx++) {
				final int xx = x + dx, yy = y + dy;
				if ((dx != 0 || dy != 0) && xx >= 0 && yy >= 0 && xx < w && yy < h && p[yy * w + xx] > c) return false;
			}
		}
		return true;
	}

	@Override
	public List<Boxes> predict(final NDList output) {
		final List<Boxes> out = new ArrayList<>();
		for (final List<Box> d : decode(output.singletonOrThrow(), SCORE_THRESHOLD)) out.add(new Boxes(d));
		return out;
	}
}
