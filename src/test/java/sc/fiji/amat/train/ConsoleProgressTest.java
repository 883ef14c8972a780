package sc.fiji.amat.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The epoch line says nothing about validation when there is none (no "val dice NaN *"). */
class ConsoleProgressTest {

	private static String epochLine(final int validationSize, final double metric) throws Exception {
		final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		final ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, "UTF-8"), "[run]");
		p.started(3, 4, 32, validationSize, "segmentation");
		bytes.reset();
		p.epochEnded(new TrainingListener.EpochSummary(2, 3, 0.25, "dice", metric, true, 1.5, 2, ""));
		return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
	}

	@Test
	void withoutValidationTheLineHasNoValidation() throws Exception {
		final String line = epochLine(0, Double.NaN);
		assertTrue(line.startsWith("[run] epoch  2/3  loss 0.2500  1.5 s"), line);
		assertFalse(line.contains("NaN") || line.contains("val") || line.contains("*"), line);
	}

	@Test
	void withValidationTheLineHasTheMetricAndTheBestMark() throws Exception {
		final String line = epochLine(8, 0.75);
		assertTrue(line.startsWith("[run] epoch  2/3  loss 0.2500  val dice 0.7500 *  1.5 s"), line);
		assertEquals(1, line.split("\n").length);
	}
}
