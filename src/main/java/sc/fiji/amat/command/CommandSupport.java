package sc.fiji.amat.command;

import ij.IJ;
import ij.ImagePlus;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.nio.file.Path;

import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.ImageLayout;
import sc.fiji.amat.data.ImagePlusImages;
import sc.fiji.amat.engine.Engines;

/**
 * What the AMAT commands share: they are thin shells over the library that turn an
 * {@link AmatException} into one clear message (an error dialog in Fiji, one line headless) and
 * a cancelled command. They extend ContextCommand (not DynamicCommand) so that scripts get a
 * usable Future from {@code CommandService.run}; task and device are therefore plain text
 * inputs, checked when the command runs.
 */
public abstract class CommandSupport extends ContextCommand {

	@Parameter
	protected LogService log;

	/** The command's work; may throw {@link AmatException}. */
	protected abstract void execute();

	/** The command's label, for messages. */
	protected abstract String title();

	@Override
	public final void run() {
		try {
			execute();
		}
		catch (final AmatException e) {
			fail(e.getMessage());
		}
		catch (final RuntimeException | LinkageError e) {
			log.error(title() + " failed", e);
			fail("Unexpected error: " + e + " (details in the log).");
		}
	}

	protected void fail(final String message) {
		log.error(title() + ": " + message);
		if (hasGui()) IJ.error(title(), message);
		cancel(message);
	}

	/** True inside a Fiji or ImageJ with windows (not headless, not in a batch macro). */
	static boolean hasGui() {
		return !GraphicsEnvironment.isHeadless() && IJ.getInstance() != null && !ij.macro.Interpreter.isBatchMode();
	}

	/** A path from a File parameter, or null when empty. */
	static Path path(final File f) {
		return f == null || f.getPath().trim().isEmpty() ? null : f.toPath();
	}

	/** A new 32-bit ImagePlus from an (X, Y, C, N) image, shaped like the reference image. */
	static ImagePlus image(final String title, final net.imglib2.RandomAccessibleInterval<
		? extends net.imglib2.type.numeric.RealType<?>> img, final ImageLayout layout, final ImagePlus like)
	{
		final ImagePlus out = ImagePlusImages.toImagePlus(title, img, layout);
		if (like != null) out.setCalibration(like.getCalibration());
		return out;
	}

	/** Loads the engine first so a missing native library is one clear sentence. */
	protected static void requireEngine() {
		Engines.pytorch();
	}
}
