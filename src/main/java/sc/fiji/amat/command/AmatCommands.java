package sc.fiji.amat.command;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.scijava.command.Command;

/** The AMAT commands, in menu order. */
public final class AmatCommands {

	public static final List<Class<? extends Command>> ALL = Collections.unmodifiableList(Arrays.asList(
		AmatTrainCommand.class, AdversarialAttackCommand.class, RobustnessReportCommand.class, DiagnosticsCommand.class));

	private AmatCommands() {}
}
