package sc.fiji.amat.data.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.imglib2.img.array.ArrayImgs;

import sc.fiji.amat.AmatException;

class NiftiTest {

	@TempDir
	Path dir;

	static final double[][] OBLIQUE = { //
		{ 0.9 * Math.cos(0.4), -1.1 * Math.sin(0.4), 0.05, -12.5 }, //
		{ 0.9 * Math.sin(0.4), 1.1 * Math.cos(0.4), 0, 30.25 }, //
		{ 0.02, 0, 2.0, -7 } };

	static float[] values(final NiftiDataType t, final int n) {
		final float[] v = new float[n];
		for (int i = 0; i < n; i++) {
			switch (t) {
				case UINT8:
					v[i] = (i * 37) % 256;
					break;
				case INT8:
					v[i] = (i * 37) % 256 - 128;
					break;
				case INT16:
					v[i] = i * 997 % 65536 - 32768;
					break;
				case UINT16:
					v[i] = i * 997 % 65536;
					break;
				case INT32:
					v[i] = i * 1_000_003 - 5_000_000;
					break;
				default:
					v[i] = (float) (Math.sin(i) * 1e3);
			}
		}
		return v;
	}

	@Test
	void roundTripsEveryTypeAsNiiAndNiiGz() throws IOException {
		final long[] dims = { 5, 4, 3 };
		for (final NiftiDataType t : new NiftiDataType[] { NiftiDataType.UINT8, NiftiDataType.INT8, NiftiDataType.INT16,
			NiftiDataType.UINT16, NiftiDataType.INT32, NiftiDataType.FLOAT32, NiftiDataType.FLOAT64 })
		{
			for (final String ext : new String[] { ".nii", ".nii.gz" }) {
				final Path f = dir.resolve("v-" + t + ext);
				final float[] v = values(t, 60);
				Nifti.write(f, v, dims, NiftiHeader.create(1, dims, t, new double[] { 0.9, 1.1, 2 }, OBLIQUE), t);
				final byte[] bytes = Files.readAllBytes(f);
				if (ext.endsWith(".gz")) assertEquals(0x1f, bytes[0] & 0xff, "gzip magic");
				else assertEquals(352 + 60 * t.bytes(), bytes.length, "header + extension flag + data, " + t);
				final NiftiImage im = Nifti.read(f);
				assertEquals(t, im.header().dataType());
				assertArrayEquals(dims, im.dims());
				assertArrayEquals(v, im.values(), t + ext);
				assertArrayEquals(new double[] { 0.9, 1.1, 2 }, im.voxelSize(), 1e-6);
				assertEquals("v-" + t, im.name());
			}
		}
	}

	@Test
	void integerTypesRoundAndClamp() throws IOException {
		final Path f = dir.resolve("c.nii");
		final long[] dims = { 4, 1, 1 };
		Nifti.write(f, new float[] { -3, 2.6f, 300, Float.NaN }, dims, NiftiHeader.create(1, dims, NiftiDataType.UINT8,
			new double[] { 1, 1, 1 }, OBLIQUE), NiftiDataType.UINT8);
		assertArrayEquals(new float[] { 0, 3, 255, 0 }, Nifti.read(f).values());
	}

	@Test
	void appliesSlopeAndIntercept() throws IOException {
		final ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
		for (final short s : new short[] { -2, 0, 1, 7, 100, 32000 }) data.putShort(s);
		final Path f = new NiftiBytes(ByteOrder.LITTLE_ENDIAN, new short[] { 3, 2, 1 }, 4, 16).scaling(2.5f, -10f)
			.write(dir.resolve("s.nii"), data);
		final NiftiImage im = Nifti.read(f);
		assertArrayEquals(new float[] { -15, -10, -7.5f, 7.5f, 240, 79990 }, im.values());
		assertTrue(im.header().isScaled());
		// a slope of 0 means "not scaled"
		final Path g = new NiftiBytes(ByteOrder.LITTLE_ENDIAN, new short[] { 3, 2, 1 }, 4, 16).scaling(0f, 5f).write(dir
			.resolve("u.nii"), data.clear().position(12));
		assertArrayEquals(new float[] { -2, 0, 1, 7, 100, 32000 }, Nifti.read(g).values());
	}

	@Test
	void readsBigEndianAndWritesInTheTemplatesOrder() throws IOException {
		final ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
		for (final short s : new short[] { 1, -2, 300, 4, 5, 600, -7, 8 }) data.putShort(s);
		final Path f = new NiftiBytes(ByteOrder.BIG_ENDIAN, new short[] { 2, 2, 2 }, 4, 16).pixdim(1, 0.5f, 0.75f, 3f)
			.write(dir.resolve("be.nii"), data);
		final NiftiImage im = Nifti.read(f);
		assertEquals(ByteOrder.BIG_ENDIAN, im.header().byteOrder());
		assertArrayEquals(new float[] { 1, -2, 300, 4, 5, 600, -7, 8 }, im.values());
		assertArrayEquals(new double[] { 0.5, 0.75, 3 }, im.voxelSize(), 0);
		final Path out = dir.resolve("be-out.nii.gz");
		Nifti.write(out, im.values(), im.dims(), im.header(), NiftiDataType.FLOAT32);
		final NiftiImage back = Nifti.read(out);
		assertEquals(ByteOrder.BIG_ENDIAN, back.header().byteOrder());
		assertArrayEquals(im.values(), back.values());
		assertEquals(NiftiDataType.FLOAT32, back.header().dataType());
	}

	@Test
	void qformAffineFollowsTheStandard() throws IOException {
		// 90 degrees about z: b = c = 0, d = sin(45 deg); qfac -1 flips the third column
		final float d = (float) Math.sqrt(0.5);
		final Path f = new NiftiBytes(ByteOrder.LITTLE_ENDIAN, new short[] { 1, 1, 1 }, 2, 8).pixdim(-1, 2, 3, 4).qform(0,
			0, d, 10, 20, 30).write(dir.resolve("q.nii"), ByteBuffer.allocate(1).put((byte) 9));
		final double[][] a = Nifti.read(f).affine();
		final double[][] expected = { { 0, -3, 0, 10 }, { 2, 0, 0, 20 }, { 0, 0, -4, 30 }, { 0, 0, 0, 1 } };
		for (int r = 0; r < 4; r++) assertArrayEquals(expected[r], a[r], 1e-6, "row " + r);
	}

	@Test
	void writingAPredictionKeepsTheInputsObliqueAffine() throws IOException {
		final long[] dims = { 6, 5, 4, 2 }; // a 4D image of two modalities
		final Path in = dir.resolve("image.nii.gz");
		Nifti.write(in, values(NiftiDataType.FLOAT32, 240), dims, NiftiHeader.create(1, dims, NiftiDataType.FLOAT32,
			new double[] { 0.9, 1.1, 2 }, OBLIQUE), NiftiDataType.FLOAT32);
		final NiftiImage image = Nifti.read(in);
		final Path out = dir.resolve("prediction.nii.gz");
		Nifti.write(out, ArrayImgs.unsignedBytes(new byte[120], 6, 5, 4), image.header(), NiftiDataType.UINT8);
		final NiftiImage p = Nifti.read(out);
		assertArrayEquals(new long[] { 6, 5, 4 }, p.dims());
		assertEquals(NiftiDataType.UINT8, p.header().dataType());
		for (int r = 0; r < 3; r++) {
			assertArrayEquals(OBLIQUE[r], p.affine()[r], 1e-6, "row " + r);
			assertArrayEquals(image.affine()[r], p.affine()[r], 0, "exactly the input's affine, row " + r);
		}
		assertEquals(image.header().sformCode(), p.header().sformCode());
		try (Stream<Path> s = Files.list(dir)) {
			assertEquals(2, s.count(), "no temporary file left");
		}
	}

	@Test
	void nifti2RoundTrips() throws IOException {
		final long[] dims = { 3, 4, 5 };
		final Path f = dir.resolve("two.nii");
		final float[] v = values(NiftiDataType.FLOAT64, 60);
		Nifti.write(f, v, dims, NiftiHeader.create(2, dims, NiftiDataType.FLOAT64, new double[] { 0.9, 1.1, 2 }, OBLIQUE),
			NiftiDataType.FLOAT64);
		final byte[] bytes = Files.readAllBytes(f);
		assertEquals(540, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
		assertEquals(544 + 60 * 8, bytes.length);
		final NiftiImage im = Nifti.read(f);
		assertEquals(2, im.header().version());
		assertEquals(544, im.header().voxOffset());
		assertArrayEquals(v, im.values());
		for (int r = 0; r < 3; r++) assertArrayEquals(OBLIQUE[r], im.affine()[r], 0, "doubles kept exactly, row " + r);
	}

	@Test
	void badFilesAreOneSentence() throws IOException {
		final Path junk = Files.write(dir.resolve("junk.nii"), new byte[400]);
		final AmatException a = assertThrows(AmatException.class, () -> Nifti.read(junk));
		assertTrue(a.getMessage().contains("junk.nii") && a.getMessage().contains("not a NIfTI"), a.getMessage());
		NiftiBytes.assertOneSentence(a.getMessage());

		final ByteBuffer data = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 1);
		final Path truncated = new NiftiBytes(ByteOrder.LITTLE_ENDIAN, new short[] { 2, 2, 2 }, 4, 16).write(dir.resolve(
			"short.nii"), data);
		final AmatException b = assertThrows(AmatException.class, () -> Nifti.read(truncated));
		assertTrue(b.getMessage().contains("ends before"), b.getMessage());
		NiftiBytes.assertOneSentence(b.getMessage());

		final Path rgb = new NiftiBytes(ByteOrder.LITTLE_ENDIAN, new short[] { 1, 1, 1 }, 128, 24).write(dir.resolve(
			"rgb.nii"), ByteBuffer.allocate(3).put(new byte[3]));
		final AmatException c = assertThrows(AmatException.class, () -> Nifti.read(rgb));
		assertTrue(c.getMessage().contains("128"), c.getMessage());
		NiftiBytes.assertOneSentence(c.getMessage());

		final NiftiBytes eight = new NiftiBytes(ByteOrder.LITTLE_ENDIAN, new short[] { 1, 1, 1 }, 2, 8);
		eight.header.putShort(40, (short) 8);
		final Path bad = eight.write(dir.resolve("eight.nii"), ByteBuffer.allocate(1).put((byte) 1));
		final AmatException e = assertThrows(AmatException.class, () -> Nifti.read(bad));
		assertTrue(e.getMessage().contains("eight.nii") && e.getMessage().contains("8 dimensions"), e.getMessage());
		NiftiBytes.assertOneSentence(e.getMessage());

		final AmatException d = assertThrows(AmatException.class, () -> Nifti.read(dir.resolve("missing.nii.gz")));
		NiftiBytes.assertOneSentence(d.getMessage());
	}

	@Test
	void aFailedWriteLeavesNothing() throws IOException {
		final Path blocker = Files.write(dir.resolve("file"), new byte[1]);
		final long[] dims = { 2, 2, 1 };
		assertThrows(AmatException.class, () -> Nifti.write(blocker.resolve("out.nii"), new float[4], dims, NiftiHeader
			.create(1, dims, NiftiDataType.UINT8, new double[] { 1, 1, 1 }, OBLIQUE), NiftiDataType.UINT8));
		// a dimension NIfTI-1 cannot hold fails before anything is written
		final Path big = dir.resolve("big.nii");
		final long[] wide = { 40000, 1, 1 };
		final AmatException e = assertThrows(AmatException.class, () -> Nifti.write(big, new float[40000], wide,
			NiftiHeader.create(1, dims, NiftiDataType.UINT8, new double[] { 1, 1, 1 }, OBLIQUE), NiftiDataType.UINT8));
		NiftiBytes.assertOneSentence(e.getMessage());
		try (Stream<Path> s = Files.list(dir)) {
			assertEquals(1, s.count(), "only the blocking file");
		}
	}
}
