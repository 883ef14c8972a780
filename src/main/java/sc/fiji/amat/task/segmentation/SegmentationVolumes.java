package sc.fiji.amat.task.segmentation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.data.volume.MsdDataset;
import sc.fiji.amat.data.volume.Nifti;
import sc.fiji.amat.data.volume.NiftiDataType;
import sc.fiji.amat.data.volume.VolumeSlicer;
import sc.fiji.amat.data.volume.VolumeSlices;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.Labeled;

/**
 * Segmentation data from volumes: a Medical Segmentation Decathlon folder (dataset.json: its
 * modalities become channels, its labels the class names) or one NIfTI image with its label
 * volume (class names from a classes.txt beside the label, else defaults), cut into 2D slices
 * ({@link VolumeSlicer}) with stable ids, as {@link LabeledData} of {@link Mask}s.
 */
public final class SegmentationVolumes {

	/** The slices as training or test data, with the names and provenance that go with them. */
	public static final class Data {

		public final LabeledData<Mask> data;
		public final List<String> classNames;
		/** The channels' names (the dataset's modalities; "image" for a single file of one channel). */
		public final List<String> channelNames;
		/** Where each sample comes from (volume, axis, index), and the volumes' headers. */
		public final VolumeSlices slices;

		Data(final LabeledData<Mask> data, final List<String> classNames, final List<String> channelNames,
			final VolumeSlices slices)
		{
			this.data = data;
			this.classNames = Collections.unmodifiableList(classNames);
			this.channelNames = Collections.unmodifiableList(channelNames);
			this.slices = slices;
		}
	}

	private SegmentationVolumes() {}

	/**
	 * True for what {@link #open} reads: a .nii or .nii.gz file, a folder with a dataset.json,
	 * or a folder holding .nii or .nii.gz files.
	 */
	public static boolean isVolumeSource(final Path path) {
		if (path == null) return false;
		if (Files.isRegularFile(path)) return Nifti.isNifti(path);
		return MsdDataset.isDataset(path) || Files.isDirectory(path) && !MsdDataset.niftiFiles(path).isEmpty();
	}

	/**
	 * Opens a volume source: an MSD folder (its training cases; {@code label} null or the same
	 * folder), a folder of NIfTI images with a folder of label volumes of the same names (class
	 * names and modalities from a dataset.json in the folder above, as for imagesTs/ and
	 * labelsTs/ of an MSD folder, else from a classes.txt in the label folder), or a .nii/.nii.gz
	 * image with its label volume.
	 */
	public static Data open(final Path imageOrFolder, final Path label, final VolumeSlicer.Options options) {
		return open(imageOrFolder, label, false, options);
	}

	/**
	 * As {@link #open(Path, Path, VolumeSlicer.Options)}; {@code test} takes an MSD folder's
	 * labelled test cases instead of its training cases.
	 */
	public static Data open(final Path imageOrFolder, final Path label, final boolean test,
		final VolumeSlicer.Options options)
	{
		final Source src = resolve(imageOrFolder, label, test);
		return build(src, src.cases, options);
	}

	/**
	 * As {@link #open(Path, Path, VolumeSlicer.Options)}, one set per volume (e.g. for training
	 * on patches of volumes of different sizes): each with the slices of one volume, in order.
	 */
	public static List<Data> openEach(final Path imageOrFolder, final Path label, final VolumeSlicer.Options options) {
		return openEach(imageOrFolder, label, false, options);
	}

	/** As {@link #openEach(Path, Path, VolumeSlicer.Options)}; {@code test} takes an MSD folder's labelled test cases. */
	public static List<Data> openEach(final Path imageOrFolder, final Path label, final boolean test,
		final VolumeSlicer.Options options)
	{
		final Source src = resolve(imageOrFolder, label, test);
		final List<Data> out = new ArrayList<>();
		for (final MsdDataset.Case c : src.cases) out.add(build(src, Collections.singletonList(c), options));
		return out;
	}

	/** The cases of a source, and its dataset when it has one. */
	private static final class Source {

		final List<MsdDataset.Case> cases;
		final MsdDataset dataset;
		final Path label;

		Source(final List<MsdDataset.Case> cases, final MsdDataset dataset, final Path label) {
			this.cases = cases;
			this.dataset = dataset;
			this.label = label;
		}
	}

	private static Source resolve(final Path imageOrFolder, final Path label, final boolean test) {
		if (MsdDataset.isDataset(imageOrFolder)) {
			if (label != null && !same(label, imageOrFolder)) throw new AmatException("An MSD folder (" + imageOrFolder +
				") names its own labels in dataset.json: give no label file or folder with it.");
			final MsdDataset d = MsdDataset.read(imageOrFolder);
			final List<MsdDataset.Case> cases = d.labeled(test);
			if (cases.isEmpty()) throw new AmatException(imageOrFolder.resolve(MsdDataset.JSON) + " lists no " + (test
				? "test images with labels (labelsTs/): give a folder of labelled held-out volumes as the test set"
				: "training images") + ".");
			return new Source(cases, d, null);
		}
		if (Files.isDirectory(imageOrFolder)) {
			if (label == null || !Files.isDirectory(label)) throw new AmatException("The image folder " + imageOrFolder +
				" needs a folder of label volumes of the same file names.");
			final List<MsdDataset.Case> cases = MsdDataset.pairs(imageOrFolder, label);
			final Path parent = imageOrFolder.toAbsolutePath().getParent();
			return new Source(cases, parent != null && MsdDataset.isDataset(parent) ? MsdDataset.read(parent) : null, label);
		}
		if (!Nifti.isNifti(imageOrFolder)) throw new AmatException(imageOrFolder +
			" is neither a .nii/.nii.gz file nor a folder of them or with a dataset.json.");
		if (label == null) throw new AmatException("The volume " + imageOrFolder.getFileName() +
			" needs a label volume: give its label file.");
		return new Source(Collections.singletonList(new MsdDataset.Case(Nifti.baseName(imageOrFolder), imageOrFolder,
			label)), null, label);
	}

	private static Data build(final Source src, final List<MsdDataset.Case> cases, final VolumeSlicer.Options o) {
		if (src.dataset != null) return of(src.dataset, cases, o);
		final VolumeSlices s = VolumeSlicer.slice(cases, -1, -1, o);
		final List<Mask> masks = masks(s);
		final List<String> names = SegmentationData.classNames(src.label, masks);
		final List<String> channels = new ArrayList<>();
		for (int i = 0; i < s.channels; i++) channels.add(s.channels == 1 ? "image" : "channel " + (i + 1));
		return new Data(data(s, masks), names, channels, s);
	}

	private static boolean same(final Path a, final Path b) {
		return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
	}

	/** The given cases of a dataset. */
	public static Data of(final MsdDataset d, final List<MsdDataset.Case> cases, final VolumeSlicer.Options options) {
		final VolumeSlices s = VolumeSlicer.slice(cases, d.modalities.size(), d.labels.size(), options);
		return new Data(data(s, masks(s)), d.labels, d.modalities, s);
	}

	/**
	 * The data with a segmentation task for it (its class names and channels), as
	 * {@code ImageJTaskType.fromFiles} gives it for image files: training data must show some
	 * foreground.
	 */
	public static Labeled<Mask> labeled(final Data d, final NetworkConfig network) {
		return new Labeled<>(new SegmentationTask(d.classNames, d.data.channels(), network), SegmentationData
			.requireForeground(d.data), d.slices.volumeOfEachSlice());
	}

	/**
	 * Writes the masks of one volume's slices (e.g. predictions; {@code masks} parallel to the
	 * slices' positions) as a uint8 NIfTI volume with the volume's image header and affine, so it
	 * overlays the image in other viewers; slices that were dropped are background.
	 */
	public static void writeMasks(final Path file, final VolumeSlices slices, final String volume,
		final List<Mask> masks)
	{
		if (masks.size() != slices.size()) throw new IllegalArgumentException(masks.size() + " masks for " + slices
			.size() + " slices");
		final VolumeSlices.Volume v = slices.volume(volume);
		if (v == null) throw new AmatException("There is no volume '" + volume + "' among the slices.");
		final float[] values = slices.assemble(volume, i -> {
			final byte[] m = masks.get(i).classes();
			final float[] f = new float[m.length];
			for (int p = 0; p < m.length; p++) f[p] = m[p] & 0xff;
			return f;
		}, 0);
		Nifti.write(file, values, new long[] { v.xyz[0], v.xyz[1], v.xyz[2] }, v.header, NiftiDataType.UINT8);
	}

	private static List<Mask> masks(final VolumeSlices s) {
		final List<Mask> masks = new ArrayList<>(s.size());
		for (final byte[] m : s.labels) masks.add(new Mask(m, s.width, s.height));
		return masks;
	}

	private static LabeledData<Mask> data(final VolumeSlices s, final List<Mask> masks) {
		return LabeledData.withIds(s.images, s.channels, s.height, s.width, masks, s.ids()).withGroups(s
			.volumeOfEachSlice());
	}
}
