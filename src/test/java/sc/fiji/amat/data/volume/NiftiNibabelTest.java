package sc.fiji.amat.data.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability: files nibabel wrote (src/test/resources/volumes/make-nibabel-fixtures.py)
 * read as nibabel reads them (dimensions, affine, voxel size, scaled values), and written back
 * with their own header, nibabel's affine again.
 */
class NiftiNibabelTest {

	@TempDir
	Path dir;

	static Path fixture(final String name) throws URISyntaxException {
		return Paths.get(NiftiNibabelTest.class.getResource("/volumes/" + name).toURI());
	}

	static JsonObject expected(final String name) throws IOException, URISyntaxException {
		return JsonParser.parseString(new String(Files.readAllBytes(fixture("nibabel-fixtures.json")),
			StandardCharsets.UTF_8)).getAsJsonObject().getAsJsonObject(name);
	}

	static double[] doubles(final JsonArray a) {
		final double[] d = new double[a.size()];
		for (int i = 0; i < d.length; i++) d[i] = a.get(i).getAsDouble();
		return d;
	}

	void check(final NiftiImage im, final JsonObject e, final double affineTolerance) {
		final double[] dims = doubles(e.getAsJsonArray("dims"));
		assertEquals(dims.length, im.dims().length);
		for (int i = 0; i < dims.length; i++) assertEquals((long) dims[i], im.dims()[i]);
		final JsonArray affine = e.getAsJsonArray("affine");
		for (int r = 0; r < 4; r++) {
			assertArrayEquals(doubles(affine.get(r).getAsJsonArray()), im.affine()[r], affineTolerance, "affine row " + r);
		}
		assertArrayEquals(doubles(e.getAsJsonArray("zooms")), im.voxelSize(), 1e-6);
		final double[] values = doubles(e.getAsJsonArray("values"));
		assertEquals(values.length, im.values().length);
		for (int i = 0; i < values.length; i++) assertEquals((float) values[i], im.values()[i], 0f, "voxel " + i);
	}

	@Test
	void readsNibabelsObliqueScaledNifti1() throws Exception {
		final String name = "nibabel-oblique-int16.nii.gz";
		final NiftiImage im = Nifti.read(fixture(name));
		assertEquals(1, im.header().version());
		assertEquals(NiftiDataType.INT16, im.header().dataType());
		assertEquals(2, im.header().sformCode(), "the sform, preferred over the qform");
		assertEquals(expected(name).get("descrip").getAsString(), im.header().description());
		check(im, expected(name), 0);

		final Path out = dir.resolve("copy.nii.gz");
		Nifti.write(out, im.values(), im.dims(), im.header(), NiftiDataType.FLOAT32);
		check(Nifti.read(out), expected(name), 0);
	}

	@Test
	void readsNibabelsBigEndianNifti2WithAQform() throws Exception {
		final String name = "nibabel-nifti2-bigendian.nii";
		final NiftiImage im = Nifti.read(fixture(name));
		assertEquals(2, im.header().version());
		assertEquals(ByteOrder.BIG_ENDIAN, im.header().byteOrder());
		assertEquals(0, im.header().sformCode());
		assertEquals(1, im.header().qformCode());
		check(im, expected(name), 1e-6);

		final Path out = dir.resolve("copy.nii");
		Nifti.write(out, im.values(), im.dims(), im.header(), NiftiDataType.FLOAT32);
		check(Nifti.read(out), expected(name), 1e-6);
	}
}
