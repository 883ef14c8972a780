package sc.fiji.amat.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

import sc.fiji.amat.AmatException;

/**
 * A TorchScript module run through DJL's PyTorch engine, in evaluation mode (batch norm uses its
 * running statistics, dropout is off) and with autograd as the calling thread has it, so a
 * gradient collector gets gradients with respect to the input: attacks on it are white-box.
 * (DJL's own forward in evaluation mode turns autograd off, hence the direct call.)
 * <p>
 * Loaded for attacks and evaluation, it has no parameters of its own and the module's stay
 * frozen. Loaded {@linkplain #trainable() for fine-tuning} (hardening a model a user brought),
 * its parameters are the module's own tensors (same storage), so DJL's trainer and AMAT's
 * optimizer update the module in place; the module stays in evaluation mode while it trains:
 * batch norm keeps the statistics it was trained with (frozen batch norm, the usual choice
 * for fine-tuning on small batches), which also keeps a sample's output independent of its
 * batch. {@link #save} writes the module back as a TorchScript file that PyTorch and DJL load.
 */
public final class TorchScriptNetwork extends ImportedNetwork {

	private final PtSymbolBlock module;
	private final boolean trainable;

	TorchScriptNetwork(final Path file, final PtSymbolBlock module, final ModelDescription description,
		final boolean trainable)
	{
		super(file, description);
		this.module = module;
		this.trainable = trainable;
		JniUtils.enableInferenceMode(module);
	}

	/** True when this network exposes the module's parameters for fine-tuning. */
	public boolean trainable() {
		return trainable;
	}

	@Override
	public ParameterList getDirectParameters() {
		return trainable ? module.getDirectParameters() : super.getDirectParameters();
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

	/** The module as a TorchScript file's bytes (a zip that {@code torch.jit.load} reads). */
	public byte[] torchScriptBytes() {
		final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		JniUtils.writeModule(module, bytes, false);
		return bytes.toByteArray();
	}

	/**
	 * Saves the module (with its current, e.g. fine-tuned, weights) as a TorchScript file that
	 * {@code torch.jit.load} and DJL load again; written to a temporary file beside the target
	 * and renamed, so nothing half-written is left under the target's name.
	 */
	public void save(final Path target) {
		writeAtomically(target, out -> out.write(torchScriptBytes()), "TorchScript model");
	}

	/** What {@link #writeAtomically} writes. */
	interface Writer {

		void write(OutputStream out) throws IOException;
	}

	/** Writes a file through a temporary file beside it and a rename; any error is one sentence. */
	static void writeAtomically(final Path target, final Writer writer, final String what) {
		sc.fiji.amat.AtomicFiles.write(target, "the " + what, writer::write);
	}

	/** The module's parameters' values, in order (for best-epoch copies and checkpoints). */
	byte[] parameterBytes() {
		final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			final ParameterList ps = module.getDirectParameters();
			out.writeInt(ps.size());
			for (final Pair<String, Parameter> p : ps) {
				out.writeUTF(p.getKey());
				final byte[] enc = p.getValue().getArray().encode();
				out.writeInt(enc.length);
				out.write(enc);
			}
		}
		catch (final IOException e) {
			throw new IllegalStateException(e);
		}
		return bytes.toByteArray();
	}

	/**
	 * Copies values that {@link #parameterBytes} wrote, or the parameters of a TorchScript file's
	 * bytes ({@link #torchScriptBytes}, e.g. a checkpoint's weights), into the module's
	 * parameters, in place.
	 */
	void loadParameterBytes(final byte[] weights, final NDManager scratchParent) {
		if (weights.length > 2 && weights[0] == 'P' && weights[1] == 'K') {
			loadTorchScriptParameters(weights, scratchParent);
			return;
		}
		final ParameterList ps = module.getDirectParameters();
		try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(weights));
			NDManager scratch = scratchParent.newSubManager())
		{
			final int n = in.readInt();
			if (n != ps.size()) throw new IOException(n + " parameters for a module of " + ps.size());
			for (final Pair<String, Parameter> p : ps) {
				final String name = in.readUTF();
				final byte[] enc = new byte[in.readInt()];
				in.readFully(enc);
				final NDArray src = NDArray.decode(scratch, enc), dst = p.getValue().getArray();
				if (!name.equals(p.getKey()) || !src.getShape().equals(dst.getShape())) {
					throw new IOException(name + " " + src.getShape() + " vs " + p.getKey() + " " + dst.getShape());
				}
				try (NDArray view = dst.stopGradient()) {
					view.set(new NDIndex("..."), src);
				}
			}
		}
		catch (final IOException e) {
			throw new AmatException("The weights do not fit the TorchScript model " + file.getFileName() + ": " + e
				.getMessage() + ".", e);
		}
	}

	/** Copies the parameters of a TorchScript module (a file's bytes) into this module's, by name. */
	private void loadTorchScriptParameters(final byte[] bytes, final NDManager scratchParent) {
		try (NDManager scratch = scratchParent.newSubManager()) {
			final PtSymbolBlock other = JniUtils.loadModule((ai.djl.pytorch.engine.PtNDManager) scratch,
				new ByteArrayInputStream(bytes), true, false);
			final ParameterList from = other.getDirectParameters(), to = module.getDirectParameters();
			if (from.size() != to.size()) throw new IOException(from.size() + " parameters for a module of " + to.size());
			for (final Pair<String, Parameter> p : to) {
				final Parameter src = from.get(p.getKey());
				if (src == null || !src.getArray().getShape().equals(p.getValue().getArray().getShape())) {
					throw new IOException("no parameter " + p.getKey() + " of shape " + p.getValue().getArray().getShape());
				}
				try (NDArray view = p.getValue().getArray().stopGradient()) {
					view.set(new NDIndex("..."), src.getArray());
				}
			}
			other.close();
		}
		catch (final IOException | RuntimeException e) {
			throw new AmatException("The weights do not fit the TorchScript model " + file.getFileName() + ": " + e
				.getMessage() + ".", e);
		}
	}
}
