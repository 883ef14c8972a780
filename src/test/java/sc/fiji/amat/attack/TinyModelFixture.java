package sc.fiji.amat.attack;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import sc.fiji.amat.TinyData;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;

/**
 * A tiny segmentation model trained once per test class (8 epochs on 32 squares), for attack
 * tests that need a model that has learnt something; one instance per class, so classes never
 * share it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TinyModelFixture {

	static final int[] POS = { 0, 1, 2, 3, 4, 5, 6, 7 };

	AmatModel model;
	LabeledData<Mask> data;

	@BeforeAll
	void trainTinyModel() {
		data = TinyData.squares(32, 5);
		model = TinyData.trainStandard(data, 8);
	}

	@AfterAll
	void closeModel() {
		model.close();
	}

	SegmentationTask task() {
		return (SegmentationTask) model.task();
	}

	/** The model in evaluation mode as an attack target, clamped to a range (null: none). */
	AttackTarget<Mask> target(final float[] range) {
		return new AttackTarget<>(model.block(), model.parameterStore(), task(), false, range);
	}
}
