package sc.fiji.amat.task.segmentation;

import java.util.List;

/** Per sample and class: intersection, predicted and true pixel counts of two sets of masks. */
final class DiceCounts {

	private final long[][] inter, pred, truth;

	DiceCounts(final List<Mask> predicted, final List<Mask> truths, final int numClasses) {
		final int n = truths.size();
		inter = new long[n][numClasses];
		pred = new long[n][numClasses];
		truth = new long[n][numClasses];
		for (int i = 0; i < n; i++) {
			final byte[] p = predicted.get(i).classes(), t = truths.get(i).classes();
			for (int j = 0; j < t.length; j++) {
				final int pc = p[j] & 0xff, tc = t[j] & 0xff;
				pred[i][pc]++;
				truth[i][tc]++;
				if (pc == tc) inter[i][pc]++;
			}
		}
	}

	long intersection(final int n, final int k) {
		return inter[n][k];
	}

	long predicted(final int n, final int k) {
		return pred[n][k];
	}

	long truth(final int n, final int k) {
		return truth[n][k];
	}

	/** 2|P and T| / (|P| + |T|); NaN when both are empty. */
	double dice(final int n, final int k) {
		final long d = pred[n][k] + truth[n][k];
		return d == 0 ? Double.NaN : 2.0 * inter[n][k] / d;
	}
}
