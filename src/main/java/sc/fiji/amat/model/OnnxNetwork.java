package sc.fiji.amat.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import sc.fiji.amat.AmatException;

/**
 * An ONNX model run by DJL's ONNX Runtime engine. Arrays never cross engines: the PyTorch input
 * is copied out as floats into an ONNX Runtime array, and the output is copied back into a
 * PyTorch array in the input's manager. ONNX Runtime computes no gradients, so gradient attacks
 * on such a model are transfer attacks crafted on another model.
 */
final class OnnxNetwork extends ImportedNetwork {

	private final Block session;
	private final NDManager ortManager;

	OnnxNetwork(final java.nio.file.Path file, final Block session, final NDManager ortManager,
		final ModelDescription description)
	{
		super(file, description);
		this.session = session;
		this.ortManager = ortManager;
	}

	@Override
	protected NDArray run(final NDArray x) {
		final Shape shape = x.getShape();
		final float[] values = x.toFloatArray();
		try (NDManager sub = ortManager.newSubManager()) {
			final NDArray in = sub.create(values, shape);
			final NDList out = session.forward(new ParameterStore(sub, false), new NDList(in), false);
			final NDArray y = out.get(0);
			if (y.getDataType() != DataType.FLOAT32) {
				throw new AmatException("The ONNX model " + file.getFileName() + " outputs " + y.getDataType() +
					" values, not float32 scores: export it with float outputs.");
			}
			return x.getManager().create(y.toFloatArray(), y.getShape());
		}
	}

	@Override
	boolean hasInputGradients() {
		return false;
	}
}
