package sc.fiji.amat.app;

import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;

import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.command.AdversarialAttackCommand;
import sc.fiji.amat.model.AmatModel;

/**
 * For {@link ChildJvmTest}: in a JVM without PyTorch's natives, loads a model through the library
 * and through the Adversarial Attack command; prints "library: MESSAGE" and "command: MESSAGE".
 */
public final class NativesChild {

	private NativesChild() {}

	public static void main(final String[] args) throws Exception {
		try {
			AmatModel.load(Paths.get(args[0]), ai.djl.Device.cpu()).close();
			System.out.println("library: (loaded)");
		}
		catch (final AmatException e) {
			System.out.println("library: " + e.getMessage());
		}
		final Context context = sc.fiji.amat.TestContexts.commands();
		final Map<String, Object> in = new HashMap<>();
		in.put("input_image", ij.IJ.openImage(args[1]));
		in.put("model_file", Paths.get(args[0]).toFile());
		in.put("device", "cpu");
		final CommandModule m = context.service(CommandService.class).run(AdversarialAttackCommand.class, true, in).get();
		System.out.println("command: " + (m.isCanceled() ? m.getCancelReason() : "(ran)"));
		context.dispose();
		System.exit(0);
	}
}
