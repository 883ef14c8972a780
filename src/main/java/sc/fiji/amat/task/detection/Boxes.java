package sc.fiji.amat.task.detection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** The label of one image for object detection: its boxes (none: background only, which is valid). */
public final class Boxes implements Iterable<Box> {

	private final List<Box> boxes;

	public Boxes(final List<Box> boxes) {
		this.boxes = Collections.unmodifiableList(new ArrayList<>(boxes));
	}

	public static Boxes none() {
		return new Boxes(Collections.emptyList());
	}

	public List<Box> list() {
		return boxes;
	}

	public int size() {
		return boxes.size();
	}

	public boolean isEmpty() {
		return boxes.isEmpty();
	}

	public Box get(final int i) {
		return boxes.get(i);
	}

	@Override
	public Iterator<Box> iterator() {
		return boxes.iterator();
	}

	@Override
	public String toString() {
		return boxes.toString();
	}

	@Override
	public boolean equals(final Object o) {
		return o instanceof Boxes && boxes.equals(((Boxes) o).boxes);
	}

	@Override
	public int hashCode() {
		return boxes.hashCode();
	}
}
