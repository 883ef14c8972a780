package sc.fiji.amat;

import org.scijava.Context;
import org.scijava.command.CommandService;
import org.scijava.prefs.PrefService;

/**
 * SciJava contexts for tests that run commands. SciJava remembers each command's last
 * parameter values (as Java preferences, which the build keeps in target/test-prefs); a test
 * that leaves a parameter unset would otherwise inherit what an earlier test class chose.
 */
public final class TestContexts {

	private TestContexts() {}

	/** A context with the command service and no remembered parameter values. */
	public static Context commands() {
		final Context context = new Context(CommandService.class);
		if (System.getProperty("java.util.prefs.userRoot", "").contains("test-prefs")) {
			context.service(PrefService.class).clearAll();
		}
		return context;
	}
}
