package sc.fiji.amat;

/**
 * An error a user can act on: its message is one sentence that says what is wrong and what to do.
 * Commands show it as it is (a dialog in Fiji, one line headless), without a stack trace.
 */
public class AmatException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public AmatException(final String message) {
		super(message);
	}

	public AmatException(final String message, final Throwable cause) {
		super(message, cause);
	}
}
