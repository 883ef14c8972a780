package sc.fiji.amat.command;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.scijava.command.Command;

import sc.fiji.amat.attack.AttackTypes;
import sc.fiji.amat.train.TrainingMethods;

/** The AMAT commands, in menu order. */
public final class AmatCommands {

	public static final List<Class<? extends Command>> ALL = Collections.unmodifiableList(Arrays.asList(
		AmatTrainCommand.class, AdversarialAttackCommand.class, RobustnessReportCommand.class, ExportBioImageIoCommand.class,
		DiagnosticsCommand.class));

	private AmatCommands() {}

	/**
	 * The choices of a command's text input whose values a plugin family lists (the attack of
	 * Adversarial Attack, the method of AMAT Train), or null for any other input. A SciJava
	 * command's choices are fixed when it is compiled, so such inputs are text, checked by the
	 * family's registry when the command runs; dialogs that can list choices (ImageJ 1.x's) take
	 * them from here.
	 */
	public static List<String> choices(final Class<?> command, final String input) {
		if (command == AdversarialAttackCommand.class && input.equals("attack")) return AttackTypes.displayNames();
		if (command == AmatTrainCommand.class && input.equals("method")) return TrainingMethods.displayNames();
		return null;
	}
}
