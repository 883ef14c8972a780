package sc.fiji.amat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.TinyData;
import sc.fiji.amat.data.volume.Nifti;
import sc.fiji.amat.data.volume.NiftiImage;
import sc.fiji.amat.eval.VolumeAttackTest;
import sc.fiji.amat.model.AmatModel;

/** {@code scripts/amat attack} in-process on a NIfTI volume with its labels: the files and what it prints. */
class AttackCliTest {

	@TempDir
	Path dir;

	@Test
	void attacksAVolumeAndWritesItsFiles() throws Exception {
		final Path model = dir.resolve("seg.amat.zip");
		try (AmatModel m = TinyData.trainStandard(TinyData.squares(8, 3), 1)) {
			m.save(model);
		}
		final Path image = dir.resolve("case.nii"), labels = dir.resolve("case-labels.nii.gz"), out = dir.resolve("out");
		final float[] raw = VolumeAttackTest.volume(image, labels, 16, 8, 3, 1);
		final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		Attack.run(new Args(new String[] { "attack", "--model", model.toString(), "--image", image.toString(), "--labels",
			labels.toString(), "--out", out.toString(), "--attack", "fgsm", "--norm", "linf", "--eps", "0.05", "--unit",
			"absolute", "--slice-axis", "z", "--threads", "1" }, 1), new PrintStream(bytes, true, "UTF-8"));
		final String printed = new String(bytes.toByteArray(), StandardCharsets.UTF_8);
		assertTrue(printed.contains("3 z slices of 16x8"), printed);
		assertTrue(printed.contains("largest Linf 0.0500"), printed);
		assertTrue(printed.contains("seed 42, batches of 3 slices, whole slices"), printed);
		assertTrue(printed.contains("class 1: pooled 3D Dice"), printed);
		for (final String f : new String[] { "case_adversarial.nii.gz", "case_noise.nii.gz", "case_prediction.nii.gz",
			"case_adversarial-prediction.nii.gz", "case_attack.csv", "case_volume-dice.csv" })
		{
			assertTrue(Files.exists(out.resolve(f)), f);
			assertTrue(printed.contains(out.resolve(f).toString()), f);
		}
		final NiftiImage adv = Nifti.read(out.resolve("case_adversarial.nii.gz"));
		final NiftiImage noise = Nifti.read(out.resolve("case_noise.nii.gz"));
		// the files' units: the noise in the input's intensities (int16 on disk), not normalised ones
		for (int i = 0; i < raw.length; i++) {
			assertEquals(adv.values()[i] - Math.round(raw[i]), noise.values()[i], 1e-3, "voxel " + i);
		}
	}
}
