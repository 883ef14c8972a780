package sc.fiji.amat.task;

import com.google.gson.JsonObject;

import ij.ImagePlus;

import java.nio.file.Path;

import org.scijava.plugin.SciJavaPlugin;

import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.nn.NetworkConfig;

/**
 * A kind of task, discovered as a SciJava plugin ({@code @Plugin(type = TaskType.class)}), so a
 * new task is one new package: nothing else needs an edit.
 */
public interface TaskType extends SciJavaPlugin {

	/** The name users type and model files record, e.g. "segmentation". */
	String name();

	/** Rebuilds a task from what {@link Task#spec()} recorded. */
	Task<?> fromSpec(JsonObject spec, int inputChannels, NetworkConfig network);

	/**
	 * A task and its training data from ImageJ images: an image (stack) and its labels in the
	 * form this task reads them (label images, point or box ROIs, ...).
	 */
	Labeled<?> fromImages(ImagePlus images, ImagePlus labels, Normalization normalization, NetworkConfig network);

	/**
	 * A task and its training data from files: an image stack file and a label file, or a
	 * folder of images and a folder of labels paired by file name.
	 */
	Labeled<?> fromFiles(Path images, Path labels, Normalization normalization, NetworkConfig network);
}
