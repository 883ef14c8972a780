package sc.fiji.amat.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import sc.fiji.amat.TinyData;
import sc.fiji.amat.data.volume.Nifti;
import sc.fiji.amat.data.volume.NiftiImage;
import sc.fiji.amat.eval.VolumeAttackTest;
import sc.fiji.amat.model.AmatModel;

/**
 * The Adversarial Attack command on a NIfTI volume through its file parameters, headless through
 * SciJava's CommandService: the files in the output folder and the images it shows agree; an
 * open image and a file together, or neither, or a volume with an open label image, are one
 * sentence and write nothing.
 */
class VolumeAttackCommandTest {

	private static Context context;

	@TempDir
	static Path dir;
	private static Path model;

	@BeforeAll
	static void start() {
		context = sc.fiji.amat.TestContexts.commands();
		model = dir.resolve("seg.amat.zip");
		try (AmatModel m = TinyData.trainStandard(TinyData.squares(8, 3), 1)) {
			m.save(model);
		}
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	private static CommandModule attack(final Object... keyValues) throws Exception {
		final Map<String, Object> in = new HashMap<>();
		in.put("model_file", model.toFile());
		in.put("attack", "PGD");
		in.put("norm", "L2");
		in.put("noise_level", 0.1);
		in.put("noise_unit", "rms");
		in.put("iterations", 2);
		in.put("seed", 1);
		in.put("device", "cpu");
		for (int i = 0; i < keyValues.length; i += 2) in.put((String) keyValues[i], keyValues[i + 1]);
		return context.service(CommandService.class).run(AdversarialAttackCommand.class, true, in).get();
	}

	@Test
	void attacksAVolumeFileAlongAnAxisAndWritesItBack() throws Exception {
		final Path image = dir.resolve("case.nii.gz"), label = dir.resolve("case-label.nii.gz");
		VolumeAttackTest.volume(image, label, 12, 16, 8, 1);
		final Path out = dir.resolve("attacked");
		final CommandModule m = attack("input_file", image.toFile(), "label_file", label.toFile(), "slice_axis", "x",
			"output_folder", out.toFile());
		assertFalse(m.isCanceled(), m.getCancelReason());
		final NiftiImage adv = Nifti.read(out.resolve("case_adversarial.nii.gz"));
		final NiftiImage pred = Nifti.read(out.resolve("case_adversarial-prediction.nii.gz"));
		assertTrue(Files.exists(out.resolve("case_noise.nii.gz")));
		assertTrue(Files.exists(out.resolve("case_prediction.nii.gz")));
		assertEquals(13, Files.readAllLines(out.resolve("case_attack.csv")).size(), "a header and 12 x slices");
		assertTrue(Files.exists(out.resolve("case_volume-dice.csv")));
		// the images shown are the volume as stored (x, y, z), whatever the axis attacked along
		final ImagePlus shown = (ImagePlus) m.getOutput("adversarial");
		final ImagePlus shownPrediction = (ImagePlus) m.getOutput("prediction_adversarial");
		assertEquals(12, shown.getWidth());
		assertEquals(16, shown.getHeight());
		assertEquals(8, shown.getNSlices());
		for (final int[] v : new int[][] { { 0, 0, 0 }, { 5, 9, 3 }, { 11, 15, 7 } }) {
			final int i = v[0] + 12 * (v[1] + 16 * v[2]);
			assertEquals(adv.values()[i], shown.getStack().getProcessor(v[2] + 1).getf(v[0], v[1]), 0, "voxel " + i);
			assertEquals(pred.values()[i], shownPrediction.getStack().getProcessor(v[2] + 1).getf(v[0], v[1]), 0);
		}
	}

	/** A TIFF as input_file (and label_file) is opened as an image and attacked as an open image is. */
	@Test
	void aTiffFileIsAttackedAsAnOpenImage() throws Exception {
		final ImagePlus[] sq = CommandsTest.squares(3);
		final Path images = dir.resolve("sq.tif"), labels = dir.resolve("sq-labels.tif");
		assertTrue(new ij.io.FileSaver(sq[0]).saveAsTiffStack(images.toString()));
		assertTrue(new ij.io.FileSaver(sq[1]).saveAsTiffStack(labels.toString()));
		CommandModule m = attack("input_file", images.toFile(), "label_file", labels.toFile());
		assertFalse(m.isCanceled(), m.getCancelReason());
		final ImagePlus adv = (ImagePlus) m.getOutput("adversarial");
		assertEquals(sq[0].getWidth(), adv.getWidth());
		assertEquals(3, adv.getStackSize());
		final Path out = dir.resolve("tiff-out");
		m = attack("input_file", images.toFile(), "output_folder", out.toFile());
		assertEquals("The output folder is written for NIfTI volumes (input_file .nii/.nii.gz) only: save the images " +
			"the command shows with File > Save As.", m.getCancelReason());
		assertFalse(Files.exists(out));
	}

	@Test
	void anOpenImageAndAFileOrNeitherAreOneSentence() throws Exception {
		final Path image = dir.resolve("one.nii.gz");
		VolumeAttackTest.volume(image, null, 8, 8, 2, 1);
		final Path out = dir.resolve("none");
		CommandModule m = attack("input_image", new ImagePlus("open", new ij.process.FloatProcessor(8, 8)), "input_file",
			image.toFile(), "output_folder", out.toFile());
		assertTrue(m.isCanceled());
		assertEquals("Give the image to attack either as an open image (input_image) or as a file (input_file), not " +
			"both.", m.getCancelReason());
		m = attack("output_folder", out.toFile());
		assertTrue(m.isCanceled());
		assertEquals("No image: open the image to attack (input_image) or give an image file (input_file).", m
			.getCancelReason());
		// a NIfTI volume with an open label image: refused, not attacked without its labels
		m = attack("input_file", image.toFile(), "label_image", new ImagePlus("labels", new ij.process.ByteProcessor(8,
			8)), "output_folder", out.toFile());
		assertTrue(m.isCanceled());
		assertEquals("A NIfTI volume takes its labels as a NIfTI label_file, not an open image.", m.getCancelReason());
		final Path notAFolder = Files.write(dir.resolve("a-file"), new byte[1]);
		m = attack("input_file", image.toFile(), "output_folder", notAFolder.toFile());
		assertEquals("The output folder " + notAFolder + " is a file, not a folder.", m.getCancelReason());
		assertFalse(Files.exists(out));
	}
}
