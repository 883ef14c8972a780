package sc.fiji.amat.data.volume;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * 2D slices cut from volumes: normalised images (N x C x H x W, padded at the right and bottom
 * to a common size when asked), their label planes (class indices, row by row, same size), and
 * for each slice its stable id and where it came from (volume, axis, index). Ids count every
 * slice of every volume along the axis in reading order, dropped ones included, so a slice's
 * id does not change with the empty-slice option.
 */
public final class VolumeSlices {

	/** Where a slice comes from. */
	public static final class SliceRef {

		public final String volume;
		public final SliceAxis axis;
		public final int index;
		public final int id;

		SliceRef(final String volume, final SliceAxis axis, final int index, final int id) {
			this.volume = volume;
			this.axis = axis;
			this.index = index;
			this.id = id;
		}

		/** "volume:axis:index", e.g. "heart_003:z:41". */
		@Override
		public String toString() {
			return volume + ":" + axis.label() + ":" + index;
		}
	}

	/** A volume the slices were cut from: its name, x/y/z size, and its image's header (for writing results). */
	public static final class Volume {

		public final String name;
		public final int[] xyz;
		public final NiftiHeader header;
		public final int slices;

		Volume(final String name, final int[] xyz, final NiftiHeader header, final int slices) {
			this.name = name;
			this.xyz = xyz;
			this.header = header;
			this.slices = slices;
		}
	}

	public final float[] images;
	public final List<byte[]> labels;
	public final int channels, width, height;
	public final SliceAxis axis;
	private final List<SliceRef> refs;
	private final Map<Integer, SliceRef> byId = new HashMap<>();
	private final Map<String, Volume> volumes = new LinkedHashMap<>();

	VolumeSlices(final float[] images, final List<byte[]> labels, final int channels, final int width, final int height,
		final SliceAxis axis, final List<SliceRef> refs, final List<Volume> volumes)
	{
		this.images = images;
		this.labels = Collections.unmodifiableList(labels);
		this.channels = channels;
		this.width = width;
		this.height = height;
		this.axis = axis;
		this.refs = Collections.unmodifiableList(refs);
		for (final SliceRef r : refs) byId.put(r.id, r);
		for (final Volume v : volumes) this.volumes.put(v.name, v);
	}

	public int size() {
		return refs.size();
	}

	/** The slice at position i. */
	public SliceRef ref(final int i) {
		return refs.get(i);
	}

	/** The slice of a stable id, or null. */
	public SliceRef byId(final int id) {
		return byId.get(id);
	}

	public int[] ids() {
		final int[] out = new int[refs.size()];
		for (int i = 0; i < out.length; i++) out[i] = refs.get(i).id;
		return out;
	}

	/** The volume name of each slice, in order (the grouping per-volume metrics take). */
	public List<String> volumeOfEachSlice() {
		final List<String> out = new ArrayList<>(refs.size());
		for (final SliceRef r : refs) out.add(r.volume);
		return out;
	}

	/** The volumes, in reading order (a volume all of whose slices were dropped is still listed). */
	public List<Volume> volumes() {
		return new ArrayList<>(volumes.values());
	}

	public Volume volume(final String name) {
		return volumes.get(name);
	}

	/**
	 * A volume's values rebuilt from per-slice planes (row by row, {@link #width} wide, e.g. a
	 * prediction for each slice): {@code planes} gives the plane of position i, for the
	 * positions of that volume's slices; slices that were dropped stay {@code fill}.
	 */
	public float[] assemble(final String volume, final java.util.function.IntFunction<float[]> planes, final float fill) {
		final Volume v = volumes.get(volume);
		if (v == null) throw new IllegalArgumentException("No volume " + volume);
		final float[] out = new float[v.xyz[0] * v.xyz[1] * v.xyz[2]];
		java.util.Arrays.fill(out, fill);
		for (int i = 0; i < refs.size(); i++) {
			final SliceRef r = refs.get(i);
			if (r.volume.equals(volume)) axis.paste(planes.apply(i), width, v.xyz, r.index, out);
		}
		return out;
	}
}
