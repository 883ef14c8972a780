package sc.fiji.amat.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.data.volume.Nifti;
import sc.fiji.amat.data.volume.NiftiDataType;
import sc.fiji.amat.data.volume.NiftiHeader;
import sc.fiji.amat.data.volume.VolumeSlicer;
import sc.fiji.amat.model.AmatModel;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.ij.ImageJTasks;
import sc.fiji.amat.task.segmentation.Mask;
import sc.fiji.amat.task.segmentation.SegmentationTask;
import sc.fiji.amat.task.segmentation.SegmentationVolumes;
import sc.fiji.amat.task.segmentation.VolumeDice;
import sc.fiji.amat.train.ModelTrainer;
import sc.fiji.amat.train.StandardTraining;
import sc.fiji.amat.train.TrainingSettings;

/**
 * Volumes end to end through the task's file reader (as the AMAT Train command and the report
 * CLI read files): folders of NIfTI images and labels, 1 epoch of training, metrics per slice,
 * Dice per volume.
 */
public class VolumeTrainingTest {

	@TempDir
	Path dir;

	static final double[][] AFFINE = { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 2, 0 } };

	/** A 7 x 6 x 3 volume: a bright square (class 1) in slices 1 and 2. */
	public static void volume(final Path images, final Path labels, final String name, final int shift) {
		final long[] dims = { 7, 6, 3 };
		final float[] im = new float[7 * 6 * 3], lab = new float[im.length];
		for (int z = 0; z < 3; z++) {
			for (int y = 0; y < 6; y++) {
				for (int x = 0; x < 7; x++) {
					final int i = x + 7 * (y + 6 * z);
					final boolean in = z > 0 && x >= 1 + shift && x < 4 + shift && y >= 1 && y < 4;
					im[i] = in ? 200 : 20 + (x * 7 + y * 3 + z) % 5;
					lab[i] = in ? 1 : 0;
				}
			}
		}
		final NiftiHeader h = NiftiHeader.create(1, dims, NiftiDataType.INT16, new double[] { 1, 1, 2 }, AFFINE);
		Nifti.write(images.resolve(name + ".nii.gz"), im, dims, h, NiftiDataType.INT16);
		Nifti.write(labels.resolve(name + ".nii.gz"), lab, dims, h, NiftiDataType.UINT8);
	}

	@Test
	void trainsOnVolumeSlicesAndReportsDicePerVolume() throws Exception {
		final Path images = Files.createDirectories(dir.resolve("imagesTr")), labels = Files.createDirectories(dir.resolve(
			"labelsTr"));
		volume(images, labels, "p1", 0);
		volume(images, labels, "p2", 2);
		final NetworkConfig net = new NetworkConfig(2, 4, NetworkConfig.Norm.BATCH);
		@SuppressWarnings("unchecked")
		final Labeled<Mask> labeled = (Labeled<Mask>) ImageJTasks.type(SegmentationTask.TYPE).fromFiles(images, labels,
			Normalization.zscore(), net);
		assertEquals(6, labeled.data.size(), "2 volumes x 3 z slices");
		assertEquals(8, labeled.data.width(), "7 padded to the U-Net's multiple of 4");
		assertEquals(8, labeled.data.height());
		assertEquals(Arrays.asList("background", "class 1"), ((SegmentationTask) labeled.task).classNames());

		final TrainingSettings s = new TrainingSettings();
		s.epochs = 1;
		s.batchSize = 6;
		s.validationFraction = 0;
		try (AmatModel model = new ModelTrainer<>(labeled.task, labeled.data, Normalization.zscore(), s,
			new StandardTraining(), null).train())
		{
			final MetricTable perSlice = Evaluator.evaluate(model, labeled.data, 6);
			assertEquals(6, perSlice.size());
			final VolumeSlicer.Options o = new VolumeSlicer.Options();
			o.padMultiple = 4;
			final SegmentationVolumes.Data d = SegmentationVolumes.open(images, labels, o);
			final int[] all = { 0, 1, 2, 3, 4, 5 };
			assertArrayEquals(labeled.data.ids(all), d.data.ids(all));
			final VolumeDice dice = VolumeDice.of(perSlice, d.slices.volumeOfEachSlice());
			assertEquals(2, dice.rows.size());
			assertEquals("p1", dice.rows.get(0).volume);
			assertEquals(3, dice.rows.get(1).slices);
			for (final VolumeDice.Row r : dice.rows) {
				assertTrue(r.pooledDice[0] >= 0 && r.pooledDice[0] <= 1, r.volume + ": " + r.pooledDice[0]);
			}
		}
	}
}
