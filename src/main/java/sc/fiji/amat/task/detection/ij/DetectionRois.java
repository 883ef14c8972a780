package sc.fiji.amat.task.detection.ij;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.task.detection.Box;
import sc.fiji.amat.task.detection.Boxes;
import sc.fiji.amat.task.ij.ImageJRois;
import sc.fiji.amat.task.ij.StackSamples;

/**
 * Boxes from rectangle ROIs on the images (overlay, or the ROI Manager), each named by its class
 * (the ROI's name, or its "class" property), on its slice as {@link StackSamples} maps them.
 */
public final class DetectionRois {

	private DetectionRois() {}

	/**
	 * Boxes from the rectangle ROIs of an image: its overlay, or else (when {@code manager}) the
	 * ROI Manager's; null when there are none. Known classes null: any name is a class.
	 */
	public static List<Boxes> boxes(final ImagePlus imp, final List<String> classes, final boolean manager) {
		final List<Roi> rois = new ArrayList<>();
		final Overlay overlay = imp.getOverlay();
		if (overlay != null) rois.addAll(Arrays.asList(overlay.toArray()));
		if (rois.isEmpty() && manager) rois.addAll(Arrays.asList(ImageJRois.manager()));
		if (rois.isEmpty()) return null;
		final int n = StackSamples.count(imp);
		final List<List<Box>> perImage = new ArrayList<>();
		for (int i = 0; i < n; i++) perImage.add(new ArrayList<>());
		for (final Roi r : rois) {
			final String name = className(r);
			if (r.getType() != Roi.RECTANGLE) {
				throw new AmatException("The ROI '" + name + "' of '" + imp.getTitle() + "' is not a rectangle: detection " +
					"labels are rectangles named by their class.");
			}
			if (name == null || name.isEmpty() || name.matches("\\d{4}-\\d{4}(-\\d{4})?(-\\d+)?")) {
				throw new AmatException("A rectangle ROI of '" + imp.getTitle() + "' at " + r.getBounds() + " has no class " +
					"name" + (name == null ? "" : " ('" + name + "' is ImageJ's automatic name)") +
					": name each rectangle by its class (ROI Manager > Rename).");
			}
			if (classes != null && !classes.contains(name)) {
				throw new AmatException("The rectangle ROI '" + name + "' of '" + imp.getTitle() + "' names a class the " +
					"model does not know: the known classes are " + classes + ".");
			}
			final int slice = imageOf(r, imp, n);
			final java.awt.geom.Rectangle2D b = r.getFloatBounds();
			perImage.get(slice).add(new Box(name, b.getX(), b.getY(), b.getX() + b.getWidth(), b.getY() + b
				.getHeight()));
		}
		final List<Boxes> out = new ArrayList<>();
		for (final List<Box> l : perImage) out.add(new Boxes(l));
		return out;
	}

	/** A rectangle's class: its "class" property, else its name. */
	public static String className(final Roi r) {
		final String p = r.getProperty("class");
		if (p != null && !p.trim().isEmpty()) return p.trim();
		return r.getName() == null ? null : r.getName().trim();
	}

	/** The 0-based image a ROI belongs to ({@link StackSamples#of}). */
	private static int imageOf(final Roi r, final ImagePlus imp, final int n) {
		final int s = StackSamples.of(imp, r);
		if (s == StackSamples.NONE) {
			if (n == 1) return 0;
			throw new AmatException("The ROI '" + className(r) + "' of the stack '" + imp.getTitle() + "' belongs to no " +
				"slice: add ROIs with their slice position (ROI Manager > More > Options: associate with slices).");
		}
		if (s == StackSamples.OUTSIDE) throw new AmatException("The ROI '" + className(r) + "' is on " + StackSamples
			.describe(r) + " but '" + imp.getTitle() + "' has " + n + " images.");
		return s - 1;
	}
}
