package sc.fiji.amat.task.landmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

import sc.fiji.amat.nn.Scalars;
import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.nn.UNet;
import sc.fiji.amat.task.AbstractTask;
import sc.fiji.amat.task.AttackLoss;
import sc.fiji.amat.task.BoundarySpec;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.Task;

/**
 * Landmark detection: K named points per 2D image, found by a U-Net heatmap regressor with one
 * output map per landmark.
 * <ul>
 * <li>Label: {@link Landmarks}, K points in pixels (ImageJ point coordinates).</li>
 * <li>Target: per landmark a Gaussian of standard deviation {@code sigma} pixels around the
 * point, normalised to sum 1. The network's K maps are logits; their softmax over the image is
 * the predicted probability map.</li>
 * <li>Loss per sample, two terms averaged over landmarks: the heatmap term, KL(target ||
 * softmax), 0 for a perfect map; and the coordinate term, the distance in pixels between the
 * soft-argmax (probability-weighted mean position) and the true point. Loss = heatmap +
 * {@code coordinate_weight} x coordinate.</li>
 * <li>Decoding: the largest logit, refined to sub-pixel precision by a parabola through it and
 * its neighbours along x and y ({@link Heatmaps#peak}).</li>
 * <li>Metrics per image: "sdr", the success detection rate (fraction of landmarks within a
 * radius) averaged over the radii (primary, higher is better); mean radial error in pixels and,
 * with a pixel size, in mm; the success detection rate at each radius (radii in mm with a pixel
 * size, otherwise in pixels).</li>
 * <li>AMAT boundary ({@link Boundary}): COMPONENTS (default), the heatmap term and the
 * coordinate term, each with its own threshold, a sample is over when either exceeds it; or
 * TOTAL, the loss with one threshold.</li>
 * </ul>
 */
public final class LandmarkTask extends AbstractTask<Landmarks> {

	public static final String TYPE = "landmarks";

	/** The quantities of AMAT's boundary test. */
	public enum Boundary {
		COMPONENTS, TOTAL;

		public static Boundary parse(final String s) {
			try {
				return valueOf(s.trim().toUpperCase(Locale.ROOT));
			}
			catch (final IllegalArgumentException e) {
				throw new AmatException("Unknown landmark boundary '" + s + "': use components or total.");
			}
		}
	}

	/** Options of the heatmap model and the metrics, with their defaults. */
	public static final class Options {

		/** Standard deviation of the Gaussian target, pixels. */
		public double sigma = 1.5;
		/** Weight of the coordinate term (per pixel of soft-argmax error) in the loss. */
		public double coordinateWeight = 0.1;
		/** Radii of the success detection rates (mm with a pixel size, else pixels). */
		public double[] radii = { 2, 2.5, 3, 4 };
		public Boundary boundary = Boundary.COMPONENTS;
	}

	private final List<String> names;
	private final double pixelSize;
	private final Options options;
	private final BoundarySpec boundary;

	/**
	 * @param pixelSize the pixel size in mm, or NaN (or 0) when unknown: errors are then in pixels
	 */
	public LandmarkTask(final List<String> names, final double pixelSize, final Options options,
		final int inputChannels, final NetworkConfig network)
	{
		super(inputChannels, network);
		if (names.isEmpty()) throw new AmatException("Landmark detection needs at least one landmark.");
		if (new HashSet<>(names).size() != names.size()) {
			throw new AmatException("Landmark names must be unique, got " + names + ".");
		}
		if (!(options.sigma > 0)) throw new AmatException("The heatmap sigma must be positive.");
		if (options.radii.length == 0) throw new AmatException("Give at least one radius for the detection rate.");
		this.names = Collections.unmodifiableList(new ArrayList<>(names));
		this.pixelSize = pixelSize > 0 ? pixelSize : Double.NaN;
		this.options = options;
		this.boundary = options.boundary == Boundary.TOTAL ? new BoundarySpec(new String[] { "landmark loss" },
			new boolean[] { false }) : new BoundarySpec(new String[] { "heatmap KL", "soft-argmax error px" },
				new boolean[] { false, false });
	}

	public LandmarkTask(final List<String> names, final double pixelSize, final int inputChannels,
		final NetworkConfig network)
	{
		this(names, pixelSize, new Options(), inputChannels, network);
	}

	/** Names "L1" ... "LK". */
	public static List<String> defaultNames(final int k) {
		final List<String> n = new ArrayList<>();
		for (int i = 1; i <= k; i++) n.add("L" + i);
		return n;
	}

	public List<String> names() {
		return names;
	}

	public int size() {
		return names.size();
	}

	/** The pixel size in mm, NaN when unknown. */
	public double pixelSize() {
		return pixelSize;
	}

	public Options options() {
		return options;
	}

	/** "mm" when the pixel size is known, else "px": the unit of the radii. */
	public String radiusUnit() {
		return Double.isNaN(pixelSize) ? "px" : "mm";
	}

	@Override
	public String type() {
		return TYPE;
	}

	@Override
	public JsonObject spec() {
		final JsonObject o = new JsonObject();
		o.add("landmarks", jsonNames(names));
		if (!Double.isNaN(pixelSize)) o.addProperty("pixel_size_mm", pixelSize);
		o.addProperty("sigma", options.sigma);
		o.addProperty("coordinate_weight", options.coordinateWeight);
		final JsonArray r = new JsonArray();
		for (final double v : options.radii) r.add(v);
		o.add("radii", r);
		o.addProperty("radius_unit", radiusUnit());
		o.addProperty("boundary", options.boundary.name().toLowerCase(Locale.ROOT));
		return o;
	}

	static LandmarkTask fromSpec(final JsonObject spec, final int inputChannels, final NetworkConfig network) {
		final List<String> names = names(spec, "landmarks");
		final Options o = new Options();
		if (spec.has("sigma")) o.sigma = spec.get("sigma").getAsDouble();
		if (spec.has("coordinate_weight")) o.coordinateWeight = spec.get("coordinate_weight").getAsDouble();
		if (spec.has("radii")) {
			final JsonArray r = spec.getAsJsonArray("radii");
			o.radii = new double[r.size()];
			for (int k = 0; k < r.size(); k++) o.radii[k] = r.get(k).getAsDouble();
		}
		if (spec.has("boundary")) o.boundary = Boundary.parse(spec.get("boundary").getAsString());
		final double px = spec.has("pixel_size_mm") ? spec.get("pixel_size_mm").getAsDouble() : Double.NaN;
		return new LandmarkTask(names, px, o, inputChannels, network);
	}

	@Override
	public Block newNetwork() {
		return new UNet(requireNetwork(), names.size());
	}

	/** One heatmap (logits over the image) per landmark. */
	@Override
	public int outputChannels() {
		return names.size();
	}

	@Override
	public String outputDescription() {
		return names.size() + " landmark heatmaps " + names;
	}

	@Override
	public void checkLabels(final LabeledData<Landmarks> data) {
		checkImageSize(data, "a U-Net", "crop, pad or scale them");
		for (int i = 0; i < data.size(); i++) {
			final Landmarks l = data.label(i);
			final String where = l.source() != null ? l.source() : "image " + (i + 1);
			if (l.size() != names.size()) {
				throw new AmatException(where + " has " + l.size() + " landmarks, but the task has " + names.size() + " " +
					names + ".");
			}
			for (int k = 0; k < l.size(); k++) {
				if (!inside(l.x(k), l.y(k), data.width(), data.height())) {
					throw new AmatException(String.format(Locale.ROOT,
						"%s: landmark %s at (%.2f, %.2f) lies outside the %dx%d image.", where, names.get(k), l.x(k), l.y(k),
						data.width(), data.height()));
				}
			}
		}
	}

	/** True when (x, y) lies on the image: 0 <= x <= width - 1 and likewise for y, half a pixel of slack. */
	public static boolean inside(final double x, final double y, final int width, final int height) {
		return x >= -0.5 && y >= -0.5 && x <= width - 0.5 && y <= height - 0.5;
	}

	/** Targets: the Gaussians (N, K, HW), sum(g log g) (N, K), true x and y (N, K), pixel x and y (HW). */
	@Override
	public NDList encodeLabels(final NDManager manager, final List<Landmarks> labels, final int height,
		final int width)
	{
		final int n = labels.size(), k = names.size(), plane = height * width;
		final float[] g = new float[n * k * plane], c = new float[n * k], tx = new float[n * k], ty = new float[n * k];
		for (int i = 0; i < n; i++) {
			final Landmarks l = labels.get(i);
			for (int j = 0; j < k; j++) {
				c[i * k + j] = (float) Heatmaps.gaussian(l.x(j), l.y(j), options.sigma, height, width, g, (i * k + j) *
					plane);
				tx[i * k + j] = l.x(j);
				ty[i * k + j] = l.y(j);
			}
		}
		final float[] xs = new float[plane], ys = new float[plane];
		for (int p = 0; p < plane; p++) {
			xs[p] = p % width;
			ys[p] = p / width;
		}
		return new NDList(manager.create(g, new Shape(n, k, plane)), manager.create(c, new Shape(n, k)), manager.create(
			tx, new Shape(n, k)), manager.create(ty, new Shape(n, k)), manager.create(xs, new Shape(plane)), manager
				.create(ys, new Shape(plane)));
	}

	/** heatmap KL + coordinate_weight x soft-argmax error, averaged over landmarks; see the class comment. */
	@Override
	public NDArray loss(final NDList output, final NDList target) {
		final NDArray[] t = terms(output, target);
		return t[0].add(Scalars.mul(t[1], (float) options.coordinateWeight));
	}

	/**
	 * The two loss terms per sample, shape (N) each. Every operation starts from the output, so
	 * the results belong to the output's (per-iteration) manager, not to the labels'.
	 */
	NDArray[] terms(final NDList output, final NDList target) {
		final NDArray z = output.singletonOrThrow();
		final long n = z.getShape().get(0), k = z.getShape().get(1), plane = z.getShape().get(2) * z.getShape().get(3);
		final NDArray logp = z.reshape(n, k, plane).logSoftmax(2);
		final NDArray kl = logp.mul(target.get(0)).sum(new int[] { 2 }).neg().add(target.get(1));
		final NDArray p = logp.exp();
		final NDArray dx = p.mul(target.get(4)).sum(new int[] { 2 }).sub(target.get(2));
		final NDArray dy = p.mul(target.get(5)).sum(new int[] { 2 }).sub(target.get(3));
		final NDArray dist = dx.square().add(dy.square()).add(1e-4f).sqrt();
		return new NDArray[] { kl.mean(new int[] { 1 }), dist.mean(new int[] { 1 }) };
	}

	/** The training loss, then heatmap, coordinate and cospgd ({@link LandmarkAttackLosses}). */
	@Override
	public List<AttackLoss> attackLosses() {
		return LandmarkAttackLosses.of(this);
	}

	@Override
	public BoundarySpec boundarySpec() {
		return boundary;
	}

	/** The loss terms per sample ({@link Boundary}), computed from the output's values. */
	@Override
	public float[][] boundaryQuantities(final NDList output, final List<Landmarks> labels) {
		final NDArray z = output.singletonOrThrow();
		final int n = (int) z.getShape().get(0), k = (int) z.getShape().get(1), h = (int) z.getShape().get(2),
				w = (int) z.getShape().get(3);
		final float[] v = z.toFloatArray();
		final float[][] q = new float[n][];
		for (int i = 0; i < n; i++) {
			double kl = 0, err = 0;
			for (int j = 0; j < k; j++) {
				final double[] t = Heatmaps.terms(v, (i * k + j) * h * w, h, w, labels.get(i).x(j), labels.get(i).y(j),
					options.sigma);
				kl += t[0] / k;
				err += t[1] / k;
			}
			q[i] = options.boundary == Boundary.TOTAL ? new float[] { (float) (kl + options.coordinateWeight * err) }
				: new float[] { (float) kl, (float) err };
		}
		return q;
	}

	@Override
	public String metricName() {
		return "sdr";
	}

	/** The metric columns: sdr (mean over radii), mre px, [mre mm], sdr at each radius. */
	public String[] metricNames() {
		final List<String> n = new ArrayList<>();
		n.add("sdr");
		n.add("mre px");
		if (!Double.isNaN(pixelSize)) n.add("mre mm");
		for (final double r : options.radii) n.add("sdr " + trim(r) + radiusUnit());
		return n.toArray(new String[0]);
	}

	@Override
	public MetricTable metrics(final NDList output, final List<Landmarks> labels) {
		return metrics(predict(output), labels);
	}

	/** Per-image metrics of predicted against true landmarks. */
	public MetricTable metrics(final List<Landmarks> predicted, final List<Landmarks> truth) {
		final String[] cols = metricNames();
		final boolean[] higher = new boolean[cols.length];
		for (int c = 0; c < cols.length; c++) higher[c] = cols[c].startsWith("sdr");
		final MetricTable table = new MetricTable(cols, higher);
		final boolean mm = !Double.isNaN(pixelSize);
		for (int i = 0; i < truth.size(); i++) {
			final Landmarks p = predicted.get(i), t = truth.get(i);
			final int k = t.size();
			final double[] err = new double[k];
			double mre = 0;
			for (int j = 0; j < k; j++) {
				err[j] = Math.hypot(p.x(j) - t.x(j), p.y(j) - t.y(j));
				mre += err[j] / k;
			}
			final double[] row = new double[cols.length];
			int c = 1;
			row[c++] = mre;
			if (mm) row[c++] = mre * pixelSize;
			double sdr = 0;
			for (final double r : options.radii) {
				int within = 0;
				for (final double e : err) {
					if ((mm ? e * pixelSize : e) <= r) within++;
				}
				row[c++] = (double) within / k;
				sdr += (double) within / k / options.radii.length;
			}
			row[0] = sdr;
			table.add(row);
		}
		return table;
	}

	@Override
	public List<Landmarks> predict(final NDList output) {
		final NDArray z = output.singletonOrThrow();
		final int n = (int) z.getShape().get(0), k = (int) z.getShape().get(1), h = (int) z.getShape().get(2),
				w = (int) z.getShape().get(3);
		final float[] v = z.toFloatArray();
		final List<Landmarks> out = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			final float[] x = new float[k], y = new float[k];
			for (int j = 0; j < k; j++) {
				final float[] p = Heatmaps.peak(v, (i * k + j) * h * w, h, w);
				x[j] = p[0];
				y[j] = p[1];
			}
			out.add(new Landmarks(x, y));
		}
		return out;
	}

	static String trim(final double v) {
		final String s = String.format(Locale.ROOT, "%.4g", v);
		return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
	}
}
