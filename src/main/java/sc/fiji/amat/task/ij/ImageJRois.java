package sc.fiji.amat.task.ij;

import ij.gui.Roi;
import ij.plugin.frame.RoiManager;

/** The one place the library reads ImageJ's ROI Manager, for tasks whose labels are ROIs. */
public final class ImageJRois {

	private ImageJRois() {}

	/** The ROIs of the ROI Manager, in its order; none when it is not open. */
	public static Roi[] manager() {
		final RoiManager rm = RoiManager.getInstance();
		return rm == null ? new Roi[0] : rm.getRoisAsArray();
	}
}
