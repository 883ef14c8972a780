package sc.fiji.amat.task.landmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import sc.fiji.amat.AmatException;
import sc.fiji.amat.data.LabeledData;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.nn.NetworkConfig;
import sc.fiji.amat.task.MetricTable;
import sc.fiji.amat.task.Tasks;

class LandmarkTaskTest {

	private static final int H = 20, W = 24;
	private final LandmarkTask task = new LandmarkTask(Arrays.asList("a", "b"), 0.5, 1, new NetworkConfig(2, 4,
		NetworkConfig.Norm.BATCH));

	/** Logits whose softmax is exactly the Gaussian target of sigma around each point. */
	private static float[] logGaussians(final List<Landmarks> points, final double sigma) {
		final int k = points.get(0).size();
		final float[] v = new float[points.size() * k * H * W];
		for (int n = 0; n < points.size(); n++) {
			for (int j = 0; j < k; j++) {
				for (int p = 0; p < H * W; p++) {
					final double dx = p % W - points.get(n).x(j), dy = p / W - points.get(n).y(j);
					v[(n * k + j) * H * W + p] = (float) (-(dx * dx + dy * dy) / (2 * sigma * sigma));
				}
			}
		}
		return v;
	}

	static Landmarks lm(final float... xy) {
		final float[] x = new float[xy.length / 2], y = new float[xy.length / 2];
		for (int k = 0; k < x.length; k++) {
			x[k] = xy[2 * k];
			y[k] = xy[2 * k + 1];
		}
		return new Landmarks(x, y);
	}

	@Test
	void decodingFindsSubPixelPeaksOfKnownHeatmaps() {
		final List<Landmarks> truth = Arrays.asList(lm(7.3f, 5.8f, 15.61f, 12.07f), lm(3.5f, 16.45f, 20.12f, 2.9f));
		try (NDManager m = Engines.pytorch().newBaseManager()) {
			for (final double sigma : new double[] { 1.0, 2.5 }) {
				final NDList out = new NDList(m.create(logGaussians(truth, sigma), new Shape(2, 2, H, W)));
				final List<Landmarks> p = task.predict(out);
				for (int n = 0; n < 2; n++) {
					for (int k = 0; k < 2; k++) {
						assertEquals(truth.get(n).x(k), p.get(n).x(k), 1e-3, "x of " + n + "/" + k + " sigma " + sigma);
						assertEquals(truth.get(n).y(k), p.get(n).y(k), 1e-3, "y of " + n + "/" + k + " sigma " + sigma);
					}
				}
			}
		}
		// a flat map has no curvature: the pixel itself, no refinement
		assertEquals(0, Heatmaps.vertex(1, 1, 1), 0);
		// at the border only the inner direction is refined
		final float[] corner = new float[H * W];
		corner[0] = 5;
		assertArrayEquals(new float[] { 0, 0 }, Heatmaps.peak(corner, 0, H, W), 0);
	}

	@Test
	void lossIsZeroHeatmapTermForThePerfectMapGrowsWithTheErrorAndIsPerSample() {
		final Landmarks t = lm(8, 9, 15.5f, 6.25f);
		final List<Landmarks> truth = Arrays.asList(t, t);
		final Landmarks off = lm(11, 9, 15.5f, 13.25f); // 3 px and 7 px away
		try (NDManager m = Engines.pytorch().newBaseManager()) {
			final NDList y = task.encodeLabels(m, truth, H, W);
			final float[] both = new float[2 * 2 * H * W];
			System.arraycopy(logGaussians(Collections.singletonList(t), 1.5), 0, both, 0, 2 * H * W);
			System.arraycopy(logGaussians(Collections.singletonList(off), 1.5), 0, both, 2 * H * W, 2 * H * W);
			final NDList out = new NDList(m.create(both, new Shape(2, 2, H, W)));
			final NDArray[] terms = task.terms(out, y);
			final float[] kl = terms[0].toFloatArray(), err = terms[1].toFloatArray();
			assertEquals(0, kl[0], 1e-4, "perfect heatmap");
			assertEquals(0.01, err[0], 2e-3, "soft-argmax of a centred Gaussian: only the 1e-4 px^2 under the root");
			assertEquals(5, err[1], 0.05, "mean of 3 and 7 px");
			// KL between Gaussians of the same sigma: d^2 / (2 sigma^2), averaged over landmarks
			assertEquals((9 + 49) / (2 * 2.25) / 2, kl[1], 0.05);
			final float[] loss = task.loss(out, y).toFloatArray();
			assertEquals(kl[1] + 0.1 * err[1], loss[1], 1e-4);
			// the second sample alone gives the same loss
			final float[] alone = task.loss(new NDList(out.head().get("1:2")), task.encodeLabels(m, truth.subList(1, 2), H,
				W)).toFloatArray();
			assertEquals(loss[1], alone[0], 1e-5);
			// the boundary quantities are the loss terms, computed on plain arrays
			final float[][] q = task.boundaryQuantities(out, truth);
			assertEquals(Arrays.asList("heatmap KL", "soft-argmax error px"), Arrays.asList(task.boundarySpec().name(0), task
				.boundarySpec().name(1)));
			for (int n = 0; n < 2; n++) {
				assertEquals(kl[n], q[n][0], 1e-3);
				assertEquals(err[n], q[n][1], 1e-3);
			}
			final LandmarkTask.Options o = new LandmarkTask.Options();
			o.boundary = LandmarkTask.Boundary.TOTAL;
			final LandmarkTask total = new LandmarkTask(task.names(), 0.5, o, 1, task.network());
			assertEquals(1, total.boundarySpec().size());
			assertEquals(loss[1], total.boundaryQuantities(out, truth)[1][0], 1e-3);
			assertTrue(total.boundarySpec().isOver(0, loss[1], loss[1] / 2), "a loss above its threshold is over");
		}
	}

	@Test
	void metricsOnKnownPoints() {
		final LandmarkTask four = new LandmarkTask(Arrays.asList("a", "b", "c", "d"), 0.5, 1, new NetworkConfig());
		// errors 0, 3, 5 and 10 px = 0, 1.5, 2.5 and 5 mm
		final Landmarks truth = lm(10, 10, 20, 20, 30, 30, 40, 40);
		final Landmarks pred = lm(10, 10, 23, 20, 33, 34, 40, 50);
		final MetricTable t = four.metrics(Collections.singletonList(pred), Collections.singletonList(truth));
		assertEquals(Arrays.asList("sdr", "mre px", "mre mm", "sdr 2mm", "sdr 2.5mm", "sdr 3mm", "sdr 4mm"), Arrays.asList(t
			.names()));
		assertEquals(4.5, t.value(0, t.column("mre px")), 1e-6);
		assertEquals(2.25, t.value(0, t.column("mre mm")), 1e-6);
		assertEquals(0.5, t.value(0, t.column("sdr 2mm")), 1e-9);
		assertEquals(0.75, t.value(0, t.column("sdr 2.5mm")), 1e-9, "a radius counts as within");
		assertEquals(0.75, t.value(0, t.column("sdr 4mm")), 1e-9);
		assertEquals((0.5 + 0.75 * 3) / 4, t.value(0, 0), 1e-9);
		assertTrue(t.higherIsBetter(0) && !t.higherIsBetter(t.column("mre px")));
		// without a pixel size everything is in pixels
		final LandmarkTask px = new LandmarkTask(four.names(), Double.NaN, 1, new NetworkConfig());
		final MetricTable tp = px.metrics(Collections.singletonList(pred), Collections.singletonList(truth));
		assertEquals(Arrays.asList("sdr", "mre px", "sdr 2px", "sdr 2.5px", "sdr 3px", "sdr 4px"), Arrays.asList(tp
			.names()));
		assertEquals(0.25, tp.value(0, tp.column("sdr 2.5px")), 1e-9);
	}

	@Test
	void labelsOutsideTheImageOrWithAnotherCountAreRefusedNamingTheImage() {
		final LabeledData<Landmarks> outside = new LabeledData<>(new float[2 * H * W], 1, H, W, Arrays.asList(lm(1, 1, 2,
			2), lm(1, 1, 30, 2).withSource("scan7.png")));
		final AmatException e = assertThrows(AmatException.class, () -> task.checkLabels(outside));
		assertTrue(e.getMessage().startsWith("scan7.png: landmark b at (30.00, 2.00) lies outside"), e.getMessage());
		final LabeledData<Landmarks> three = new LabeledData<>(new float[H * W], 1, H, W, Collections.singletonList(lm(1,
			1, 2, 2, 3, 3)));
		assertTrue(assertThrows(AmatException.class, () -> task.checkLabels(three)).getMessage().contains(
			"image 1 has 3 landmarks, but the task has 2"));
	}

	@Test
	void theTaskTypeIsDiscoveredAndRebuildsFromItsSpec() {
		assertTrue(Tasks.names().contains("landmarks"), Tasks.names().toString());
		final LandmarkTask back = (LandmarkTask) Tasks.fromSpec("landmarks", task.spec(), 1, task.network());
		assertEquals(task.spec(), back.spec());
		assertEquals(0.5, back.pixelSize(), 0);
		assertEquals("mm", back.spec().get("radius_unit").getAsString());
		assertEquals(new ArrayList<>(task.names()), back.names());
	}
}
