package sc.fiji.amat.data.volume;

import sc.fiji.amat.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.NdImages;

/**
 * Reads and writes NIfTI-1 and NIfTI-2 single files (.nii, and .nii.gz gzip-compressed), both
 * byte orders, scalar data types ({@link NiftiDataType}). Reading applies scl_slope and
 * scl_inter; writing copies a template header (an input's), so outputs overlay their input in
 * other viewers, and writes to a temporary file that is renamed when complete.
 */
public final class Nifti {

	private static final int CHUNK = 1 << 16;

	private Nifti() {}

	/** True for a file name ending in .nii or .nii.gz (any case). */
	public static boolean isNifti(final Path file) {
		final String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
		return n.endsWith(".nii") || n.endsWith(".nii.gz");
	}

	/** The file name without .nii or .nii.gz. */
	public static String baseName(final Path file) {
		final String n = file.getFileName().toString();
		final String l = n.toLowerCase(Locale.ROOT);
		if (l.endsWith(".nii.gz")) return n.substring(0, n.length() - 7);
		if (l.endsWith(".nii")) return n.substring(0, n.length() - 4);
		return n;
	}

	private static InputStream open(final Path file) throws IOException {
		if (!Files.isRegularFile(file)) throw new AmatException("The NIfTI file " + file + " does not exist.");
		final InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK);
		in.mark(2);
		final int b0 = in.read(), b1 = in.read();
		in.reset();
		return b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, CHUNK), CHUNK) : in;
	}

	private static NiftiHeader readHeader(final DataInputStream in, final Path file) throws IOException {
		final byte[] first = new byte[4];
		in.readFully(first);
		final int size = NiftiHeader.sizeAndOrder(first, file)[0];
		final byte[] raw = new byte[size];
		System.arraycopy(first, 0, raw, 0, 4);
		in.readFully(raw, 4, size - 4);
		return NiftiHeader.parse(raw, file);
	}

	/** The header of a NIfTI file (reads only its first bytes). */
	public static NiftiHeader readHeader(final Path file) {
		try (DataInputStream in = new DataInputStream(open(file))) {
			return readHeader(in, file);
		}
		catch (final EOFException e) {
			throw new AmatException(file + " ends before its NIfTI header does.", e);
		}
		catch (final IOException e) {
			throw new AmatException("Cannot read " + file + ": " + e.getMessage(), e);
		}
	}

	/** Reads a NIfTI file: header and values, scaled by scl_slope and scl_inter when set. */
	public static NiftiImage read(final Path file) {
		try (DataInputStream in = new DataInputStream(open(file))) {
			final NiftiHeader h = readHeader(in, file);
			final NiftiDataType type = NiftiDataType.of(h.dataTypeCode(), file);
			final long[] dims = h.dims();
			long n = 1;
			for (final long d : dims) n *= d;
			if (n * type.bytes() > Integer.MAX_VALUE - 8) {
				throw new AmatException(file + " holds " + n + " voxels, more than this reader takes (2 GB of data).");
			}
			final long skip = h.voxOffset() - h.size();
			if (skip < 0) throw new AmatException(file + " has a data offset (vox_offset " + h.voxOffset() +
				") inside its header.");
			if (skip > 0) in.readFully(new byte[(int) Math.min(skip, Integer.MAX_VALUE - 8)]);
			final byte[] data = new byte[(int) (n * type.bytes())];
			in.readFully(data);
			final ByteBuffer b = ByteBuffer.wrap(data).order(h.byteOrder());
			final float[] values = new float[(int) n];
			final boolean scaled = h.isScaled();
			final double slope = h.sclSlope(), inter = h.sclInter();
			for (int i = 0; i < values.length; i++) {
				final double v = type.read(b);
				values[i] = (float) (scaled ? v * slope + inter : v);
			}
			return new NiftiImage(baseName(file), h, dims, values);
		}
		catch (final EOFException e) {
			throw new AmatException(file + " ends before the data its NIfTI header describes.", e);
		}
		catch (final IOException e) {
			throw new AmatException("Cannot read " + file + ": " + e.getMessage(), e);
		}
	}

	/**
	 * Writes values (x fastest) of the given dimensions as the given data type, with a copy of
	 * the template header (its version, byte order, orientation, voxel size, units and
	 * description) and no scaling; gzip-compressed when the name ends in .gz. Integer types get
	 * rounded, clamped values. Writes a temporary file and renames it, so nothing half-written
	 * is left on error.
	 */
	public static void write(final Path file, final float[] values, final long[] dims, final NiftiHeader template,
		final NiftiDataType type)
	{
		long n = 1;
		for (final long d : dims) n *= d;
		if (n != values.length) throw new IllegalArgumentException(values.length + " values for " + dims.length +
			" dimensions of " + n + " voxels");
		final NiftiHeader h = template.copy();
		h.setDims(dims);
		h.setDataType(type);
		h.setScaling(1, 0);
		h.setCalibration(0, 0);
		h.setVoxOffset(h.size() + 4L);
		final boolean gz = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
		AtomicFiles.write(file, "the NIfTI file", os -> {
			final OutputStream raw = new BufferedOutputStream(os, CHUNK);
			final OutputStream out = gz ? new GZIPOutputStream(raw, CHUNK) : raw;
			out.write(h.bytes());
			out.write(new byte[4]); // no extensions
			final ByteBuffer b = ByteBuffer.allocate(CHUNK * type.bytes()).order(h.byteOrder());
			for (int i = 0; i < values.length; i++) {
				type.write(b, values[i]);
				if (!b.hasRemaining()) {
					out.write(b.array(), 0, b.position());
					b.clear();
				}
			}
			out.write(b.array(), 0, b.position());
			if (out instanceof GZIPOutputStream) ((GZIPOutputStream) out).finish();
			out.flush();
		});
	}

	/** Writes an imglib2 image (dimensions x, y, z, ...) with a copy of the template header. */
	public static void write(final Path file, final RandomAccessibleInterval<? extends RealType<?>> image,
		final NiftiHeader template, final NiftiDataType type)
	{
		final long[] dims = new long[image.numDimensions()];
		image.dimensions(dims);
		write(file, NdImages.toFloats(image), dims, template, type);
	}

	/** Writes a volume of the same grid as {@code like} (its header and affine), e.g. a prediction. */
	public static void writeLike(final Path file, final float[] values, final NiftiImage like, final long[] dims,
		final NiftiDataType type)
	{
		write(file, values, dims, like.header(), type);
	}
}
