package sc.fiji.amat.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an ONNX model (a {@code ModelProto}, default domain, opset {@value #OPSET}) of float
 * tensors: graph inputs and outputs of shape (batch, channels, height, width) with symbolic
 * batch and spatial sizes, float initializers, and nodes with int, ints, float and string
 * attributes. Field numbers are those of onnx.proto (IR version {@value #IR_VERSION}).
 */
public final class OnnxGraph {

	/** The operator set the exported graphs use. */
	public static final int OPSET = 17;
	/** The IR version of opset 17 (ONNX 1.12). */
	static final int IR_VERSION = 8;
	private static final int FLOAT = 1;
	private static final int ATTR_FLOAT = 1, ATTR_INT = 2, ATTR_STRING = 3, ATTR_INTS = 7;

	/** One attribute of a node. */
	public static final class Attr {

		final ProtoWriter proto = new ProtoWriter();

		private Attr(final String name, final int type) {
			proto.string(1, name).int64(20, type);
		}
	}

	public static Attr ints(final String name, final long... values) {
		final Attr a = new Attr(name, ATTR_INTS);
		for (final long v : values) a.proto.int64(8, v);
		return a;
	}

	public static Attr integer(final String name, final long value) {
		final Attr a = new Attr(name, ATTR_INT);
		a.proto.int64(3, value);
		return a;
	}

	public static Attr real(final String name, final float value) {
		final Attr a = new Attr(name, ATTR_FLOAT);
		a.proto.float32(2, value);
		return a;
	}

	public static Attr text(final String name, final String value) {
		final Attr a = new Attr(name, ATTR_STRING);
		a.proto.string(4, value);
		return a;
	}

	private final String name;
	private final List<ProtoWriter> nodes = new ArrayList<>();
	private final List<ProtoWriter> initializers = new ArrayList<>();
	private final List<ProtoWriter> inputs = new ArrayList<>();
	private final List<ProtoWriter> outputs = new ArrayList<>();
	private final Map<String, String> metadata = new LinkedHashMap<>();
	private int counter;

	public OnnxGraph(final String name) {
		this.name = name;
	}

	/** Declares a graph input of shape (batch, channels, height, width). */
	public String input(final String tensor, final int channels) {
		inputs.add(valueInfo(tensor, channels));
		return tensor;
	}

	/** Declares a graph output of shape (batch, channels, height, width). */
	public void output(final String tensor, final int channels) {
		outputs.add(valueInfo(tensor, channels));
	}

	private static ProtoWriter valueInfo(final String tensor, final int channels) {
		final ProtoWriter shape = new ProtoWriter();
		shape.message(1, new ProtoWriter().string(2, "batch"));
		shape.message(1, new ProtoWriter().int64(1, channels));
		shape.message(1, new ProtoWriter().string(2, "height"));
		shape.message(1, new ProtoWriter().string(2, "width"));
		final ProtoWriter tensorType = new ProtoWriter().int64(1, FLOAT).message(2, shape);
		return new ProtoWriter().string(1, tensor).message(2, new ProtoWriter().message(1, tensorType));
	}

	/** A float initializer (weights), stored little-endian as raw data. */
	public String initializer(final String tensor, final float[] values, final long... dims) {
		long n = 1;
		for (final long d : dims) n *= d;
		if (n != values.length) {
			throw new IllegalArgumentException(tensor + ": " + values.length + " values for " + n + " elements");
		}
		final ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
		raw.asFloatBuffer().put(values);
		final ProtoWriter t = new ProtoWriter();
		for (final long d : dims) t.int64(1, d);
		t.int64(2, FLOAT).string(8, tensor).bytes(9, raw.array());
		initializers.add(t);
		return tensor;
	}

	/** Adds a node with one output, named after the op and a counter; returns the output's name. */
	public String node(final String opType, final String[] in, final Attr... attrs) {
		final String out = opType.toLowerCase(java.util.Locale.ROOT) + "_" + (++counter);
		node(opType, in, out, attrs);
		return out;
	}

	/** Adds a node with one output of the given name. */
	public void node(final String opType, final String[] in, final String out, final Attr... attrs) {
		final ProtoWriter n = new ProtoWriter();
		for (final String i : in) n.string(1, i);
		n.string(2, out).string(3, out).string(4, opType);
		for (final Attr a : attrs) n.message(5, a.proto);
		nodes.add(n);
	}

	/** A key and value stored in the model's metadata_props. */
	public void metadata(final String key, final String value) {
		metadata.put(key, value);
	}

	/** The serialised ModelProto. */
	public byte[] toModel(final String producer, final String producerVersion, final String doc) {
		final ProtoWriter g = new ProtoWriter();
		for (final ProtoWriter n : nodes) g.message(1, n);
		g.string(2, name);
		for (final ProtoWriter t : initializers) g.message(5, t);
		for (final ProtoWriter i : inputs) g.message(11, i);
		for (final ProtoWriter o : outputs) g.message(12, o);
		final ProtoWriter m = new ProtoWriter().int64(1, IR_VERSION).string(2, producer).string(3, producerVersion);
		m.string(6, doc).message(7, g).message(8, new ProtoWriter().string(1, "").int64(2, OPSET));
		for (final Map.Entry<String, String> e : metadata.entrySet()) {
			m.message(14, new ProtoWriter().string(1, e.getKey()).string(2, e.getValue()));
		}
		return m.toByteArray();
	}
}
