package sc.fiji.amat.ij1;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;

import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.scijava.Context;
import org.scijava.ItemVisibility;
import org.scijava.command.Command;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;
import org.scijava.module.process.PostprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.PluginService;
import org.scijava.service.Service;
import org.scijava.widget.FileWidget;

import sc.fiji.amat.command.AdversarialAttackCommand;
import sc.fiji.amat.command.AmatCommands;
import sc.fiji.amat.command.AmatTrainCommand;
import sc.fiji.amat.command.DiagnosticsCommand;
import sc.fiji.amat.command.ExportBioImageIoCommand;
import sc.fiji.amat.command.RobustnessReportCommand;

/**
 * Runs an AMAT SciJava command from plain ImageJ 1.x, which has no SciJava layer: registered in
 * {@code plugins.config} under the command's own label and menu, it shows (or, from a macro,
 * reads) a GenericDialog whose labels are the command's field names, so macro keys and recorded
 * macros are the same as in Fiji, then runs the same command code. In Fiji, imagej-legacy
 * replaces this entry by the SciJava command of the same label, so it is not used there.
 */
public class LegacyBridge implements PlugIn {

	private static final String NONE = "*None*";
	private static Context context;

	@Override
	public void run(final String arg) {
		final Class<? extends Command> command = command(arg);
		if (command == null) {
			IJ.error("AMAT", "Unknown AMAT command '" + arg + "'.");
			return;
		}
		try {
			runCommand(command);
		}
		catch (final RuntimeException | LinkageError e) {
			IJ.handleException(e);
		}
	}

	static Class<? extends Command> command(final String arg) {
		switch (arg) {
			case "train":
				return AmatTrainCommand.class;
			case "attack":
				return AdversarialAttackCommand.class;
			case "report":
				return RobustnessReportCommand.class;
			case "export":
				return ExportBioImageIoCommand.class;
			case "diagnostics":
				return DiagnosticsCommand.class;
			default:
				return null;
		}
	}

	/** The SciJava context of this ImageJ 1.x session: Fiji's own one there, else a small new one. */
	static synchronized Context context() {
		if (context == null) {
			final Object fiji = isFiji() ? IJ.runPlugIn("org.scijava.Context", "") : null;
			if (fiji instanceof Context) context = (Context) fiji;
			else {
				final Thread t = Thread.currentThread();
				final ClassLoader previous = t.getContextClassLoader();
				// plain ImageJ 1.x: SciJava discovers plugins through the context class loader
				if (IJ.getClassLoader() != null) t.setContextClassLoader(IJ.getClassLoader());
				try {
					context = new Context(CommandService.class, ModuleService.class);
				}
				finally {
					t.setContextClassLoader(previous);
				}
			}
		}
		return context;
	}

	/** True inside Fiji (imagej-legacy present), which has a SciJava context of its own. */
	static boolean isFiji() {
		try {
			Class.forName("net.imagej.legacy.LegacyService", false, IJ.getClassLoader() != null ? IJ.getClassLoader()
				: LegacyBridge.class.getClassLoader());
			return true;
		}
		catch (final ClassNotFoundException | LinkageError e) {
			return false;
		}
	}

	private void runCommand(final Class<? extends Command> type) {
		final Context ctx = context();
		final CommandService commands = ctx.service(CommandService.class);
		final CommandInfo info = commands.getCommand(type);
		final Module module;
		try {
			module = ctx.service(ModuleService.class).createModule(info);
			module.initialize();
		}
		catch (final Exception e) {
			throw new IllegalStateException("Cannot create " + info.getTitle(), e);
		}
		final Map<String, Object> inputs = dialog(info.getTitle(), module);
		if (inputs == null) return; // cancelled
		final Module done;
		try {
			// pre-processing injects services and checks inputs; the outputs are shown below,
			// as this small context has no display service to post-process them
			final List<PreprocessorPlugin> pre = ctx.service(PluginService.class).createInstancesOfType(
				PreprocessorPlugin.class);
			done = ctx.service(ModuleService.class).run(module, pre, Collections.<PostprocessorPlugin> emptyList(), inputs)
				.get();
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			return;
		}
		catch (final ExecutionException e) {
			throw new IllegalStateException(e.getCause());
		}
		if (done instanceof CommandModule && ((CommandModule) done).isCanceled()) {
			final String why = ((CommandModule) done).getCancelReason();
			if (why != null && !ij.macro.Interpreter.isBatchMode() && IJ.getInstance() != null) return; // dialog shown
			if (why != null) IJ.log(info.getTitle() + ": " + why);
			if (why != null && Macro.getOptions() != null) IJ.error(info.getTitle(), why);
			return;
		}
		for (final ModuleItem<?> out : done.getInfo().outputs()) {
			final Object v = done.getOutput(out.getName());
			if (v instanceof ImagePlus) ((ImagePlus) v).show();
		}
	}

	/** Shows (or, in a macro, reads) the inputs; null when the user cancels. */
	static Map<String, Object> dialog(final String title, final Module module) {
		final GenericDialog gd = new GenericDialog(title);
		final List<ModuleItem<?>> items = new ArrayList<>();
		final String[] titles = imageTitles();
		for (final ModuleItem<?> item : module.getInfo().inputs()) {
			if (!isUserInput(item)) continue;
			items.add(item);
			final String name = item.getName();
			final Class<?> t = item.getType();
			final Object current = module.getInput(name);
			if (t == ImagePlus.class) {
				final List<String> choices = new ArrayList<>();
				if (!item.isRequired()) choices.add(NONE);
				for (final String s : titles) choices.add(s);
				if (choices.isEmpty()) choices.add(NONE);
				final ImagePlus active = WindowManager.getCurrentImage();
				gd.addChoice(name, choices.toArray(new String[0]), item.isRequired() && active != null ? active.getTitle()
					: choices.get(0));
			}
			else if (t == File.class) {
				final String dflt = current == null ? "" : current.toString();
				// headless, ImageJ's dialog has no file fields (and needs no Browse button)
				if (java.awt.GraphicsEnvironment.isHeadless()) gd.addStringField(name, dflt, 30);
				else if (FileWidget.DIRECTORY_STYLE.equals(item.getWidgetStyle())) gd.addDirectoryField(name, dflt);
				else gd.addFileField(name, dflt);
			}
			else if (t == boolean.class || t == Boolean.class) {
				gd.addCheckbox(name, Boolean.TRUE.equals(current));
			}
			else if (Number.class.isAssignableFrom(box(t))) {
				final double v = current == null ? 0 : ((Number) current).doubleValue();
				gd.addNumericField(name, v, isInteger(t) ? 0 : decimals(v));
			}
			else if (choices(module, item) != null) {
				final String[] c = choices(module, item).toArray(new String[0]);
				gd.addChoice(name, c, current == null ? c[0] : current.toString());
			}
			else {
				gd.addStringField(name, current == null ? "" : current.toString(), 20);
			}
		}
		gd.showDialog();
		if (gd.wasCanceled()) return null;
		final Map<String, Object> values = new LinkedHashMap<>();
		for (final ModuleItem<?> item : items) {
			final Class<?> t = item.getType();
			if (t == ImagePlus.class) {
				final String title2 = gd.getNextChoice();
				if (NONE.equals(title2)) continue;
				final ImagePlus imp = WindowManager.getImage(title2);
				if (imp == null) throw new IllegalArgumentException("There is no open image titled '" + title2 + "'.");
				values.put(item.getName(), imp);
			}
			else if (t == File.class) {
				final String s = gd.getNextString().trim();
				if (!s.isEmpty()) values.put(item.getName(), new File(s));
			}
			else if (t == boolean.class || t == Boolean.class) values.put(item.getName(), gd.getNextBoolean());
			else if (Number.class.isAssignableFrom(box(t))) {
				final double v = gd.getNextNumber();
				values.put(item.getName(), isInteger(t) ? (Object) (int) Math.round(v) : (Object) v);
			}
			else if (choices(module, item) != null) values.put(item.getName(), gd.getNextChoice());
			else values.put(item.getName(), gd.getNextString());
		}
		return values;
	}

	/** An input's choices: its own, or those of the plugin family it names (attacks, training methods); null if none. */
	private static List<String> choices(final Module module, final ModuleItem<?> item) {
		final List<String> listed = AmatCommands.choices(module.getDelegateObject().getClass(), item.getName());
		if (listed != null) return listed;
		if (item.getChoices() == null || item.getChoices().isEmpty()) return null;
		final List<String> own = new ArrayList<>();
		for (final Object c : item.getChoices()) own.add(c.toString());
		return own;
	}

	static boolean isUserInput(final ModuleItem<?> item) {
		final Class<?> t = item.getType();
		if (Service.class.isAssignableFrom(t) || Context.class.isAssignableFrom(t)) return false;
		return item.getVisibility() != ItemVisibility.MESSAGE && item.getVisibility() != ItemVisibility.INVISIBLE;
	}

	private static String[] imageTitles() {
		final int[] ids = WindowManager.getIDList();
		if (ids == null) return new String[0];
		final String[] t = new String[ids.length];
		for (int i = 0; i < ids.length; i++) t[i] = WindowManager.getImage(ids[i]).getTitle();
		return t;
	}

	private static Class<?> box(final Class<?> t) {
		if (t == int.class) return Integer.class;
		if (t == long.class) return Long.class;
		if (t == double.class) return Double.class;
		if (t == float.class) return Float.class;
		return t;
	}

	private static boolean isInteger(final Class<?> t) {
		return t == int.class || t == Integer.class || t == long.class || t == Long.class;
	}

	private static int decimals(final double v) {
		for (int d = 0; d < 8; d++) {
			final double s = Math.pow(10, d);
			if (Math.abs(Math.round(v * s) - v * s) < 1e-9 * s) return Math.max(d, 1);
		}
		return 8;
	}
}
