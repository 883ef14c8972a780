package sc.fiji.amat.task.detection.ij;

import ij.ImagePlus;
import ij.gui.Roi;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.integer.UnsignedByteType;

import sc.fiji.amat.task.detection.Box;
import sc.fiji.amat.task.detection.Boxes;
import sc.fiji.amat.task.detection.DetectionTask;
import sc.fiji.amat.task.ij.ImageJTask;

/**
 * The ImageJ side of a {@link DetectionTask}: boxes from rectangle ROIs ({@link DetectionRois}),
 * and as named, coloured rectangles, rows and outlines.
 */
public final class DetectionImageJ implements ImageJTask<Boxes> {

	/** Colours of the classes in drawings and ROIs, in class order. */
	static final int[] PALETTE = { 0xe6194b, 0x4363d8, 0x3cb44b, 0xffe119, 0xf58231, 0x911eb4, 0x46f0f0, 0xf032e6,
		0xbcf60c, 0x008080 };

	private final DetectionTask task;

	public DetectionImageJ(final DetectionTask task) {
		this.task = task;
	}

	@Override
	public DetectionTask task() {
		return task;
	}

	/** Boxes from rectangle ROIs with class names, on {@code labels} when given, otherwise on {@code images}. */
	@Override
	public List<Boxes> labelsFrom(final ImagePlus images, final ImagePlus labels) {
		return DetectionRois.boxes(labels != null ? labels : images, task.classNames(), labels == null);
	}

	int color(final String className) {
		final int c = Math.max(0, task.classIndex(className));
		return PALETTE[c % PALETTE.length];
	}

	/** Box outlines in class colours on black. */
	@Override
	public int[] render(final Boxes label, final int height, final int width) {
		final int[] rgb = new int[height * width];
		for (final Box b : label) outline(b, width, height, color(b.className), rgb);
		return rgb;
	}

	/** Draws the outline of a box (pixels it covers on its border) into an int image. */
	static void outline(final Box b, final int width, final int height, final int value, final int[] image) {
		final int x0 = clamp((int) Math.floor(b.x0), width), x1 = clamp((int) Math.ceil(b.x1) - 1, width);
		final int y0 = clamp((int) Math.floor(b.y0), height), y1 = clamp((int) Math.ceil(b.y1) - 1, height);
		for (int x = x0; x <= x1; x++) {
			image[y0 * width + x] = value;
			image[y1 * width + x] = value;
		}
		for (int y = y0; y <= y1; y++) {
			image[y * width + x0] = value;
			image[y * width + x1] = value;
		}
	}

	private static int clamp(final int v, final int size) {
		return Math.max(0, Math.min(size - 1, v));
	}

	/** Rectangle ROIs named by class, coloured by class, with "class" and "score" properties. */
	@Override
	public List<Roi> toRois(final Boxes label) {
		final List<Roi> rois = new ArrayList<>();
		for (final Box b : label) {
			final Roi r = new Roi(b.x0, b.y0, b.width(), b.height());
			r.setName(b.className);
			r.setStrokeColor(new Color(color(b.className)));
			r.setProperty("class", b.className);
			if (!Double.isNaN(b.score)) r.setProperty("score", String.format(Locale.ROOT, "%.4f", b.score));
			rois.add(r);
		}
		return rois;
	}

	/** One row per box: class, score, xmin, ymin, xmax, ymax (pixel-edge coordinates). */
	@Override
	public List<Map<String, Object>> toRows(final Boxes label) {
		final List<Map<String, Object>> rows = new ArrayList<>();
		for (final Box b : label) {
			final Map<String, Object> row = new LinkedHashMap<>();
			row.put("class", b.className);
			row.put("score", b.score);
			row.put("xmin", b.x0);
			row.put("ymin", b.y0);
			row.put("xmax", b.x1);
			row.put("ymax", b.y1);
			rows.add(row);
		}
		return rows;
	}

	/** Box outlines, value class index + 1 on 0, (X, Y, N), 8-bit. */
	@Override
	public RandomAccessibleInterval<UnsignedByteType> predictionImage(final List<Boxes> boxes, final int h,
		final int w)
	{
		final byte[] all = new byte[boxes.size() * w * h];
		final int[] one = new int[w * h];
		for (int i = 0; i < boxes.size(); i++) {
			Arrays.fill(one, 0);
			for (final Box b : boxes.get(i)) outline(b, w, h, task.classIndex(b.className) + 1, one);
			for (int p = 0; p < w * h; p++) all[i * w * h + p] = (byte) one[p];
		}
		return ArrayImgs.unsignedBytes(all, w, h, boxes.size());
	}
}
