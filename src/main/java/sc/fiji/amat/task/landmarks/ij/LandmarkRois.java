package sc.fiji.amat.task.landmarks.ij;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.PointRoi;
import ij.gui.Roi;
import ij.process.FloatPolygon;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.task.ij.ImageJRois;
import sc.fiji.amat.task.ij.StackSamples;
import sc.fiji.amat.task.landmarks.LandmarkTask;
import sc.fiji.amat.task.landmarks.Landmarks;

/**
 * Landmarks as ImageJ point ROIs. Reading looks, in this order, at the image's point selection
 * (a multi-point ROI; on a stack each point keeps its slice), its overlay, and the ROI Manager,
 * and takes the first that holds points; each point goes to its slice as {@link StackSamples}
 * maps them (z-slices and frames). Per slice the landmarks are either
 * <ul>
 * <li>named: every point is a single-point ROI whose name is its landmark (as {@link #overlay}
 * writes them); the order is the task's, or the first slice's;</li>
 * <li>or ordered: the points in the order of their ROIs, a multi-point ROI's points in the order
 * they were clicked (ROI Manager names such as 0001-0012-0034 count as no name).</li>
 * </ul>
 * Every slice needs the same landmarks; the messages name the slice that differs.
 */
public final class LandmarkRois {

	private static final Pattern AUTO_NAME = Pattern.compile("\\d+(-\\d+)+");

	private LandmarkRois() {}

	/** What was read: the landmark names and one set of landmarks per slice. */
	public static final class Read {

		public final List<String> names;
		public final List<Landmarks> landmarks;

		Read(final List<String> names, final List<Landmarks> landmarks) {
			this.names = names;
			this.landmarks = landmarks;
		}
	}

	private static final class Point {

		final String name;
		final float x, y;

		Point(final String name, final float x, final float y) {
			this.name = name;
			this.x = x;
			this.y = y;
		}
	}

	/**
	 * The landmarks of every slice from the image's point ROIs, or null when it has none.
	 *
	 * @param expected the task's landmark names, or null to take them from the ROIs
	 */
	public static Read read(final ImagePlus imp, final List<String> expected) {
		final Roi roi = imp.getRoi();
		if (roi instanceof PointRoi) {
			return assemble(points(new Roi[] { roi }, imp), expected, "the point selection of '" + imp.getTitle() + "'", imp);
		}
		final Overlay overlay = imp.getOverlay();
		if (overlay != null && hasPoints(overlay.toArray())) {
			return assemble(points(overlay.toArray(), imp), expected, "the overlay of '" + imp.getTitle() + "'", imp);
		}
		final Roi[] manager = ImageJRois.manager();
		if (hasPoints(manager)) return assemble(points(manager, imp), expected, "the ROI Manager", imp);
		return null;
	}

	private static boolean hasPoints(final Roi[] rois) {
		for (final Roi r : rois) {
			if (r instanceof PointRoi) return true;
		}
		return false;
	}

	private static List<List<Point>> points(final Roi[] rois, final ImagePlus imp) {
		final int n = StackSamples.count(imp);
		final List<List<Point>> perSlice = new ArrayList<>();
		for (int s = 0; s < n; s++) perSlice.add(new ArrayList<>());
		for (final Roi roi : rois) {
			if (!(roi instanceof PointRoi)) continue;
			final PointRoi p = (PointRoi) roi;
			final FloatPolygon fp = p.getFloatPolygon();
			final String name = fp.npoints == 1 && roi.getName() != null && !AUTO_NAME.matcher(roi.getName()).matches()
				? roi.getName() : null;
			for (int i = 0; i < fp.npoints; i++) {
				int s = StackSamples.ofPoint(imp, p, i);
				if (s == StackSamples.NONE) {
					if (n > 1) {
						throw new AmatException("A point ROI" + (roi.getName() != null ? " ('" + roi.getName() + "')" : "") +
							" on the stack '" + imp.getTitle() + "' belongs to no slice: add the points slice by slice " +
							"(ROI Manager: Add, with 'Associate with slices').");
					}
					s = 1;
				}
				if (s == StackSamples.OUTSIDE) continue;
				perSlice.get(s - 1).add(new Point(name, fp.xpoints[i], fp.ypoints[i]));
			}
		}
		return perSlice;
	}

	private static Read assemble(final List<List<Point>> perSlice, final List<String> expected, final String from,
		final ImagePlus imp)
	{
		boolean named = true;
		for (int s = 0; s < perSlice.size(); s++) {
			if (perSlice.get(s).isEmpty()) {
				throw new AmatException(StackSamples.describe(imp, s + 1) + " has no landmark points in " + from +
					": every image needs its landmarks.");
			}
			for (final Point p : perSlice.get(s)) named &= p.name != null;
		}
		final List<String> names;
		if (named) {
			names = new ArrayList<>();
			if (expected != null) names.addAll(expected);
			else for (final Point p : perSlice.get(0)) names.add(p.name);
		}
		else names = expected != null ? new ArrayList<>(expected) : LandmarkTask.defaultNames(perSlice.get(0).size());
		final List<Landmarks> out = new ArrayList<>();
		for (int s = 0; s < perSlice.size(); s++) {
			final List<Point> pts = perSlice.get(s);
			final String where = StackSamples.describe(imp, s + 1);
			final float[] x = new float[names.size()], y = new float[names.size()];
			if (named) {
				final Map<String, Point> byName = new LinkedHashMap<>();
				for (final Point p : pts) {
					if (byName.put(p.name, p) != null) {
						throw new AmatException(where + " has two points named '" + p.name + "' in " + from + ".");
					}
				}
				final Set<String> extra = new HashSet<>(byName.keySet());
				extra.removeAll(names);
				if (!extra.isEmpty() || byName.size() != names.size()) {
					final List<String> missing = new ArrayList<>(names);
					missing.removeAll(byName.keySet());
					throw new AmatException(where + " has the landmarks " + byName.keySet() + " in " + from + ", but " +
						"every image needs " + names + (missing.isEmpty() ? "" : " (missing: " + missing + ")") + ".");
				}
				for (int k = 0; k < names.size(); k++) {
					x[k] = byName.get(names.get(k)).x;
					y[k] = byName.get(names.get(k)).y;
				}
			}
			else {
				if (pts.size() != names.size()) {
					throw new AmatException(where + " has " + pts.size() + " landmark points in " + from + ", but " + (expected !=
						null ? "the task has " + names.size() + " " + names : StackSamples.describe(imp, 1) + " has " + names
							.size()) + ": every image needs the same landmarks, in the same order.");
				}
				for (int k = 0; k < names.size(); k++) {
					x[k] = pts.get(k).x;
					y[k] = pts.get(k).y;
				}
			}
			out.add(new Landmarks(x, y, where));
		}
		return new Read(names, out);
	}

	/**
	 * The landmarks of a stack of z-slices as an overlay: per slice one named point ROI per
	 * landmark ({@link LandmarkImageJ#toRois}). The slice is set as a hyperstack position (all
	 * channels, z = the slice): ImageJ 1.54 keeps that in a TIFF's overlay, but drops a point
	 * ROI's plain position.
	 */
	public static Overlay overlay(final LandmarkTask task, final List<Landmarks> labels) {
		final LandmarkImageJ ij = new LandmarkImageJ(task);
		final Overlay o = new Overlay();
		for (int s = 0; s < labels.size(); s++) {
			for (final Roi r : ij.toRois(labels.get(s))) {
				r.setPosition(0, s + 1, 0);
				o.add(r);
			}
		}
		return o;
	}
}
