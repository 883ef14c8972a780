package sc.fiji.amat.command;

import ij.IJ;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.amat.doctor.Doctor;

/**
 * Plugins > AMAT > Diagnostics: what {@code scripts/amat doctor} prints (versions, processor,
 * devices, threads, memory, the self-test and a verdict), in the Log window and as the command's
 * output, for a user whose workstation misbehaves.
 */
@Plugin(type = Command.class, menuPath = "Plugins>AMAT>Diagnostics", headless = true,
	description = "Versions, processor, devices, threads, memory and a self-test of PyTorch's kernels, with a verdict")
public final class DiagnosticsCommand extends CommandSupport {

	static final String LABEL = "AMAT Diagnostics";

	@Parameter(type = ItemIO.OUTPUT, label = "Diagnostics")
	private String diagnostics;

	@Parameter(type = ItemIO.OUTPUT, label = "Verdict")
	private String verdict;

	@Override
	protected String title() {
		return LABEL;
	}

	@Override
	protected void execute() {
		IJ.showStatus(LABEL + ": running the self-test ...");
		final Doctor d = Doctor.examine();
		diagnostics = d.toString();
		verdict = d.verdict;
		for (final String line : diagnostics.split("\n")) {
			if (hasGui()) IJ.log(line);
			else log.info(line);
		}
		IJ.showStatus(LABEL + ": " + (d.healthy ? "OK" : "PROBLEM (see the Log)"));
		if (!d.healthy && hasGui()) IJ.error(LABEL, d.verdict);
	}

	public String diagnostics() {
		return diagnostics;
	}
}
