package sc.fiji.amat.model;

import sc.fiji.amat.TinyData;
import sc.fiji.amat.task.segmentation.SegmentationTask;

/** A model info for the tiny test task. */
public final class ModelInfoFixture {

	private ModelInfoFixture() {}

	public static ModelInfo info(final SegmentationTask task) {
		final ModelInfo info = new ModelInfo();
		info.task = task.type();
		info.taskSpec = task.spec();
		info.network = task.network();
		info.inputChannels = task.inputChannels();
		info.inputHeight = TinyData.SIZE;
		info.inputWidth = TinyData.SIZE;
		info.normalization = "zscore";
		info.training.method = "standard";
		return info;
	}
}
