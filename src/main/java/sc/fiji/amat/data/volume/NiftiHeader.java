package sc.fiji.amat.data.volume;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import sc.fiji.amat.AmatException;

/**
 * A NIfTI-1 (348 bytes) or NIfTI-2 (540 bytes) header, kept as its raw bytes in the file's byte
 * order, so that a volume written with an input's header keeps every field of it (orientation,
 * units, intent, description) except those the new data changes (dimensions, data type,
 * scaling, offset). Extensions are not kept.
 */
public final class NiftiHeader {

	public static final int SIZE1 = 348, SIZE2 = 540;
	private static final byte[] MAGIC2 = { 'n', '+', '2', 0, '\r', '\n', 0x1a, '\n' };

	private final byte[] raw;
	private final ByteOrder order;
	private final int version;

	private NiftiHeader(final byte[] raw, final ByteOrder order, final int version) {
		this.raw = raw;
		this.order = order;
		this.version = version;
	}

	/**
	 * The header size a file declares in its first four bytes, in either byte order: returns
	 * {size, 0 for little or 1 for big endian}; an error naming the file when it is neither 348
	 * nor 540.
	 */
	static int[] sizeAndOrder(final byte[] first4, final Object file) {
		final int le = ByteBuffer.wrap(first4).order(ByteOrder.LITTLE_ENDIAN).getInt();
		final int be = ByteBuffer.wrap(first4).order(ByteOrder.BIG_ENDIAN).getInt();
		if (le == SIZE1 || le == SIZE2) return new int[] { le, 0 };
		if (be == SIZE1 || be == SIZE2) return new int[] { be, 1 };
		throw new AmatException(file + " is not a NIfTI file: its header size is neither 348 (NIfTI-1) nor 540 (NIfTI-2).");
	}

	/** Parses a complete header (its first four bytes included); checks the magic. */
	static NiftiHeader parse(final byte[] raw, final Object file) {
		final int[] so = sizeAndOrder(Arrays.copyOf(raw, 4), file);
		final NiftiHeader h = new NiftiHeader(raw.clone(), so[1] == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN,
			so[0] == SIZE1 ? 1 : 2);
		final String magic = h.magic();
		if (magic.equals("ni1") || magic.equals("ni2")) {
			throw new AmatException(file + " is the header of a NIfTI .hdr/.img pair, which is not supported: convert it" +
				" to a single .nii or .nii.gz file.");
		}
		if (h.version == 1 ? !magic.equals("n+1") : !Arrays.equals(Arrays.copyOfRange(raw, 4, 12), MAGIC2)) {
			throw new AmatException(file + " is not a NIfTI file: its magic string is '" + magic + "'.");
		}
		final long n = h.version == 1 ? h.buf().getShort(40) : h.buf().getLong(16);
		if (n < 1 || n > 7) throw new AmatException(file + " has " + n + " dimensions in its header (dim[0] must be 1 to 7).");
		final long[] d = h.dims();
		for (final long x : d) {
			if (x < 1) throw new AmatException(file + " has a dimension of size " + x + " (dimensions " + Arrays.toString(d) +
				").");
		}
		return h;
	}

	/**
	 * A new little-endian header: the given version, dimensions, data type and voxel size, its
	 * sform (code 1, scanner) the given 3 x 4 or 4 x 4 affine, no qform.
	 */
	public static NiftiHeader create(final int version, final long[] dims, final NiftiDataType type,
		final double[] voxelSize, final double[][] affine)
	{
		if (version != 1 && version != 2) throw new IllegalArgumentException("NIfTI version " + version);
		final NiftiHeader h = new NiftiHeader(new byte[version == 1 ? SIZE1 : SIZE2], ByteOrder.LITTLE_ENDIAN, version);
		final ByteBuffer b = h.buf();
		b.putInt(0, h.raw.length);
		if (version == 1) {
			h.raw[344] = 'n';
			h.raw[345] = '+';
			h.raw[346] = '1';
			h.raw[38] = 'r';
		}
		else System.arraycopy(MAGIC2, 0, h.raw, 4, MAGIC2.length);
		h.setDims(dims);
		h.setDataType(type);
		final double[] pix = { 1, 1, 1, 1, 1, 1, 1, 1 };
		for (int i = 0; i < Math.min(3, voxelSize.length); i++) pix[i + 1] = voxelSize[i];
		for (int i = 0; i < 8; i++) h.putReal(76 + 4 * i, 104 + 8 * i, pix[i]);
		h.setScaling(1, 0);
		h.setVoxOffset(h.raw.length + 4L);
		h.putCode(254, 348, 1); // sform_code scanner
		for (int r = 0; r < 3; r++) {
			for (int c = 0; c < 4; c++) h.putReal(280 + 16 * r + 4 * c, 400 + 32 * r + 8 * c, affine[r][c]);
		}
		h.setInt(500, 123, 2 | 8); // xyzt_units: mm, s
		return h;
	}

	private ByteBuffer buf() {
		return ByteBuffer.wrap(raw).order(order);
	}

	private double real(final int off1, final int off2) {
		return version == 1 ? buf().getFloat(off1) : buf().getDouble(off2);
	}

	private void putReal(final int off1, final int off2, final double v) {
		if (version == 1) buf().putFloat(off1, (float) v);
		else buf().putDouble(off2, v);
	}

	/** A code stored as a short in NIfTI-1 and an int in NIfTI-2. */
	private int code(final int off1, final int off2) {
		return version == 1 ? buf().getShort(off1) : buf().getInt(off2);
	}

	private void putCode(final int off1, final int off2, final int v) {
		if (version == 1) buf().putShort(off1, (short) v);
		else buf().putInt(off2, v);
	}

	/** A value stored as an int in NIfTI-2 and a byte in NIfTI-1 (xyzt_units). */
	private void setInt(final int off2, final int off1, final int v) {
		if (version == 1) raw[off1] = (byte) v;
		else buf().putInt(off2, v);
	}

	public int version() {
		return version;
	}

	public ByteOrder byteOrder() {
		return order;
	}

	/** The header size, 348 or 540. */
	public int size() {
		return raw.length;
	}

	String magic() {
		final int off = version == 1 ? 344 : 4;
		int end = off;
		while (end < off + 3 && raw[end] != 0) end++;
		return new String(raw, off, end - off, StandardCharsets.US_ASCII);
	}

	/** The sizes of dimensions 1 to dim[0] (x, y, z, t, ...). */
	public long[] dims() {
		final int n = version == 1 ? buf().getShort(40) : (int) buf().getLong(16);
		if (n < 1 || n > 7) throw new AmatException("The NIfTI header has " + n + " dimensions (dim[0] must be 1 to 7).");
		final long[] d = new long[n];
		for (int i = 0; i < n; i++) d[i] = version == 1 ? buf().getShort(42 + 2 * i) : buf().getLong(24 + 8 * i);
		return d;
	}

	/** Sets dim[0] and the sizes; the other dimensions become 1. */
	public void setDims(final long[] d) {
		if (d.length < 1 || d.length > 7) throw new IllegalArgumentException("1 to 7 dimensions, got " + d.length);
		for (int i = 0; i <= 7; i++) {
			final long v = i == 0 ? d.length : i <= d.length ? d[i - 1] : 1;
			if (version == 1) {
				if (v > Short.MAX_VALUE) throw new AmatException("A dimension of " + v +
					" voxels does not fit a NIfTI-1 header (at most 32767): write NIfTI-2.");
				buf().putShort(40 + 2 * i, (short) v);
			}
			else buf().putLong(16 + 8 * i, v);
		}
	}

	public int dataTypeCode() {
		return buf().getShort(version == 1 ? 70 : 12);
	}

	public NiftiDataType dataType() {
		return NiftiDataType.of(dataTypeCode(), "The NIfTI header");
	}

	public void setDataType(final NiftiDataType t) {
		buf().putShort(version == 1 ? 70 : 12, (short) t.code);
		buf().putShort(version == 1 ? 72 : 14, (short) t.bitpix);
	}

	/** pixdim[0..7]: pixdim[0] is qfac, pixdim[1..3] the voxel size. */
	public double[] pixdim() {
		final double[] p = new double[8];
		for (int i = 0; i < 8; i++) p[i] = real(76 + 4 * i, 104 + 8 * i);
		return p;
	}

	/** The voxel size along x, y and z (absolute values of pixdim[1..3]). */
	public double[] voxelSize() {
		final double[] p = pixdim();
		return new double[] { Math.abs(p[1]), Math.abs(p[2]), Math.abs(p[3]) };
	}

	public long voxOffset() {
		return version == 1 ? (long) buf().getFloat(108) : buf().getLong(168);
	}

	void setVoxOffset(final long offset) {
		if (version == 1) buf().putFloat(108, offset);
		else buf().putLong(168, offset);
	}

	public double sclSlope() {
		return real(112, 176);
	}

	public double sclInter() {
		return real(116, 184);
	}

	/** True when values are scaled: a slope that is finite and not 0, and not the identity. */
	public boolean isScaled() {
		final double s = sclSlope();
		return s != 0 && Double.isFinite(s) && (s != 1 || sclInter() != 0);
	}

	public void setScaling(final double slope, final double inter) {
		putReal(112, 176, slope);
		putReal(116, 184, inter);
	}

	/** Sets cal_min and cal_max (the display range; 0 and 0 for none). */
	public void setCalibration(final double min, final double max) {
		putReal(128, 200, min);
		putReal(124, 192, max);
	}

	public int qformCode() {
		return code(252, 344);
	}

	public int sformCode() {
		return code(254, 348);
	}

	/** quatern_b, quatern_c, quatern_d, qoffset_x, qoffset_y, qoffset_z. */
	public double[] quaternion() {
		final double[] q = new double[6];
		for (int i = 0; i < 6; i++) q[i] = real(256 + 4 * i, 352 + 8 * i);
		return q;
	}

	/** The sform rows srow_x, srow_y, srow_z (3 x 4). */
	public double[][] sform() {
		final double[][] s = new double[3][4];
		for (int r = 0; r < 3; r++) {
			for (int c = 0; c < 4; c++) s[r][c] = real(280 + 16 * r + 4 * c, 400 + 32 * r + 8 * c);
		}
		return s;
	}

	/** The description (descrip, up to 80 characters). */
	public String description() {
		final int off = version == 1 ? 148 : 240;
		int end = off;
		while (end < off + 80 && raw[end] != 0) end++;
		return new String(raw, off, end - off, StandardCharsets.ISO_8859_1);
	}

	/**
	 * The voxel-to-world affine (4 x 4, world in mm, RAS as NIfTI defines it): the sform when
	 * sform_code > 0, else the qform (quaternion, qfac and pixdim) when qform_code > 0, else
	 * the voxel size on the diagonal (NIfTI's method 1).
	 */
	public double[][] affine() {
		final double[][] a = new double[4][4];
		a[3][3] = 1;
		if (sformCode() > 0) {
			final double[][] s = sform();
			for (int r = 0; r < 3; r++) a[r] = s[r].clone();
			return a;
		}
		final double[] p = pixdim();
		if (qformCode() <= 0) {
			for (int i = 0; i < 3; i++) a[i][i] = p[i + 1];
			return a;
		}
		final double[] q = quaternion();
		final double b = q[0], c = q[1], d = q[2];
		final double aa = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
		final double[][] r = { //
			{ aa * aa + b * b - c * c - d * d, 2 * (b * c - aa * d), 2 * (b * d + aa * c) }, //
			{ 2 * (b * c + aa * d), aa * aa + c * c - b * b - d * d, 2 * (c * d - aa * b) }, //
			{ 2 * (b * d - aa * c), 2 * (c * d + aa * b), aa * aa + d * d - c * c - b * b } };
		final double qfac = p[0] < 0 ? -1 : 1;
		final double[] scale = { p[1], p[2], qfac * p[3] };
		for (int i = 0; i < 3; i++) {
			for (int j = 0; j < 3; j++) a[i][j] = r[i][j] * scale[j];
			a[i][3] = q[3 + i];
		}
		return a;
	}

	public NiftiHeader copy() {
		return new NiftiHeader(raw.clone(), order, version);
	}

	/** The raw header bytes (a copy). */
	public byte[] bytes() {
		return raw.clone();
	}

	@Override
	public String toString() {
		return "NIfTI-" + version + " " + Arrays.toString(dims()) + " " + dataType().name().toLowerCase() + " voxel " +
			Arrays.toString(voxelSize());
	}
}
