package sc.fiji.amat.export;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a tree of maps (insertion order), lists, strings, numbers and booleans as block YAML.
 * Every string is double-quoted with JSON's escapes (valid YAML 1.2 and 1.1), so no value is
 * ever read back as another type; an empty map or list is written in flow style.
 */
final class YamlWriter {

	private YamlWriter() {}

	static String write(final Map<String, ?> root) {
		final StringBuilder b = new StringBuilder();
		map(b, root, 0, false);
		return b.toString();
	}

	/** A map's entries at {@code indent}; the first on the current line when {@code inline} (after a dash). */
	private static void map(final StringBuilder b, final Map<?, ?> m, final int indent, final boolean inline) {
		boolean first = true;
		for (final Map.Entry<?, ?> e : m.entrySet()) {
			if (!first || !inline) pad(b, indent);
			first = false;
			b.append(e.getKey()).append(':');
			value(b, e.getValue(), indent + 2);
		}
	}

	private static void list(final StringBuilder b, final List<?> l, final int indent) {
		for (final Object o : l) {
			pad(b, indent);
			b.append("- ");
			if (o instanceof Map && !((Map<?, ?>) o).isEmpty()) {
				// the first key on the dash's line, the others aligned below it
				map(b, (Map<?, ?>) o, indent + 2, true);
			}
			else {
				scalarOrNested(b, o, indent + 2);
			}
		}
	}

	private static void value(final StringBuilder b, final Object v, final int indent) {
		if (v instanceof Map && !((Map<?, ?>) v).isEmpty()) {
			b.append('\n');
			map(b, (Map<?, ?>) v, indent, false);
		}
		else if (v instanceof List && !((List<?>) v).isEmpty()) {
			b.append('\n');
			list(b, (List<?>) v, indent);
		}
		else {
			b.append(' ');
			scalar(b, v);
			b.append('\n');
		}
	}

	private static void scalarOrNested(final StringBuilder b, final Object o, final int indent) {
		if (o instanceof List && !((List<?>) o).isEmpty()) {
			b.append('\n');
			list(b, (List<?>) o, indent);
		}
		else {
			scalar(b, o);
			b.append('\n');
		}
	}

	private static void scalar(final StringBuilder b, final Object v) {
		if (v == null) b.append("null");
		else if (v instanceof Map) b.append("{}");
		else if (v instanceof List) b.append("[]");
		else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) b.append(v);
		else if (v instanceof Number) {
			final double d = ((Number) v).doubleValue();
			if (Double.isNaN(d) || Double.isInfinite(d)) throw new IllegalArgumentException("not finite: " + d);
			// YAML 1.1 readers (PyYAML) read 1.0E10 as a string: give the exponent its sign
			b.append(Double.toString(d).replaceFirst("E(\\d)", "E+$1"));
		}
		else quote(b, v.toString());
	}

	static void quote(final StringBuilder b, final String s) {
		b.append('"');
		for (int i = 0; i < s.length(); i++) {
			final char c = s.charAt(i);
			switch (c) {
				case '"':
					b.append("\\\"");
					break;
				case '\\':
					b.append("\\\\");
					break;
				case '\n':
					b.append("\\n");
					break;
				case '\t':
					b.append("\\t");
					break;
				case '\r':
					b.append("\\r");
					break;
				default:
					if (c < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
					else b.append(c);
			}
		}
		b.append('"');
	}

	private static void pad(final StringBuilder b, final int n) {
		for (int i = 0; i < n; i++) b.append(' ');
	}
}
