package sc.fiji.amat.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import sc.fiji.amat.AmatException;

/**
 * Adam and SGD (with momentum) whose state can be saved and restored, so a training run resumes
 * from a checkpoint exactly where it stopped; DJL's own optimizers keep their state private.
 * Every temporary array is closed at once: parameters' gradients live in the model's manager,
 * and results of ops on them would otherwise accumulate there.
 */
public final class StatefulOptimizer extends Optimizer {

	public enum Kind {
		ADAM, SGD;

		public static Kind parse(final String s) {
			try {
				return valueOf(s.trim().toUpperCase(Locale.ROOT));
			}
			catch (final IllegalArgumentException e) {
				throw new AmatException("Unknown optimizer '" + s + "': use adam or sgd.");
			}
		}
	}

	private static final float BETA1 = 0.9f, BETA2 = 0.999f, EPS = 1e-8f, MOMENTUM = 0.9f;

	private final Kind kind;
	private final float learningRate;
	private final Map<String, NDArray> first = new TreeMap<>();
	private final Map<String, NDArray> second = new TreeMap<>();
	private final Map<String, Integer> steps = new TreeMap<>();
	/** Parameter ids (random per run) to their stable names in the network. */
	private final Map<String, String> names = new java.util.HashMap<>();

	public StatefulOptimizer(final Kind kind, final float learningRate) {
		super(new Builder());
		if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
			throw new AmatException("The learning rate must be positive, got " + learningRate + ".");
		}
		this.kind = kind;
		this.learningRate = learningRate;
	}

	public Kind kind() {
		return kind;
	}

	/**
	 * Keys the optimizer's state by the parameters' names in the block (stable across runs)
	 * rather than their ids (new random ones in every run), so a checkpoint can be restored.
	 */
	public void bindNames(final ai.djl.nn.Block block) {
		for (final ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters()) {
			names.put(p.getValue().getId(), p.getKey());
		}
	}

	@Override
	public void update(final String parameterId, final NDArray weight, final NDArray grad) {
		// one state per parameter and device: with several GPUs each copy is updated separately
		final String id = names.getOrDefault(parameterId, parameterId) + "@" + weight.getDevice();
		final int t = steps.merge(id, 1, Integer::sum);
		final NDArray m = first.computeIfAbsent(id, k -> weight.zerosLike());
		// update a detached view of the weight (same storage): an in-place change of a leaf that
		// requires a gradient is refused where gradient recording is on (any new thread in PyTorch)
		try (NDArray w = weight.stopGradient()) {
			if (kind == Kind.SGD) {
				m.muli(MOMENTUM).addi(grad);
				try (NDArray step = m.mul(learningRate)) {
					w.subi(step);
				}
			}
			else {
				adam(id, t, w, grad, m);
			}
		}
		// PyTorch accumulates gradients until they are zeroed, and DJL leaves that to the
		// optimizer (its fused PyTorch kernels do it); the trainer may pass a copy as grad.
		try (NDArray own = weight.getGradient()) {
			own.subi(own);
		}
	}

	private void adam(final String id, final int t, final NDArray weight, final NDArray grad, final NDArray m) {
		final NDArray v = second.computeIfAbsent(id, k -> weight.zerosLike());
		try (NDArray g1 = grad.mul(1 - BETA1)) {
			m.muli(BETA1).addi(g1);
		}
		try (NDArray g2 = grad.square()) {
			g2.muli(1 - BETA2);
			v.muli(BETA2).addi(g2);
		}
		final double c1 = 1 - Math.pow(BETA1, t), c2 = 1 - Math.pow(BETA2, t);
		final float lrT = (float) (learningRate * Math.sqrt(c2) / c1);
		try (NDArray denom = v.sqrt()) {
			denom.addi((float) (EPS * Math.sqrt(c2)));
			try (NDArray step = m.div(denom)) {
				step.muli(lrT);
				weight.subi(step);
			}
		}
	}

	/** The optimizer's state: step counts and moment arrays per parameter. */
	public byte[] saveState() {
		final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			out.writeUTF(kind.name());
			out.writeInt(steps.size());
			for (final Map.Entry<String, Integer> e : steps.entrySet()) {
				out.writeUTF(e.getKey());
				out.writeInt(e.getValue());
				writeArray(out, first.get(e.getKey()));
				writeArray(out, second.get(e.getKey()));
			}
		}
		catch (final IOException e) {
			throw new IllegalStateException(e);
		}
		return bytes.toByteArray();
	}

	private static void writeArray(final DataOutputStream out, final NDArray a) throws IOException {
		out.writeBoolean(a != null);
		if (a != null) {
			final byte[] enc = a.encode();
			out.writeInt(enc.length);
			out.write(enc);
		}
	}

	/** Restores state written by {@link #saveState()}; arrays go to the given (model's) manager. */
	public void loadState(final byte[] state, final NDManager manager) {
		try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
			final Kind saved = Kind.valueOf(in.readUTF());
			if (saved != kind) throw new AmatException("The checkpoint was made with " + saved + ", not " + kind + ".");
			final int n = in.readInt();
			for (int i = 0; i < n; i++) {
				final String id = in.readUTF();
				steps.put(id, in.readInt());
				final NDArray m = readArray(in, manager), v = readArray(in, manager);
				if (m != null) first.put(id, m);
				if (v != null) second.put(id, v);
			}
		}
		catch (final IOException e) {
			throw new AmatException("The checkpoint's optimizer state is damaged.", e);
		}
	}

	private static NDArray readArray(final DataInputStream in, final NDManager manager) throws IOException {
		if (!in.readBoolean()) return null;
		final byte[] enc = new byte[in.readInt()];
		in.readFully(enc);
		return NDArray.decode(manager, enc);
	}

	private static final class Builder extends OptimizerBuilder<Builder> {

		@Override
		protected Builder self() {
			return this;
		}
	}
}
