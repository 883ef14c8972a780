package sc.fiji.amat.nn;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A {@link SequentialBlock} that, while {@link FiniteCheck} is on, checks each layer's output
 * and names the first that is not finite ("down1 > 02BatchNorm"). Its parameters and saved form
 * are a SequentialBlock's.
 */
final class CheckedSequential extends SequentialBlock {

	private final String name;

	CheckedSequential(final String name) {
		this.name = name;
	}

	@Override
	protected NDList forwardInternal(final ParameterStore ps, final NDList inputs, final boolean training,
		final PairList<String, Object> params)
	{
		NDList current = inputs;
		final boolean check = FiniteCheck.enabled();
		for (final ai.djl.util.Pair<String, Block> child : getChildren()) {
			current = child.getValue().forward(ps, current, training);
			// the layer's name is built only when checked: this runs for every layer of every pass
			if (check) FiniteCheck.check(current, name + " > " + child.getKey());
		}
		return current;
	}
}
