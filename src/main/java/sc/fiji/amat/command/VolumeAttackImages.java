package sc.fiji.amat.command;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.measure.ResultsTable;
import ij.process.FloatProcessor;

import sc.fiji.amat.eval.VolumeAttack;
import sc.fiji.amat.task.MetricTable;

/**
 * The Adversarial Attack command's view of an attacked volume: the volume's results as ImageJ
 * images (x, y, channels, z, as the volume is stored, whatever the axis it was attacked along)
 * and one results row per slice.
 */
final class VolumeAttackImages {

	/** Volumes of more values than this are written, not shown. */
	static final long MAX_SHOWN = 1L << 26;

	private VolumeAttackImages() {}

	/** A 32-bit image (a hyperstack when several channels) of a volume's values, x fastest, channels last. */
	static ImagePlus image(final String title, final float[] values, final VolumeAttack.Result r, final int channels) {
		final int x = r.xyz[0], y = r.xyz[1], z = r.xyz[2], plane = x * y;
		final ImageStack stack = new ImageStack(x, y);
		for (int k = 0; k < z; k++) {
			for (int c = 0; c < channels; c++) {
				final float[] p = new float[plane];
				System.arraycopy(values, (c * z + k) * plane, p, 0, plane);
				stack.addSlice(new FloatProcessor(x, y, p));
			}
		}
		final ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(channels, z, 1);
		if (channels > 1) imp.setOpenAsHyperStack(true);
		final double[] voxel = r.image.voxelSize();
		final Calibration cal = imp.getCalibration();
		cal.pixelWidth = voxel[0];
		cal.pixelHeight = voxel[1];
		cal.pixelDepth = voxel[2];
		imp.resetDisplayRange();
		return imp;
	}

	/**
	 * One row per slice in ImageJ's Results table (cleared first, as ImageJ's measurements do),
	 * as in NAME_attack.csv: the slice's 0-based index along the axis (as NIfTI viewers count
	 * voxels; the slices may be cut along x or y, so ImageJ's 1-based slice numbers of the shown z
	 * stacks would name other slices), the batch size and tile the attack ran with.
	 */
	static ResultsTable results(final VolumeAttack.Result r, final String attack, final String norm,
		final double level, final String unit)
	{
		ResultsTable rt = ResultsTable.getResultsTable();
		if (rt == null) rt = new ResultsTable();
		rt.reset();
		for (int s = 0; s < r.perSlice.size(); s++) {
			final double[] v = r.perSlice.get(s);
			rt.incrementCounter();
			rt.addValue("index", s);
			rt.addValue("axis", r.axis.label());
			rt.addValue("batch size", r.batch);
			rt.addValue("tile", r.tile);
			rt.addValue("attack", attack);
			rt.addValue("norm", norm);
			rt.addValue("noise level", level);
			rt.addValue("noise unit", unit);
			rt.addValue("noise L2 (normalised)", v[0]);
			rt.addValue("noise rms (normalised)", v[1]);
			rt.addValue("noise Linf (normalised)", v[2]);
			if (r.clean != null) {
				rt.addValue("loss clean", v[3]);
				rt.addValue("loss adversarial", v[4]);
				add(rt, r.clean, s, "clean");
				add(rt, r.attacked, s, "adversarial");
			}
		}
		return rt;
	}

	private static void add(final ResultsTable rt, final MetricTable t, final int row, final String when) {
		for (int c = 0; c < t.names().length; c++) {
			if (!t.isPoolingColumn(c)) rt.addValue(t.names()[c] + " " + when, t.value(row, c));
		}
	}
}
