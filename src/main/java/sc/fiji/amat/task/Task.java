package sc.fiji.amat.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;

import com.google.gson.JsonObject;

import ij.ImagePlus;
import ij.gui.Roi;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.nn.NetworkConfig;

/**
 * Everything that is specific to one image-analysis task: its network, its per-sample loss, its
 * metrics, the quantities AMAT's loss-defined boundary is tested on, and how labels become
 * tensors. Attacks and training methods are written once against this interface, so any task
 * with a per-sample loss gets them all.
 * <p>
 * A task instance is configured (class names, landmark names, network size); its
 * {@link #spec()} is what a model file records to rebuild it through its {@link TaskType}.
 * </p>
 *
 * @param <L> the label of one 2D sample (a mask, a list of points, a list of boxes): a value
 *          class whose {@code equals} and {@code hashCode} compare content (split reports check
 *          by it that their jobs read the same test set)
 */
public interface Task<L> {

	/** The task's type name, as in {@link TaskType#name()}: "segmentation", ... */
	String type();

	/** What a model file records to rebuild this task (class names, ...), without the network size. */
	JsonObject spec();

	/** Number of input channels the network takes. */
	int inputChannels();

	/** The network's size. */
	NetworkConfig network();

	/** A new, uninitialised network for this task. */
	Block newNetwork();

	/**
	 * Checks that the labels fit this task and the images (classes known, points inside the
	 * image, ...); throws an {@code AmatException} naming the first offending sample.
	 */
	void checkLabels(LabeledData<L> data);

	/** The labels of a batch as the tensors {@link #loss} reads, on the manager's device. */
	NDList encodeLabels(NDManager manager, List<L> labels, int height, int width);

	/**
	 * The loss of each sample, shape (N): what training minimises (as a batch mean) and what
	 * attacks maximise. Must be differentiable with respect to the network's output.
	 */
	NDArray loss(NDList output, NDList target);

	/**
	 * Whether labels and outputs of {@code other} mean the same as this task's, so that attacks
	 * crafted on a model of {@code other} can be fed to a model of this task (transfer attacks):
	 * by default, the same type and the same spec (classes, landmarks).
	 */
	default boolean accepts(final Task<?> other) {
		return type().equals(other.type()) && spec().equals(other.spec());
	}

	/** Names and directions of the quantities AMAT's boundary test reads. */
	BoundarySpec boundarySpec();

	/**
	 * Per sample, the quantities the AMAT boundary is defined on ({@link BoundarySpec}), N rows
	 * of K values. A NaN means the quantity is undefined for that sample (e.g. Dice with empty
	 * ground truth); the boundary test counts such a sample as over the boundary, so its margin
	 * never grows.
	 */
	float[][] boundaryQuantities(NDList output, List<L> labels);

	/** The name of the primary metric (column 0 of {@link #metrics}); higher is better. */
	String metricName();

	/**
	 * Per-sample metrics of a batch's output against its labels, in a table that carries
	 * {@link #datasetMetrics()}; rows may keep details for them.
	 */
	MetricTable metrics(NDList output, List<L> labels);

	/**
	 * This task's dataset-level metrics (pooled Dice, mAP), computed from the per-image rows and
	 * details of its metric tables; null when it has none. A table of rows saved image by image
	 * gets them back with {@code new MetricTable(names, higherIsBetter, task.datasetMetrics())}.
	 */
	default DatasetMetrics datasetMetrics() {
		return null;
	}

	/**
	 * Reads one label per slice of {@code images} in the form this task uses: from the label
	 * image when one is given (segmentation: class indices), otherwise from the images' own
	 * ROIs (overlay, ROI Manager) for tasks whose labels are points or boxes. Returns null when
	 * {@code labels} is null and the images carry no labels this task reads; throws an
	 * {@code AmatException} naming what is wrong.
	 */
	List<L> labelsFrom(ImagePlus images, ImagePlus labels);

	/** The network's prediction for a batch, one label per sample (a mask, points, boxes). */
	List<L> predict(NDList output);

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
	 * Predictions ({@link #predict}) as an image of dimensions (X, Y, N) of the given size: class
	 * indices for segmentation, a rendering of points or boxes for other tasks.
	 */
	RandomAccessibleInterval<? extends RealType<?>> predictionImage(List<L> predicted, int height, int width);
}
