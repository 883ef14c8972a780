package sc.fiji.amat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Versions of this library and of the deep-learning stack it was built against. */
public final class AmatVersion {

	private static final Properties PROPS = new Properties();

	static {
		try (InputStream in = AmatVersion.class.getResourceAsStream("version.properties")) {
			if (in != null) PROPS.load(in);
		}
		catch (final IOException e) {
			// stays empty: versions read as "unknown"
		}
	}

	private AmatVersion() {}

	public static String library() {
		return PROPS.getProperty("version", "unknown");
	}

	public static String djl() {
		return PROPS.getProperty("djl", "unknown");
	}

	public static String pytorch() {
		return PROPS.getProperty("pytorch", "unknown");
	}
}
