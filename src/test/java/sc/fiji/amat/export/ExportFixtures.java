package sc.fiji.amat.export;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.Arrays;
import java.util.Collections;

import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Task;
import sc.fiji.amat.task.detection.DetectionTask;
import sc.fiji.amat.task.landmarks.LandmarkTask;
import sc.fiji.amat.task.segmentation.SegmentationTask;

/** Tiny seeded models of every task, their weights and batch-norm statistics moved off their initial values. */
final class ExportFixtures {

	static final int SIZE = 16;

	private ExportFixtures() {}

	static Task<?> task(final String type, final int channels, final NetworkConfig network) {
		switch (type) {
			case "segmentation":
				return new SegmentationTask(Arrays.asList("background", "cell", "nucleus"), channels, network);
			case "landmarks":
				return new LandmarkTask(Arrays.asList("tip", "base"), 0.5, channels, network);
			default:
				return new DetectionTask(Collections.singletonList("blood cell"), channels, network);
		}
	}

	static AmatModel model(final String type, final int channels, final NetworkConfig network,
		final String normalization, final int seed)
	{
		final Task<?> task = task(type, channels, network);
		final ModelInfo info = new ModelInfo();
		info.task = task.type();
		info.taskSpec = task.spec();
		info.network = network;
		info.inputChannels = channels;
		info.inputHeight = SIZE;
		info.inputWidth = SIZE;
		info.normalization = normalization;
		info.training.method = "standard";
		Engines.pytorch().setRandomSeed(seed);
		final AmatModel m = AmatModel.create(task, info, Device.cpu());
		perturb(m, seed);
		return m;
	}

	/**
	 * Moves every learned parameter off its initial value (gamma off 1, beta and biases off 0),
	 * then sets batch norm's running statistics from training-mode passes over seeded inputs, so
	 * that a wrong order or a dropped term shows in the output while it stays of order 1.
	 */
	static void perturb(final AmatModel m, final int seed) {
		Engines.pytorch().setRandomSeed(seed + 1);
		try (NDManager sub = m.manager().newSubManager()) {
			for (final Pair<String, Parameter> p : m.block().getParameters()) {
				if (p.getKey().endsWith("runningMean") || p.getKey().endsWith("runningVar")) continue;
				final NDArray dst = p.getValue().getArray();
				final NDArray v = dst.duplicate().add(sub.randomNormal(0, 0.2f, dst.getShape(), dst.getDataType()));
				try (NDArray view = dst.stopGradient()) {
					view.set(new NDIndex("..."), v);
				}
			}
			final Shape in = new Shape(4, m.task().inputChannels(), SIZE, SIZE);
			for (int i = 0; i < 40; i++) m.forward(sub.randomNormal(0, 1, in, ai.djl.ndarray.types.DataType.FLOAT32), true);
		}
	}

	/** The largest absolute running mean of the model's batch norms (0 without batch norm). */
	static double largestRunningMean(final AmatModel m) {
		double max = 0;
		for (final Pair<String, Parameter> p : m.block().getParameters()) {
			if (p.getKey().endsWith("runningMean")) max = Math.max(max, p.getValue().getArray().abs().max().getFloat());
		}
		return max;
	}

	/** A seeded raw image of the model's input, values 0..255. */
	static float[] raw(final int channels, final int seed) {
		final java.util.Random r = new java.util.Random(seed);
		final float[] v = new float[channels * SIZE * SIZE];
		for (int i = 0; i < v.length; i++) v[i] = 255 * r.nextFloat();
		return v;
	}

	static float[] djl(final AmatModel m, final float[] normalised, final int channels) {
		try (NDManager sub = m.manager().newSubManager()) {
			return m.forward(sub.create(normalised, new Shape(1, channels, SIZE, SIZE)), false).get(0).toFloatArray();
		}
	}
}
