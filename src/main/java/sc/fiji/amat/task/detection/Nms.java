package sc.fiji.amat.task.detection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Greedy non-maximum suppression, per class. */
public final class Nms {

	private Nms() {}

	/**
	 * Keeps boxes in descending score order (ties: the earlier box first), dropping every box
	 * whose IoU with a kept box of the same class exceeds {@code iouThreshold}; at most
	 * {@code max} boxes.
	 */
	public static List<Box> suppress(final List<Box> boxes, final double iouThreshold, final int max) {
		final List<Box> sorted = new ArrayList<>(boxes);
		sorted.sort(Comparator.comparingDouble((final Box b) -> b.score).reversed());
		final List<Box> kept = new ArrayList<>();
		for (final Box b : sorted) {
			if (kept.size() >= max) break;
			boolean keep = true;
			for (final Box k : kept) {
				if (k.className.equals(b.className) && Box.iou(k, b) > iouThreshold) {
					keep = false;
					break;
				}
			}
			if (keep) kept.add(b);
		}
		return kept;
	}
}
