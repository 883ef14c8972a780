package sc.fiji.amat.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.nn.NetworkConfig;

/**
 * The model side of one image-analysis task: its network, its per-sample loss, its metrics, the
 * quantities AMAT's loss-defined boundary is tested on, how labels become tensors and outputs
 * become labels. Attacks and training methods are written once against this interface, so any
 * task with a per-sample loss gets them all. It knows nothing of ImageJ: how a task's labels are
 * read from images, ROIs and files and how its predictions are drawn and listed is its ImageJ
 * adapter's ({@code sc.fiji.amat.task.ij.ImageJTask}), found by the same task type name.
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

	/** The number of maps the network outputs per pixel: its output is N x this x H x W. */
	int outputChannels();

	/**
	 * What the output maps are, for messages about a model brought from outside AMAT: "3 classes
	 * [background, cell, nucleus]", ...
	 */
	default String outputDescription() {
		return outputChannels() + " output maps";
	}

	/**
	 * True when the output's channels are class scores whose softmax over the channels gives class
	 * probabilities (segmentation), so that a model brought from outside AMAT may output the
	 * probabilities instead of the logits.
	 */
	default boolean outputsClassScores() {
		return false;
	}

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
	 * The objectives an attack may maximise on this task, the training loss ({@link #loss}, key
	 * {@value AttackLoss#TRAINING}) first.
	 */
	default List<AttackLoss> attackLosses() {
		return Collections.singletonList(trainingAttackLoss());
	}

	/** The training loss as an {@link AttackLoss} of key {@value AttackLoss#TRAINING}. */
	default AttackLoss trainingAttackLoss() {
		return AttackLoss.of(AttackLoss.TRAINING, "the task's training loss", (output, target, progress) -> loss(output,
			target));
	}

	/**
	 * The attack loss of that key (any case; null or blank: the training loss); an
	 * {@code AmatException} naming the keys this task offers when it has none of that key.
	 */
	default AttackLoss attackLoss(final String key) {
		final List<AttackLoss> all = attackLosses();
		if (key == null || key.trim().isEmpty()) return all.get(0);
		final String k = key.trim().toLowerCase(Locale.ROOT).replace('_', '-');
		final List<String> keys = new ArrayList<>();
		for (final AttackLoss l : all) {
			if (l.key().equals(k)) return l;
			keys.add(l.key());
		}
		throw new AmatException("Unknown attack loss '" + key + "' for " + type() + ": use one of " + String.join(", ",
			keys) + ".");
	}

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
	 * The part of a label inside the rectangle, in the rectangle's coordinates, for training on
	 * random patches ({@code PatchSampler}); tasks that cannot cut their labels say so.
	 */
	default L cropLabel(final L label, final int x, final int y, final int width, final int height) {
		throw new AmatException("The " + type() + " task cannot train on patches yet: train on whole images of one " +
			"size (patch size 0).");
	}

	/** The network's prediction for a batch, one label per sample (a mask, points, boxes). */
	List<L> predict(NDList output);
}
