package sc.fiji.amat.task.ij;

import ij.ImagePlus;
import ij.gui.Roi;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

import sc.fiji.amat.task.Task;

/**
 * The ImageJ side of one configured {@link Task}: its labels read from images and ROIs, and its
 * labels and predictions as ROIs, results-table rows and drawings. Made by the
 * {@link ImageJTaskType} of the task's type ({@link ImageJTasks#of}).
 *
 * @param <L> the task's label of one 2D sample
 */
public interface ImageJTask<L> {

	/** The task this is the ImageJ side of. */
	Task<L> task();

	/**
	 * Reads one label per slice of {@code images} in the form the task uses: from the label image
	 * when one is given (segmentation: class indices), otherwise from the images' own ROIs
	 * (overlay, ROI Manager) for tasks whose labels are points or boxes. Returns null when
	 * {@code labels} is null and the images carry no labels this task reads; throws an
	 * {@code AmatException} naming what is wrong.
	 */
	List<L> labelsFrom(ImagePlus images, ImagePlus labels);

	/**
	 * A label drawn as an RGB picture of H x W pixels (0xRRGGBB) on black, for report sheets;
	 * null when this task does not draw its labels.
	 */
	default int[] render(final L label, final int height, final int width) {
		return null;
	}

	/**
	 * A label as ImageJ ROIs to overlay on its slice (points, rectangles, named and coloured);
	 * empty for tasks whose labels are images.
	 */
	default List<Roi> toRois(final L label) {
		return Collections.emptyList();
	}

	/**
	 * A label as results-table rows, one per landmark or object (column name to number or
	 * text, in column order); empty for tasks whose labels are images.
	 */
	default List<Map<String, Object>> toRows(final L label) {
		return Collections.emptyList();
	}

	/**
	 * Predictions ({@link Task#predict}) as an image of dimensions (X, Y, N) of the given size:
	 * class indices for segmentation, a rendering of points or boxes for other tasks.
	 */
	RandomAccessibleInterval<? extends RealType<?>> predictionImage(List<L> predicted, int height, int width);
}
