package sc.fiji.amat.app;

import java.util.LinkedHashMap;
import java.util.Map;

import sc.fiji.amat.AmatException;

/** "--key value" command-line options, each read once; unknown options are an error. */
final class Args {

	private final Map<String, String> values = new LinkedHashMap<>();

	Args(final String[] args, final int from) {
		for (int i = from; i < args.length; i++) {
			final String a = args[i];
			if (!a.startsWith("--")) throw new AmatException("Unexpected argument '" + a + "': options look like --name value.");
			final String key = a.substring(2);
			if (i + 1 < args.length && !args[i + 1].startsWith("--")) values.put(key, args[++i]);
			else values.put(key, "true");
		}
	}

	String get(final String key, final String def) {
		final String v = values.remove(key);
		return v == null ? def : v;
	}

	int getInt(final String key, final int def) {
		final String v = get(key, null);
		try {
			return v == null ? def : Integer.parseInt(v);
		}
		catch (final NumberFormatException e) {
			throw new AmatException("--" + key + " needs a whole number, got '" + v + "'.");
		}
	}

	double getDouble(final String key, final double def) {
		final String v = get(key, null);
		try {
			return v == null ? def : Double.parseDouble(v);
		}
		catch (final NumberFormatException e) {
			throw new AmatException("--" + key + " needs a number, got '" + v + "'.");
		}
	}

	boolean flag(final String key) {
		return Boolean.parseBoolean(get(key, "false"));
	}

	/** Fails on options nobody read. */
	void done() {
		if (!values.isEmpty()) throw new AmatException("Unknown option(s): --" + String.join(", --", values.keySet()) + ".");
	}
}
