package sc.fiji.amat.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;

/** Random patches: the image's pixels and label, seeded per (seed, epoch, image), the image's id. */
class PatchSamplerTest {

	/** A label that is the rectangle it was cut to, in the coordinates of the image it came from. */
	private static final PatchSampler.LabelCrop<int[]> CROP = (l, x, y, w, h) -> new int[] { l[0], x, y, w, h };

	/** Image k of a set: value = 1000 k + 100 c + y * width + x (distinct everywhere). */
	private static LabeledData<int[]> set(final int first, final int n, final int c, final int h, final int w) {
		final float[] v = new float[n * c * h * w];
		final List<int[]> labels = new ArrayList<>();
		for (int k = 0; k < n; k++) {
			for (int ch = 0; ch < c; ch++) {
				for (int i = 0; i < h * w; i++) v[((k * c) + ch) * h * w + i] = 1000 * (first + k) + 100 * ch + i;
			}
			labels.add(new int[] { first + k });
		}
		return new LabeledData<>(v, c, h, w, labels);
	}

	private static PatchSampler<int[]> sampler() {
		return new PatchSampler<>(Arrays.asList(set(0, 2, 2, 10, 12), set(2, 1, 2, 8, 9)), Arrays.asList("a.tif",
			"b.tif"), 6, CROP);
	}

	/** Groups (the volume a slice was cut from) survive a subset and patches, and only when every image has one. */
	@Test
	void subsetsAndPatchesKeepTheImagesGroups() {
		final LabeledData<int[]> a = set(0, 2, 2, 10, 12).withGroups(Arrays.asList("vol_a", "vol_b"));
		final LabeledData<int[]> b = set(2, 1, 2, 8, 9).withGroups(Collections.singletonList("vol_c"));
		final LabeledData<int[]> sub = a.subset(new int[] { 1 });
		assertTrue(sub.hasGroups());
		assertEquals("vol_b", sub.group(0));
		assertEquals(1, sub.id(0));
		final PatchSampler<int[]> s = new PatchSampler<>(Arrays.asList(a, b), null, 6, CROP);
		final LabeledData<int[]> p = s.sample(new int[] { 2, 0, 1 }, 7, 3);
		assertEquals(Arrays.asList("vol_c", "vol_a", "vol_b"), Arrays.asList(p.group(0), p.group(1), p.group(2)));
		assertEquals("vol_b", s.fixed(1).group(1));
		final LabeledData<int[]> none = sampler().sample(new int[] { 0 }, 7, 3);
		assertTrue(!none.hasGroups() && none.group(0) == null);
		assertTrue(!new PatchSampler<>(Arrays.asList(a, set(2, 1, 2, 8, 9)), null, 6, CROP).fixed(1).hasGroups(),
			"an image without a group: no groups");
		assertThrows(IllegalArgumentException.class, () -> a.withGroups(Collections.singletonList("one")));
	}

	@Test
	void aPatchIsItsImagesPixelsAndLabelAndKeepsItsImagesId() {
		final PatchSampler<int[]> s = sampler();
		assertEquals(3, s.size());
		final int[] images = { 2, 0, 1 };
		final LabeledData<int[]> p = s.sample(images, 7, 3);
		assertEquals(6, p.height());
		assertEquals(6, p.width());
		for (int k = 0; k < 3; k++) {
			final int id = images[k];
			assertEquals(id, p.id(k), "the patch's id is its image's");
			final int[] label = p.label(k);
			assertEquals(id, label[0], "the label is its own image's");
			final int x = label[1], y = label[2], w = id == 2 ? 9 : 12, h = id == 2 ? 8 : 10;
			assertTrue(x >= 0 && y >= 0 && x + 6 <= w && y + 6 <= h, Arrays.toString(label));
			final float[] im = p.image(k);
			for (int c = 0; c < 2; c++) {
				for (int yy = 0; yy < 6; yy++) {
					for (int xx = 0; xx < 6; xx++) {
						assertEquals(1000 * id + 100 * c + (y + yy) * w + x + xx, im[c * 36 + yy * 6 + xx], 0);
					}
				}
			}
		}
	}

	@Test
	void patchesAreSeededPerEpochAndImageWhateverTheOrder() {
		final PatchSampler<int[]> s = sampler();
		final LabeledData<int[]> a = s.sample(new int[] { 0, 1, 2 }, 5, 1), b = s.sample(new int[] { 2, 0 }, 5, 1);
		assertArrayEquals(a.label(0), b.label(1), "image 0's patch does not depend on the others");
		assertArrayEquals(a.label(2), b.label(0));
		assertArrayEquals(a.image(2), b.image(0), 0);
		final Set<String> offsets = new HashSet<>();
		for (int epoch = 1; epoch <= 8; epoch++) {
			final int[] l = s.sample(new int[] { 1 }, 5, epoch).label(0);
			offsets.add(l[1] + "," + l[2]);
		}
		assertTrue(offsets.size() > 3, "epochs draw new patches: " + offsets);
		assertArrayEquals(s.fixed(5).label(1), s.sample(new int[] { 1 }, 5, 0).label(0), "fixed = epoch 0");
		assertTrue(!Arrays.equals(s.fixed(5).label(0), s.fixed(6).label(0)) || !Arrays.equals(s.fixed(5).label(1), s
			.fixed(6).label(1)) || !Arrays.equals(s.fixed(5).label(2), s.fixed(6).label(2)), "the seed matters");
	}

	@Test
	void anImageSmallerThanThePatchIsRefusedByName() {
		final AmatException e = assertThrows(AmatException.class, () -> new PatchSampler<>(Arrays.asList(set(0, 1, 1, 10,
			12), set(1, 1, 1, 5, 20)), Arrays.asList("big.tif", "small.tif"), 6, CROP));
		assertEquals("The training image small.tif is 20x5 pixels, smaller than the 6x6 patches: use a smaller patch " +
			"size or leave that image out.", e.getMessage());
		assertThrows(AmatException.class, () -> new PatchSampler<>(Collections.emptyList(), null, 6, CROP));
	}
}
