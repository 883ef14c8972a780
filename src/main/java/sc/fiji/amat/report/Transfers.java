package sc.fiji.amat.report;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.attack.AttackSpec;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.eval.Evaluator;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.model.ImportedModels;
import sc.fiji.amat.model.ModelInfo;
import sc.fiji.amat.task.Task;

/**
 * Models without gradients (ONNX) meet a report's gradient attacks as transfer attacks crafted on
 * a source model that has gradients, and are reported as not white-box.
 */
final class Transfers {

	private Transfers() {}

	/** True for attacks that follow the input gradient (all but white noise). */
	static boolean followsGradient(final String attack) {
		return AttackSpec.parse(attack).attackType().followsGradient();
	}

	/** Whether a model gives input gradients (all but ONNX models), so that its gradient attacks are white-box. */
	static boolean hasGradients(final ModelInfo info) {
		return !ImportedModels.ONNX.equals(info.importedFormat);
	}

	/**
	 * Whether some unit needs the transfer source (a gradient attack on a model without
	 * gradients); fails when one does and none is named, says so when one is named but not needed.
	 */
	static boolean sourceNeeded(final List<SweepUnit> units, final List<ModelInfo> infos, final String source,
		final ReportListener listener)
	{
		boolean needed = false;
		for (final SweepUnit u : units) {
			if (u.isClean() || hasGradients(infos.get(u.model)) || !followsGradient(u.attack)) continue;
			if (source == null) {
				throw new AmatException("The model " + u.modelName + " is an ONNX model, which gives no gradients: name " +
					"a transfer source (a model with gradients to craft the gradient attacks on) or choose only the noise " +
					"attack.");
			}
			needed = true;
		}
		if (source != null && !needed) {
			listener.message("transfer source " + Paths.get(source).getFileName() + " not used: no model of this job " +
				"lacks gradients, so every attack is white-box.");
		}
		return needed;
	}

	/**
	 * The transfer of a source's attacks to a model without gradients, one per size group of the
	 * test set (null for a model with gradients, or without a source), checked to fit the model
	 * and the test images.
	 */
	static List<Evaluator.Transfer> of(final AmatModel model, final String name, final AmatModel source,
		final String sourceName, final TestSet<?> test, final int multiple)
	{
		if (model.hasInputGradients() || source == null) return null;
		final Task<?> task = model.task(), sourceTask = source.task();
		if (sourceTask.inputChannels() != task.inputChannels() || !task.accepts(sourceTask)) {
			throw new AmatException("The transfer source " + sourceName + " (" + sourceTask.spec() + ", " + sourceTask
				.inputChannels() + " channel(s)) does not fit the model " + name + " (" + task.spec() + ", " + task
					.inputChannels() + " channel(s)): choose a source with the same classes and channels.");
		}
		for (final LabeledData<?> d : test.groupsFor(source.normalization(), multiple)) {
			source.checkImageSize(d.width(), d.height(), "The test images");
		}
		return transfers(model, source, test, multiple);
	}

	/**
	 * The transfer check's attacks on a model with gradients, one per size group of the test set:
	 * crafted on another model of the report (which must fit it, as any transfer source) instead
	 * of on the model itself.
	 */
	static List<Evaluator.Transfer> check(final AmatModel model, final AmatModel other, final TestSet<?> test,
		final int multiple)
	{
		return transfers(model, other, test, multiple);
	}

	/**
	 * The size multiple a model's test images are padded to in a report ({@link TestSet#groupsFor(
	 * sc.fiji.amat.data.Normalization, int)}): the model's own, or, when attacks crafted on another
	 * model (a transfer source for a model without gradients, the transfer check's model; either may
	 * be null) reach it, the least common multiple of both, so that both take the same padded images.
	 */
	static int multiple(final AmatModel model, final AmatModel source, final AmatModel other) {
		int m = Math.max(1, model.sizeMultiple());
		if (source != null && !model.hasInputGradients()) m = NetworkConfig.commonSizeMultiple(m, source.sizeMultiple());
		if (other != null) m = NetworkConfig.commonSizeMultiple(m, other.sizeMultiple());
		return m;
	}

	private static List<Evaluator.Transfer> transfers(final AmatModel model, final AmatModel source,
		final TestSet<?> test, final int multiple)
	{
		final List<Evaluator.Transfer> out = new ArrayList<>();
		for (int g = 0; g < test.groups(); g++) {
			out.add(new Evaluator.Transfer(source, test.groupsFor(source.normalization(), multiple).get(g), test.scaleRatio(model
				.normalization(), source.normalization(), g)));
		}
		return out;
	}
}
