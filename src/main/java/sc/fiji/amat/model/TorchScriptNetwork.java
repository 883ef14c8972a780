package sc.fiji.amat.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

/**
 * A TorchScript module run through DJL's PyTorch engine, in evaluation mode (batch norm uses its
 * running statistics, dropout is off) and with autograd as the calling thread has it, so a
 * gradient collector gets gradients with respect to the input: attacks on it are white-box.
 * (DJL's own forward in evaluation mode turns autograd off, hence the direct call.) The module's
 * parameters stay frozen as DJL loaded them.
 */
final class TorchScriptNetwork extends ImportedNetwork {

	private final PtSymbolBlock module;

	TorchScriptNetwork(final java.nio.file.Path file, final PtSymbolBlock module, final ModelDescription description) {
		super(file, description);
		this.module = module;
		JniUtils.enableInferenceMode(module);
	}

	@Override
	protected NDArray run(final NDArray x) {
		// isTrain = true only skips DJL's no-autograd guard; the module itself stays in eval mode
		final NDList out = IValueUtils.forward(module, new NDList(x), true);
		for (int i = 1; i < out.size(); i++) out.get(i).close();
		return out.get(0);
	}

	@Override
	boolean hasInputGradients() {
		return true;
	}
}
