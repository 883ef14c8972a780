package sc.fiji.amat.task.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

import sc.fiji.amat.task.DatasetMetrics;
import sc.fiji.amat.task.MetricTable;

/**
 * Detection metrics, COCO style.
 * <p>
 * <b>Matching</b> (per image, class and IoU threshold t in 0.50, 0.55, ..., 0.95): detections in
 * descending score order each take the not yet matched ground-truth box of their class with the
 * highest IoU, if that IoU is at least t (a true positive); otherwise they are false positives.
 * </p>
 * <p>
 * <b>Average precision</b> of a class at t, over a whole set of images: all its detections in
 * descending score order give a precision-recall curve; the precision is made monotone (at each
 * recall, the best precision at that or any higher recall) and read at the 101 recall levels 0,
 * 0.01, ..., 1 (the precision of the first point whose recall reaches the level, 0 when none
 * does); AP is their mean (COCO's 101-point interpolation). A class without ground truth in the
 * set has no AP (NaN) and is left out of the means; a class with ground truth but no detections
 * has AP 0. <b>mAP@0.5</b> is the mean AP at t = 0.5 over classes, <b>mAP@0.5:0.95</b> the mean
 * over classes of the mean AP over the ten thresholds; both NaN when the set has no ground truth
 * at all. <b>mean matched IoU</b>: the mean IoU of the true positives at t = 0.5.
 * </p>
 * <p>
 * Per image the table keeps, as the row's detail, the number of ground-truth boxes of each class
 * and, for every scored detection, its class, score, true-positive flags at the ten thresholds
 * and matched IoU at 0.5; the dataset metrics are computed from these alone.
 * </p>
 */
public final class DetectionMetrics implements DatasetMetrics {

	public static final String MAP50 = "mAP@0.5", MAP = "mAP@0.5:0.95", MATCHED_IOU = "mean matched IoU";
	public static final String F1 = "F1@0.5";
	static final double[] THRESHOLDS = { 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95 };
	/** Values per detection in a row's detail: class, score, true-positive bits, IoU at 0.5. */
	static final int PER_DETECTION = 4;

	private final List<String> classes;
	private final List<String> names = new ArrayList<>();

	public DetectionMetrics(final List<String> classes) {
		this.classes = Collections.unmodifiableList(new ArrayList<>(classes));
		names.add(MAP50);
		names.add(MAP);
		names.add(MATCHED_IOU);
		for (final String c : classes) names.add("AP@0.5 " + c);
		for (final String c : classes) names.add("AP@0.5:0.95 " + c);
	}

	@Override
	public List<String> names() {
		return Collections.unmodifiableList(names);
	}

	@Override
	public int primary() {
		return 0;
	}

	/** The per-image columns of a detection metric table; column 0 is F1 at IoU 0.5. */
	public static String[] columns() {
		return new String[] { F1, "precision@0.5", "recall@0.5", "matched IoU", "objects", "detections" };
	}

	static boolean[] higherIsBetter() {
		return new boolean[] { true, true, true, true, false, false };
	}

	/** Matches of one image: for each detection (in the given order, which must be descending score) its flags. */
	static final class Matches {

		/** Per detection: bit k set when it is a true positive at THRESHOLDS[k]. */
		final int[] bits;
		/** Per detection: IoU with its match at 0.5, NaN when unmatched. */
		final double[] iou;

		Matches(final int n) {
			bits = new int[n];
			iou = new double[n];
			Arrays.fill(iou, Double.NaN);
		}
	}

	/** COCO matching of an image's detections, sorted by descending score, against its ground truth. */
	static Matches match(final List<Box> detections, final Boxes truth) {
		final Matches m = new Matches(detections.size());
		for (int t = 0; t < THRESHOLDS.length; t++) {
			final boolean[] taken = new boolean[truth.size()];
			for (int d = 0; d < detections.size(); d++) {
				final Box det = detections.get(d);
				int best = -1;
				double bestIou = -1;
				for (int g = 0; g < truth.size(); g++) {
					if (taken[g] || !truth.get(g).className.equals(det.className)) continue;
					final double iou = Box.iou(det, truth.get(g));
					if (iou >= THRESHOLDS[t] - 1e-12 && iou > bestIou) {
						best = g;
						bestIou = iou;
					}
				}
				if (best >= 0) {
					taken[best] = true;
					m.bits[d] |= 1 << t;
					if (t == 0) m.iou[d] = bestIou;
				}
			}
		}
		return m;
	}

	/** Sorted by descending score (stable). */
	static List<Box> byScore(final List<Box> boxes) {
		final List<Box> s = new ArrayList<>(boxes);
		s.sort(Comparator.comparingDouble((final Box b) -> b.score).reversed());
		return s;
	}

	/**
	 * Adds one image's row and detail to a table.
	 *
	 * @param detections the image's scored detections (all kept for AP)
	 * @param truth its ground truth
	 * @param scoreThreshold the score from which a detection counts as a prediction for the per-image columns
	 */
	void addImage(final MetricTable table, final List<Box> detections, final Boxes truth,
		final double scoreThreshold)
	{
		final List<Box> dets = byScore(detections);
		final Matches m = match(dets, truth);
		final double[] detail = new double[classes.size() + PER_DETECTION * dets.size()];
		for (final Box b : truth) detail[classIndex(b.className)]++;
		int tp = 0, predicted = 0;
		double iouSum = 0;
		for (int d = 0; d < dets.size(); d++) {
			final Box b = dets.get(d);
			final int o = classes.size() + PER_DETECTION * d;
			detail[o] = classIndex(b.className);
			detail[o + 1] = b.score;
			detail[o + 2] = m.bits[d];
			detail[o + 3] = Double.isNaN(m.iou[d]) ? -1 : m.iou[d];
			if (b.score >= scoreThreshold) {
				predicted++;
				if ((m.bits[d] & 1) != 0) {
					tp++;
					iouSum += m.iou[d];
				}
			}
		}
		final int objects = truth.size();
		// F1 = 2 TP / (2 TP + FP + FN) = 2 TP / (predicted + objects); 1 when there is nothing to find nor found
		final double f1 = predicted + objects == 0 ? 1 : 2.0 * tp / (predicted + objects);
		final double precision = predicted == 0 ? (objects == 0 ? 1 : 0) : (double) tp / predicted;
		final double recall = objects == 0 ? 1 : (double) tp / objects;
		table.addWithDetail(new double[] { f1, precision, recall, tp == 0 ? Double.NaN : iouSum / tp, objects,
			predicted }, detail);
	}

	private int classIndex(final String name) {
		final int k = classes.indexOf(name);
		if (k < 0) throw new IllegalArgumentException("Unknown class " + name);
		return k;
	}

	@Override
	public double[] compute(final MetricTable table) {
		final int k = classes.size(), levels = THRESHOLDS.length;
		final long[] truth = new long[k];
		final List<List<double[]>> perClass = new ArrayList<>(); // score, bits
		for (int c = 0; c < k; c++) perClass.add(new ArrayList<>());
		double iouSum = 0;
		long matched = 0;
		for (int i = 0; i < table.size(); i++) {
			final double[] d = table.detail(i);
			if (d.length < k) continue;
			for (int c = 0; c < k; c++) truth[c] += (long) d[c];
			for (int o = k; o + PER_DETECTION <= d.length; o += PER_DETECTION) {
				perClass.get((int) d[o]).add(new double[] { d[o + 1], d[o + 2] });
				if (((int) d[o + 2] & 1) != 0) {
					iouSum += d[o + 3];
					matched++;
				}
			}
		}
		final double[] out = new double[3 + 2 * k];
		double sum50 = 0, sumAll = 0;
		int defined = 0;
		for (int c = 0; c < k; c++) {
			final List<double[]> dets = perClass.get(c);
			dets.sort(Comparator.comparingDouble((final double[] a) -> a[0]).reversed());
			double mean = 0, ap50 = Double.NaN;
			for (int t = 0; t < levels; t++) {
				final boolean[] tp = new boolean[dets.size()];
				for (int j = 0; j < tp.length; j++) tp[j] = ((int) dets.get(j)[1] & (1 << t)) != 0;
				final double ap = averagePrecision(tp, truth[c]);
				if (t == 0) ap50 = ap;
				mean += ap / levels;
			}
			out[3 + c] = ap50;
			out[3 + k + c] = mean;
			if (truth[c] > 0) {
				sum50 += ap50;
				sumAll += mean;
				defined++;
			}
		}
		out[0] = defined == 0 ? Double.NaN : sum50 / defined;
		out[1] = defined == 0 ? Double.NaN : sumAll / defined;
		out[2] = matched == 0 ? Double.NaN : iouSum / matched;
		return out;
	}

	/**
	 * COCO 101-point interpolated average precision of detections in descending score order,
	 * given which are true positives and the number of ground-truth objects (NaN when 0).
	 */
	public static double averagePrecision(final boolean[] truePositive, final long objects) {
		if (objects <= 0) return Double.NaN;
		final int n = truePositive.length;
		if (n == 0) return 0;
		final double[] recall = new double[n], precision = new double[n];
		int tp = 0;
		for (int i = 0; i < n; i++) {
			if (truePositive[i]) tp++;
			recall[i] = (double) tp / objects;
			precision[i] = (double) tp / (i + 1);
		}
		for (int i = n - 2; i >= 0; i--) precision[i] = Math.max(precision[i], precision[i + 1]);
		double sum = 0;
		int i = 0;
		for (int r = 0; r <= 100; r++) {
			final double level = r / 100.0;
			while (i < n && recall[i] < level - 1e-12) i++;
			if (i == n) break;
			sum += precision[i];
		}
		return sum / 101;
	}
}
