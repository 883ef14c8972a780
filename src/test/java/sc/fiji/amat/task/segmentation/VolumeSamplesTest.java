package sc.fiji.amat.task.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.data.Normalization;
import sc.fiji.amat.data.volume.EmptySlices;
import sc.fiji.amat.data.volume.VolumeSlicer;

class VolumeSamplesTest {

	static final Path COMMITTED = Paths.get("sample-data", "volumes");

	@TempDir
	Path dir;

	private static List<Path> files(final Path root) throws IOException {
		try (Stream<Path> s = Files.walk(root)) {
			return s.filter(Files::isRegularFile).map(root::relativize).sorted().collect(Collectors.toList());
		}
	}

	@Test
	void theCommittedSampleVolumesAreWhatTheGeneratorWrites() throws IOException {
		new VolumeSamples(1).write(dir);
		assertEquals(files(COMMITTED), files(dir));
		for (final Path f : files(dir)) {
			assertArrayEquals(Files.readAllBytes(COMMITTED.resolve(f)), Files.readAllBytes(dir.resolve(f)), f +
				" differs from the generator's output: run scripts/amat generate --task volumes");
		}
	}

	@Test
	void theSampleSetOpensAsSlicesWithBothStructuresAndEmptySlices() {
		final VolumeSlicer.Options o = new VolumeSlicer.Options();
		o.normalization = Normalization.percentile(1, 99.8);
		final SegmentationVolumes.Data keep = SegmentationVolumes.open(COMMITTED, null, o);
		assertEquals(Arrays.asList("background", "ring", "blob"), keep.classNames);
		int slices = 0;
		for (int i = 0; i < VolumeSamples.TRAINING; i++) slices += new VolumeSamples(1).depth(i);
		assertEquals(slices, keep.data.size());
		assertEquals(64, keep.data.width());
		assertEquals(Arrays.asList("vol_000", "vol_001", "vol_002", "vol_003"), keep.slices.volumes().stream().map(
			v -> v.name).collect(Collectors.toList()));
		assertEquals(2, SegmentationData.numClasses(keep.data.labels()) - 1);
		o.emptySlices = EmptySlices.drop();
		final SegmentationVolumes.Data drop = SegmentationVolumes.open(COMMITTED, null, o);
		assertTrue(drop.data.size() < keep.data.size() && drop.data.size() > keep.data.size() / 2, drop.data.size() +
			" of " + keep.data.size());
		final SegmentationVolumes.Data test = SegmentationVolumes.open(COMMITTED, null, true, o);
		assertEquals(Arrays.asList("vol_004", "vol_005"), test.slices.volumes().stream().map(v -> v.name).collect(
			Collectors.toList()));
		// the same test volumes as two folders: names and modalities from the dataset.json above them
		final SegmentationVolumes.Data folders = SegmentationVolumes.open(COMMITTED.resolve("imagesTs"), COMMITTED
			.resolve("labelsTs"), o);
		assertEquals(Arrays.asList("background", "ring", "blob"), folders.classNames);
		assertEquals(Arrays.asList("MRI"), folders.channelNames);
		assertArrayEquals(test.data.image(5), folders.data.image(5));
		assertEquals(test.data.labels(), folders.data.labels());
	}
}
