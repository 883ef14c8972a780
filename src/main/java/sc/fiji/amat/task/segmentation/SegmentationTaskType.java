package sc.fiji.amat.task.segmentation;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import ij.ImagePlus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.scijava.plugin.Plugin;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.sample.SegmentationSamples;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.TaskType;

/** Registers {@link SegmentationTask}. */
@Plugin(type = TaskType.class, name = SegmentationTask.TYPE)
public final class SegmentationTaskType implements TaskType {

	static final int TRAIN = 128, TEST = 32, SIZE = 64;

	@Override
	public String name() {
		return SegmentationTask.TYPE;
	}

	@Override
	public Task<?> fromSpec(final JsonObject spec, final int inputChannels, final NetworkConfig network) {
		final List<String> names = new ArrayList<>();
		for (final JsonElement e : spec.getAsJsonArray("classes")) names.add(e.getAsString());
		return new SegmentationTask(names, inputChannels, network);
	}

	@Override
	public Labeled<?> fromImages(final ImagePlus images, final ImagePlus labels, final Normalization normalization,
		final NetworkConfig network)
	{
		if (labels == null) {
			throw new AmatException("Segmentation needs label images: give a stack with one label image (class " +
				"indices, 0 = background) per image of '" + images.getTitle() + "'.");
		}
		final LabeledData<Mask> data = SegmentationData.requireForeground(SegmentationData.fromImages(images, labels,
			normalization));
		final List<String> names = SegmentationTask.defaultClassNames(SegmentationData.numClasses(data.labels()));
		return new Labeled<>(new SegmentationTask(names, data.channels(), network), data);
	}

	@Override
	public Labeled<?> fromFiles(final Path images, final Path labels, final Normalization normalization,
		final NetworkConfig network)
	{
		final LabeledData<Mask> data = SegmentationData.requireForeground(SegmentationData.fromFiles(images, labels,
			normalization));
		final List<String> names = SegmentationData.classNames(labels, data.labels());
		return new Labeled<>(new SegmentationTask(names, data.channels(), network), data);
	}

	/** 128 training and 32 test images of 64 x 64 pixels, MRI-like, with two structures. */
	@Override
	public void writeSamples(final Path dir, final long seed) {
		new SegmentationSamples(SIZE, seed).write(dir, TRAIN, TEST);
	}
}
