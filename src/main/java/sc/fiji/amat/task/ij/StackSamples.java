package sc.fiji.amat.task.ij;

import ij.ImagePlus;
import ij.gui.PointRoi;
import ij.gui.Roi;

import java.util.ArrayList;
import java.util.List;

/**
 * How the slices of an ImageJ image are AMAT's 2D samples, and which sample an ROI belongs to:
 * the one mapping every task uses. A sample is one z-slice of one frame with all its channels,
 * in ImageJ's stack order (z fastest, then t), as {@link sc.fiji.amat.data.ImagePlusImages}
 * reads the pixels: the 1-based sample of z-slice z and frame t is {@code (t - 1) * nSlices + z},
 * and stack index i (any channel) is in sample {@code (i - 1) / nChannels + 1}.
 * <p>
 * An ROI says where it lies by a stack index ({@link Roi#getPosition()}, or a point's own
 * position in a multi-point ROI) or by a hyperstack position (channel, z, t; 0 for all). A
 * hyperstack position of 0 along z or t names one sample only when the image has one z-slice or
 * one frame; an image with one z-slice and several frames also takes the position in z as the
 * frame (and the other way round), as ImageJ does when it draws a plain stack's overlay.
 * </p>
 */
public final class StackSamples {

	/** What {@link #of} returns for an ROI on every slice (no position, or not a single one). */
	public static final int NONE = 0;
	/** What {@link #of} returns for an ROI whose position lies beyond the image's slices or frames. */
	public static final int OUTSIDE = -1;

	private StackSamples() {}

	/** The number of 2D samples: z-slices times frames. */
	public static int count(final ImagePlus imp) {
		return imp.getStackSize() / Math.max(1, imp.getNChannels());
	}

	/** The stack index (1-based) of the first channel of a sample (1-based). */
	public static int stackIndex(final ImagePlus imp, final int sample) {
		return (sample - 1) * Math.max(1, imp.getNChannels()) + 1;
	}

	/** The sample (1-based) a stack index (1-based, any channel) belongs to. */
	public static int ofStackIndex(final ImagePlus imp, final int index) {
		return (index - 1) / Math.max(1, imp.getNChannels()) + 1;
	}

	/**
	 * The sample (1-based) an ROI belongs to, {@link #NONE} when it is on every slice (or on all
	 * z-slices or all frames of a stack that has several), {@link #OUTSIDE} when its position lies
	 * beyond the image.
	 */
	public static int of(final ImagePlus imp, final Roi roi) {
		if (!roi.hasHyperStackPosition()) return roi.getPosition() > 0 ? checked(imp, ofStackIndex(imp, roi
			.getPosition())) : NONE;
		final int nz = Math.max(1, imp.getNSlices()), nt = Math.max(1, imp.getNFrames());
		int z = roi.getZPosition(), t = roi.getTPosition();
		if (nz == 1 && nt > 1 && t == 0 && z > 0) {
			t = z;
			z = 1;
		}
		else if (nt == 1 && nz > 1 && z == 0 && t > 0) {
			z = t;
			t = 1;
		}
		if (z == 0 && nz == 1) z = 1;
		if (t == 0 && nt == 1) t = 1;
		if (z == 0 || t == 0) return NONE;
		if (z > nz || t > nt) return OUTSIDE;
		return (t - 1) * nz + z;
	}

	/**
	 * The sample (1-based) point {@code i} of a point ROI belongs to: by the point's own stack
	 * position when it has one (points of a multi-point selection on a stack), else as {@link #of}
	 * the ROI.
	 */
	public static int ofPoint(final ImagePlus imp, final PointRoi roi, final int i) {
		final int p = roi.getPointPosition(i);
		return p > 0 ? checked(imp, ofStackIndex(imp, p)) : of(imp, roi);
	}

	private static int checked(final ImagePlus imp, final int sample) {
		return sample > count(imp) ? OUTSIDE : sample;
	}

	/** Where an ROI says it lies, for messages: "slice 7", "z 2, t 3", or "no slice". */
	public static String describe(final Roi roi) {
		if (roi.hasHyperStackPosition()) return "z " + roi.getZPosition() + ", t " + roi.getTPosition();
		return roi.getPosition() > 0 ? "slice " + roi.getPosition() : "no slice";
	}

	/**
	 * Puts an ROI on one sample (1-based) of an image, on all its channels: by its stack index on
	 * an image of one channel with z-slices or frames (ImageJ shows it on that slice), otherwise by
	 * a hyperstack position (all channels, its z and t). Nothing on an image of one sample.
	 */
	public static void place(final ImagePlus imp, final Roi roi, final int sample) {
		if (count(imp) <= 1) return;
		final int nz = Math.max(1, imp.getNSlices()), nt = Math.max(1, imp.getNFrames());
		if (imp.getNChannels() <= 1 && (nz == 1 || nt == 1)) roi.setPosition(stackIndex(imp, sample));
		else roi.setPosition(0, (sample - 1) % nz + 1, (sample - 1) / nz + 1);
	}

	/** Per sample, its name: the first line of its (first channel's) slice label, or "" when it has none. */
	public static List<String> names(final ImagePlus imp) {
		final List<String> names = new ArrayList<>();
		for (int s = 1; s <= count(imp); s++) {
			final String l = imp.getStack().getSliceLabel(stackIndex(imp, s));
			names.add(l == null ? "" : l.split("\n", 2)[0].trim());
		}
		return names;
	}

	/** "slice s (its label) of 'title'", for messages about one sample. */
	public static String describe(final ImagePlus imp, final int sample) {
		final String label = imp.getStack().getShortSliceLabel(stackIndex(imp, sample));
		return "slice " + sample + (label != null && !label.isEmpty() ? " (" + label + ")" : "") + " of '" + imp
			.getTitle() + "'";
	}
}
