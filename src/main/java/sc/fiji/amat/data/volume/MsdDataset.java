package sc.fiji.amat.data.volume;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import sc.fiji.amat.AmatException;

/**
 * A Medical Segmentation Decathlon style folder: {@code dataset.json} (name, modality map ->
 * channels, labels map -> class names, training list of {image, label}, test list of images),
 * {@code imagesTr/}, {@code labelsTr/}, {@code imagesTs/}. A test image has a label when the
 * test entry is an {image, label} object, or when {@code labelsTs/} holds a file of its name.
 * Every file the JSON names must exist.
 */
public final class MsdDataset {

	public static final String JSON = "dataset.json";

	/** One volume: its name (the image's file name without .nii.gz), image and label (null: none). */
	public static final class Case {

		public final String name;
		public final Path image, label;

		public Case(final String name, final Path image, final Path label) {
			this.name = name;
			this.image = image;
			this.label = label;
		}

		@Override
		public String toString() {
			return name;
		}
	}

	public final Path folder;
	public final String name;
	public final List<String> modalities;
	public final List<String> labels;
	public final List<Case> training, test;

	private MsdDataset(final Path folder, final String name, final List<String> modalities, final List<String> labels,
		final List<Case> training, final List<Case> test)
	{
		this.folder = folder;
		this.name = name;
		this.modalities = Collections.unmodifiableList(modalities);
		this.labels = Collections.unmodifiableList(labels);
		this.training = Collections.unmodifiableList(training);
		this.test = Collections.unmodifiableList(test);
	}

	/** True for a folder holding a dataset.json. */
	public static boolean isDataset(final Path folder) {
		return Files.isDirectory(folder) && Files.isRegularFile(folder.resolve(JSON));
	}

	/** Reads a folder's dataset.json and checks that the files it names exist. */
	public static MsdDataset read(final Path folder) {
		final Path json = folder.resolve(JSON);
		if (!Files.isRegularFile(json)) throw new AmatException("The folder " + folder + " has no " + JSON +
			" (a Medical Segmentation Decathlon dataset needs one).");
		final JsonObject o;
		try {
			o = JsonParser.parseString(new String(Files.readAllBytes(json), StandardCharsets.UTF_8)).getAsJsonObject();
		}
		catch (final IOException | RuntimeException e) {
			throw new AmatException("Cannot read " + json + " as a JSON object: " + e.getMessage(), e);
		}
		final String name = o.has("name") ? o.get("name").getAsString() : folder.getFileName().toString();
		final List<String> modalities = indexed(o, "modality", json);
		final List<String> labels = indexed(o, "labels", json);
		if (labels.size() < 2) throw new AmatException(json + " names " + labels.size() +
			" label(s): name the background (0) and at least one structure.");
		final List<Case> training = new ArrayList<>(), test = new ArrayList<>();
		if (o.has("training")) {
			for (final JsonElement e : o.getAsJsonArray("training")) training.add(entry(folder, json, e, false));
		}
		if (o.has("test")) {
			for (final JsonElement e : o.getAsJsonArray("test")) test.add(entry(folder, json, e, true));
		}
		if (training.isEmpty() && test.isEmpty()) throw new AmatException(json + " lists no training or test images.");
		return new MsdDataset(folder, name, modalities, labels, training, test);
	}

	/** A map "0": "a", "1": "b" as a list in key order; keys must be 0, 1, ... */
	private static List<String> indexed(final JsonObject o, final String key, final Path json) {
		if (!o.has(key) || !o.get(key).isJsonObject()) throw new AmatException(json + " has no '" + key +
			"' map (index -> name).");
		final Map<Integer, String> m = new TreeMap<>();
		for (final Map.Entry<String, JsonElement> e : o.getAsJsonObject(key).entrySet()) {
			try {
				m.put(Integer.parseInt(e.getKey().trim()), e.getValue().getAsString());
			}
			catch (final NumberFormatException x) {
				throw new AmatException(json + " has '" + key + "' key '" + e.getKey() + "', which is not a number.");
			}
		}
		final List<String> out = new ArrayList<>();
		for (final Map.Entry<Integer, String> e : m.entrySet()) {
			if (e.getKey() != out.size()) throw new AmatException(json + " numbers its '" + key + "' " + m.keySet() +
				": use 0, 1, 2, ... without gaps.");
			out.add(e.getValue());
		}
		if (out.isEmpty()) throw new AmatException(json + " has an empty '" + key + "' map.");
		return out;
	}

	private static Case entry(final Path folder, final Path json, final JsonElement e, final boolean test) {
		final Path image, label;
		if (e.isJsonObject()) {
			final JsonObject c = e.getAsJsonObject();
			if (!c.has("image")) throw new AmatException(json + " has an entry without an 'image': " + c + ".");
			image = existing(folder, json, c.get("image").getAsString());
			if (c.has("label")) label = existing(folder, json, c.get("label").getAsString());
			else if (!test) throw new AmatException(json + " has a training entry without a 'label': " + c + ".");
			else label = null;
		}
		else {
			if (!test) throw new AmatException(json + " has a training entry that is not an {image, label} object: " + e +
				".");
			image = existing(folder, json, e.getAsString());
			final Path ts = folder.resolve("labelsTs").resolve(image.getFileName().toString());
			label = Files.isRegularFile(ts) ? ts : null;
		}
		return new Case(Nifti.baseName(image), image, label);
	}

	private static Path existing(final Path folder, final Path json, final String relative) {
		final Path p = folder.resolve(relative).normalize();
		if (!Files.isRegularFile(p)) throw new AmatException(json + " names " + relative + ", which does not exist in " +
			folder + ".");
		return p;
	}

	/** The .nii and .nii.gz files of a folder, sorted by name. */
	public static List<Path> niftiFiles(final Path folder) {
		if (!Files.isDirectory(folder)) throw new AmatException("The folder " + folder + " does not exist.");
		try (java.util.stream.Stream<Path> s = Files.list(folder)) {
			return s.filter(p -> Files.isRegularFile(p) && Nifti.isNifti(p) && !p.getFileName().toString().startsWith("."))
				.sorted().collect(java.util.stream.Collectors.toList());
		}
		catch (final IOException e) {
			throw new AmatException("Cannot list the folder " + folder + ": " + e.getMessage(), e);
		}
	}

	/** For each NIfTI image of a folder, the label volume of the same name in the label folder. */
	public static List<Case> pairs(final Path imageFolder, final Path labelFolder) {
		final List<Path> images = niftiFiles(imageFolder), labels = niftiFiles(labelFolder);
		if (images.isEmpty()) throw new AmatException("The folder " + imageFolder + " holds no .nii or .nii.gz files.");
		final List<Case> out = new ArrayList<>();
		for (final Path image : images) {
			final String name = Nifti.baseName(image);
			final Path label = labels.stream().filter(l -> Nifti.baseName(l).equals(name)).findFirst().orElseThrow(
				() -> new AmatException("The volume " + image.getFileName() + " has no label volume of the same name in " +
					labelFolder + "."));
			out.add(new Case(name, image, label));
		}
		return out;
	}

	/** The cases of a part, "training" or "test", that have labels. */
	public List<Case> labeled(final boolean testPart) {
		final List<Case> out = new ArrayList<>();
		for (final Case c : testPart ? test : training) {
			if (c.label != null) out.add(c);
		}
		return out;
	}
}
