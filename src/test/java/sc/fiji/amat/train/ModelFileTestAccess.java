package sc.fiji.amat.train;

import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.task.segmentation.SegmentationTask;

/** Builds a model info for a tiny test task, as the trainer would. */
final class ModelFileTestAccess {

	private ModelFileTestAccess() {}

	static ModelInfo info(final SegmentationTask task) {
		final ModelInfo info = new ModelInfo();
		info.task = task.type();
		info.taskSpec = task.spec();
		info.network = task.network();
		info.inputChannels = task.inputChannels();
		info.inputHeight = sc.fiji.amat.TinyData.SIZE;
		info.inputWidth = sc.fiji.amat.TinyData.SIZE;
		info.normalization = "zscore";
		info.training.method = "standard";
		return info;
	}
}
