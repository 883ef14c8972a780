package sc.fiji.amat.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A network a user brought (TorchScript or ONNX), seen as AMAT's own networks are: it takes a
 * PyTorch array N x C x H x W of normalised images and returns the logits N x K x H x W. It
 * converts channels-last inputs and outputs and turns probabilities into log-probabilities (a
 * softmax of which gives the same probabilities back, so the task's loss and metrics apply
 * unchanged). It has no parameters of its own (except a TorchScript network loaded for
 * fine-tuning, {@link TorchScriptNetwork#trainable()}): the imported weights stay frozen whatever
 * an attack freezes or unfreezes, and it always runs in evaluation mode.
 */
abstract class ImportedNetwork extends AbstractBlock {

	protected final java.nio.file.Path file;
	protected final ModelDescription description;

	ImportedNetwork(final java.nio.file.Path file, final ModelDescription description) {
		this.file = file;
		this.description = description;
	}

	/** Runs the imported model on an input in its own layout; the result is a PyTorch array in x's manager. */
	protected abstract NDArray run(NDArray x);

	/** True when gradients with respect to the input flow through {@link #run}. */
	abstract boolean hasInputGradients();

	/** The input in the model's own layout. */
	NDArray toModelLayout(final NDArray nchw) {
		return description.inputLayout == ModelDescription.Layout.NHWC ? nchw.transpose(0, 2, 3, 1) : nchw;
	}

	/** The model's raw output as AMAT's logits N x K x H x W. */
	NDArray toLogits(final NDArray raw) {
		final NDArray nkhw = description.outputLayout == ModelDescription.Layout.NHWC ? raw.transpose(0, 3, 1, 2) : raw;
		return description.probabilities ? nkhw.clip(1e-8f, 1f).log() : nkhw;
	}

	@Override
	protected NDList forwardInternal(final ParameterStore parameterStore, final NDList inputs, final boolean training,
		final PairList<String, Object> params)
	{
		return new NDList(toLogits(run(toModelLayout(inputs.singletonOrThrow()))));
	}

	@Override
	public Shape[] getOutputShapes(final Shape[] inputShapes) {
		final Shape in = inputShapes[0];
		return new Shape[] { new Shape(in.get(0), description.outputChannels(), in.get(2), in.get(3)) };
	}
}
