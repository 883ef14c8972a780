package sc.fiji.amat.data.volume;

import java.util.Arrays;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/**
 * A NIfTI volume in memory: its header and its values as floats with the header's scaling
 * (scl_slope, scl_inter) applied, x fastest (imglib2's flat order: dimensions x, y, z, t, ...).
 */
public final class NiftiImage {

	private final String name;
	private final NiftiHeader header;
	private final long[] dims;
	private final float[] values;

	public NiftiImage(final String name, final NiftiHeader header, final long[] dims, final float[] values) {
		long n = 1;
		for (final long d : dims) n *= d;
		if (n != values.length) throw new IllegalArgumentException(values.length + " values for dimensions " + Arrays
			.toString(dims));
		this.name = name;
		this.header = header;
		this.dims = dims.clone();
		this.values = values;
	}

	/** The file name without .nii or .nii.gz. */
	public String name() {
		return name;
	}

	public NiftiHeader header() {
		return header;
	}

	/** The sizes of the dimensions (trailing dimensions of size 1 are kept as the header gives them). */
	public long[] dims() {
		return dims.clone();
	}

	/** The size of dimension d, 1 beyond the last. */
	public long dim(final int d) {
		return d < dims.length ? dims[d] : 1;
	}

	/** The number of volumes along dimensions 4 and above (channels, modalities or time points). */
	public long channels() {
		long c = 1;
		for (int d = 3; d < dims.length; d++) c *= dims[d];
		return c;
	}

	/** The scaled values, x fastest (not a copy). */
	public float[] values() {
		return values;
	}

	/** The values as an imglib2 image of the same dimensions (sharing the array). */
	public ArrayImg<FloatType, FloatArray> img() {
		return ArrayImgs.floats(values, dims);
	}

	public double[] voxelSize() {
		return header.voxelSize();
	}

	public double[][] affine() {
		return header.affine();
	}

	@Override
	public String toString() {
		return name + " " + Arrays.toString(dims);
	}
}
