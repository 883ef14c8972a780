package sc.fiji.amat.task.segmentation.ij;

import ij.ImagePlus;

import java.util.List;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.integer.UnsignedByteType;

import sc.fiji.amat.task.ij.ImageJTask;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;

/** The ImageJ side of a {@link SegmentationTask}: labels are label images, predictions class-index images. */
public final class SegmentationImageJ implements ImageJTask<Mask> {

	/** Colours of the foreground classes in drawings, in class order. */
	static final int[] PALETTE = { 0xe6194b, 0x3cb44b, 0x4363d8, 0xffe119, 0xf58231, 0x911eb4, 0x46f0f0, 0xf032e6,
		0xbcf60c, 0xfabebe, 0x008080 };

	private final SegmentationTask task;

	public SegmentationImageJ(final SegmentationTask task) {
		this.task = task;
	}

	@Override
	public SegmentationTask task() {
		return task;
	}

	/** The label image's class indices; segmentation labels are images, so null without one. */
	@Override
	public List<Mask> labelsFrom(final ImagePlus images, final ImagePlus labels) {
		return labels == null ? null : SegmentationImages.masks(labels);
	}

	/** Black background, then one colour per class. */
	@Override
	public int[] render(final Mask label, final int height, final int width) {
		final byte[] m = label.classes();
		final int[] rgb = new int[m.length];
		for (int k = 0; k < m.length; k++) {
			final int c = m[k] & 0xff;
			rgb[k] = c == 0 ? 0 : PALETTE[(c - 1) % PALETTE.length];
		}
		return rgb;
	}

	/** Class indices, (X, Y, N), 8-bit. */
	@Override
	public RandomAccessibleInterval<UnsignedByteType> predictionImage(final List<Mask> masks, final int h,
		final int w)
	{
		final byte[] all = new byte[masks.size() * w * h];
		for (int i = 0; i < masks.size(); i++) System.arraycopy(masks.get(i).classes(), 0, all, i * w * h, w * h);
		return ArrayImgs.unsignedBytes(all, w, h, masks.size());
	}
}
