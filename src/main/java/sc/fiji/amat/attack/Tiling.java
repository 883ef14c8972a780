package sc.fiji.amat.attack;

import java.util.ArrayList;
import java.util.List;

import sc.fiji.amat.AmatException;

/**
 * How an image of any size is cut into overlapping tiles and the tiles' outputs blended back.
 * <p>
 * Along each axis, tiles of side {@code tile} start every {@code tile - overlap} pixels, the last
 * one flush with the image's end; an axis shorter than the tile is one tile of the axis' length
 * (which must then suit the network). Tile starts, tile and overlap are multiples of the
 * network's size multiple, so every tile sees the pooling grid of the whole image. Each tile
 * weighs its output by a product of per-axis ramps: at an edge inside the image, the first
 * {@code halo} pixels weigh 0 (their receptive field is cut by the tile's border), then a
 * linear ramp over {@code overlap - 2 halo} pixels up to 1; at the image's own edges, 1. The
 * blended output is the weighted mean of the tiles' outputs, so where every weighed pixel's
 * receptive field lies inside its tile (halo at least the network's receptive radius) the tiled
 * output equals the untiled one.
 * </p>
 */
public final class Tiling {

	public final int tile, overlap, halo;

	/**
	 * @param tile the tile side (a multiple of {@code multiple})
	 * @param overlap pixels shared by neighbouring tiles (a multiple of {@code multiple}, less than the tile)
	 * @param halo pixels at a tile's inner edge that do not count (at most half the overlap)
	 * @param multiple the network's size multiple (2^depth for a U-Net)
	 */
	public Tiling(final int tile, final int overlap, final int halo, final int multiple) {
		if (tile < multiple || tile % multiple != 0) {
			throw new AmatException("The tile size must be a positive multiple of " + multiple + ", got " + tile + ".");
		}
		if (overlap < 0 || overlap >= tile || overlap % multiple != 0) {
			throw new AmatException("The tile overlap must be a multiple of " + multiple + " from 0 to less than the tile " +
				"size " + tile + ", got " + overlap + ".");
		}
		if (halo < 0 || 2 * halo > overlap) {
			throw new AmatException("The tile halo must be from 0 to half the overlap (" + overlap / 2 + "), got " + halo +
				".");
		}
		this.tile = tile;
		this.overlap = overlap;
		this.halo = halo;
	}

	/**
	 * The tiles AMAT sees large images through (the robustness report, the volume attack): null
	 * for tile 0 (whole images), else tiles of that side overlapping by a quarter of it (rounded
	 * down to the multiple), a quarter of the overlap a halo that does not count. A tile that is
	 * not a multiple is one sentence: "{@code tileName} 30 is not a multiple of 16,
	 * {@code multipleName}: choose a multiple of it."
	 */
	public static Tiling standard(final int tile, final int multiple, final String tileName,
		final String multipleName)
	{
		if (tile == 0) return null;
		if (tile % multiple != 0) throw new AmatException(tileName + " " + tile + " is not a multiple of " + multiple +
			", " + multipleName + ": choose a multiple of it.");
		final int overlap = tile / 4 - tile / 4 % multiple;
		return new Tiling(tile, overlap, overlap / 4, multiple);
	}

	/**
	 * The automatic tile side when whole images do not fit the memory: halving from the highest
	 * power of two in the image's larger side while the batch of tiles does not fit ({@code fits}
	 * false), down to max(16, multiple); that floor when nothing fits (the caller's memory check
	 * then refuses it with one sentence). The report and the volume attack choose by this one rule.
	 */
	public static int largestFitting(final int h, final int w, final int multiple,
		final java.util.function.IntPredicate fits)
	{
		final int floor = Math.max(16, multiple);
		int t = Integer.highestOneBit(Math.max(h, w));
		while (t > floor && !fits.test(t)) t /= 2;
		return t;
	}

	/** The tiles' side along an axis of that size: the tile, or the whole axis when shorter. */
	public int length(final int size) {
		return Math.min(tile, size);
	}

	/** The tiles' starts along an axis of that size. */
	public int[] starts(final int size) {
		final int t = length(size), stride = tile - overlap;
		final List<Integer> s = new ArrayList<>();
		for (int start = 0; start + t < size; start += stride) s.add(start);
		s.add(size - t);
		return s.stream().mapToInt(Integer::intValue).toArray();
	}

	/** The weights along one axis of the tile starting at {@code start} on an axis of that size. */
	public float[] weights(final int start, final int size) {
		final int t = length(size);
		final float[] w = new float[t];
		final int ramp = overlap - 2 * halo;
		for (int i = 0; i < t; i++) {
			float v = 1;
			if (start > 0) v = Math.min(v, ramp(i - halo, ramp));
			if (start + t < size) v = Math.min(v, ramp(t - 1 - i - halo, ramp));
			w[i] = v;
		}
		return w;
	}

	/** 0 before the ramp (i < 0), (i + 1) / (ramp + 1) on it, 1 after. */
	private static float ramp(final int i, final int ramp) {
		if (i < 0) return 0;
		return i >= ramp ? 1 : (i + 1f) / (ramp + 1f);
	}

	/** The 2D weights (height x width, row-major) of the tile at (y0, x0) in an image of that size. */
	public float[] weights(final int y0, final int x0, final int height, final int width) {
		final float[] wy = weights(y0, height), wx = weights(x0, width);
		final float[] w = new float[wy.length * wx.length];
		for (int y = 0; y < wy.length; y++) {
			for (int x = 0; x < wx.length; x++) w[y * wx.length + x] = wy[y] * wx[x];
		}
		return w;
	}

	/** Checks that an image of that size can be tiled: each side at least a tile, or a multiple itself. */
	public void check(final int height, final int width, final int multiple) {
		if (height < tile && height % multiple != 0 || width < tile && width % multiple != 0) {
			throw new AmatException("The image is " + width + "x" + height + " pixels: sides smaller than the " + tile +
				"-pixel tiles must be multiples of " + multiple + " (crop or pad it, or use smaller tiles).");
		}
	}
}
