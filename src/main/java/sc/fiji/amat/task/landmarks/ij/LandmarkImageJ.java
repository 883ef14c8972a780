package sc.fiji.amat.task.landmarks.ij;

import ij.ImagePlus;
import ij.gui.PointRoi;
import ij.gui.Roi;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.integer.UnsignedByteType;

import sc.fiji.amat.task.ij.ImageJTask;
import sc.fiji.amat.task.landmarks.LandmarkTask;
import sc.fiji.amat.task.landmarks.Landmarks;

/**
 * The ImageJ side of a {@link LandmarkTask}: landmarks from point ROIs ({@link LandmarkRois}),
 * and as named, coloured point ROIs, rows and crosses.
 */
public final class LandmarkImageJ implements ImageJTask<Landmarks> {

	/** Colours of the landmarks in drawings and ROIs, in landmark order. */
	static final int[] PALETTE = { 0xe6194b, 0x3cb44b, 0xffe119, 0x4363d8, 0xf58231, 0x911eb4, 0x46f0f0, 0xf032e6,
		0xbcf60c, 0xfabebe, 0x008080, 0xe6beff, 0x9a6324, 0xfffac8, 0x800000, 0xaaffc3, 0x808000, 0xffd8b1, 0xffffff };

	private final LandmarkTask task;

	public LandmarkImageJ(final LandmarkTask task) {
		this.task = task;
	}

	@Override
	public LandmarkTask task() {
		return task;
	}

	/** The images' own point ROIs (or those of {@code labels}, when given); see {@link LandmarkRois}. */
	@Override
	public List<Landmarks> labelsFrom(final ImagePlus images, final ImagePlus labels) {
		final LandmarkRois.Read r = LandmarkRois.read(labels != null ? labels : images, task.names());
		return r == null ? null : r.landmarks;
	}

	/** Each landmark as a small cross in its colour on black. */
	@Override
	public int[] render(final Landmarks label, final int height, final int width) {
		final int[] rgb = new int[height * width];
		cross(label, rgb, height, width, k -> PALETTE[k % PALETTE.length]);
		return rgb;
	}

	/** Draws each landmark k as a cross of 3 x 3 pixels of the value {@code value(k)}. */
	private static void cross(final Landmarks l, final int[] image, final int h, final int w,
		final java.util.function.IntUnaryOperator value)
	{
		for (int k = 0; k < l.size(); k++) {
			final int x = Math.round(l.x(k)), y = Math.round(l.y(k)), v = value.applyAsInt(k);
			for (int d = -1; d <= 1; d++) {
				set(image, w, h, x + d, y, v);
				set(image, w, h, x, y + d, v);
			}
		}
	}

	private static void set(final int[] rgb, final int w, final int h, final int x, final int y, final int v) {
		if (x >= 0 && y >= 0 && x < w && y < h) rgb[y * w + x] = v;
	}

	/** One point ROI per landmark, named after it and in its colour. */
	@Override
	public List<Roi> toRois(final Landmarks label) {
		final List<Roi> rois = new ArrayList<>();
		for (int k = 0; k < label.size(); k++) {
			final PointRoi p = new PointRoi(label.x(k), label.y(k));
			p.setName(task.names().get(k));
			p.setStrokeColor(new Color(PALETTE[k % PALETTE.length]));
			rois.add(p);
		}
		return rois;
	}

	/** One row per landmark: landmark, x, y (pixels) and, with a pixel size, x mm and y mm. */
	@Override
	public List<Map<String, Object>> toRows(final Landmarks label) {
		final double pixelSize = task.pixelSize();
		final List<Map<String, Object>> rows = new ArrayList<>();
		for (int k = 0; k < label.size(); k++) {
			final Map<String, Object> r = new LinkedHashMap<>();
			r.put("landmark", task.names().get(k));
			r.put("x", (double) label.x(k));
			r.put("y", (double) label.y(k));
			if (!Double.isNaN(pixelSize)) {
				r.put("x mm", label.x(k) * pixelSize);
				r.put("y mm", label.y(k) * pixelSize);
			}
			rows.add(r);
		}
		return rows;
	}

	/** (X, Y, N), 8-bit: landmark k + 1 drawn as a small cross at its predicted pixel, 0 elsewhere. */
	@Override
	public RandomAccessibleInterval<UnsignedByteType> predictionImage(final List<Landmarks> pred, final int h,
		final int w)
	{
		final byte[] all = new byte[pred.size() * h * w];
		for (int i = 0; i < pred.size(); i++) {
			final int[] drawn = new int[h * w];
			cross(pred.get(i), drawn, h, w, k -> k + 1);
			for (int p = 0; p < h * w; p++) all[i * h * w + p] = (byte) Math.min(255, drawn[p]);
		}
		return ArrayImgs.unsignedBytes(all, w, h, pred.size());
	}
}
