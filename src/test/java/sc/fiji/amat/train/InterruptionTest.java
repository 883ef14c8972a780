package sc.fiji.amat.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.AtomicFiles;
import sc.fiji.amat.model.ModelFile;

/**
 * Training killed with SIGKILL (a child JVM, {@link Process#destroyForcibly}) at seeded random
 * steps and inside a checkpoint write, resumed from the last checkpoint each time, ends with the
 * same model as an uninterrupted run, bit for bit: weights, best weights, optimizer state, epoch
 * counters, AMAT margins and the loss history. The RNG state needs no saving: every step seeds
 * PyTorch from (seed, epoch, step) and every epoch's shuffle from (seed, epoch).
 */
class InterruptionTest {

	private static final int EPOCHS = 4;

	@TempDir
	Path dir;

	@Test
	void killedAnywhereThenResumedEqualsAnUninterruptedRun() throws Exception {
		final Path straight = Files.createDirectory(dir.resolve("straight"));
		assertTrue(child(straight, null, -1).finished, "the uninterrupted run finishes");

		final Path broken = Files.createDirectory(dir.resolve("broken"));
		final Random r = new Random(18);
		// 1: killed after a random step of the first two epochs (3 steps per epoch)
		assertFalse(child(broken, null, 1 + r.nextInt(6)).finished);
		// 2: killed inside the next checkpoint write, after its first KiB
		final Run inWrite = child(broken, "ck.amat.zip", -1);
		assertFalse(inWrite.finished);
		assertTrue(inWrite.killedInWrite, "the kill landed inside the checkpoint write");
		assertTrue(hiddenTemporaries(broken) > 0, "a half-written temporary file is left, under another name");
		// the checkpoint under its own name is the previous complete one, or none yet
		if (Files.exists(broken.resolve("ck.amat.zip"))) ModelFile.read(broken.resolve("ck.amat.zip"));
		// 3: killed after another random step, then 4: runs to the end
		child(broken, null, 1 + r.nextInt(4));
		final Run last = child(broken, null, -1);
		assertTrue(last.finished, String.join("\n", last.output));

		final ModelFile a = ModelFile.read(straight.resolve("ck.amat.zip")), b = ModelFile.read(broken.resolve(
			"ck.amat.zip"));
		assertArrayEquals(a.entry(ModelFile.WEIGHTS), b.entry(ModelFile.WEIGHTS), "weights");
		assertArrayEquals(a.entry(Checkpoint.BEST), b.entry(Checkpoint.BEST), "best weights");
		assertArrayEquals(a.entry(Checkpoint.OPTIMIZER), b.entry(Checkpoint.OPTIMIZER), "optimizer state");
		assertArrayEquals(a.entry(Checkpoint.STATE), b.entry(Checkpoint.STATE), "epoch counters, best epoch and value");
		assertEquals(EPOCHS, b.info().training.epochsCompleted);
		assertEquals(a.info().training.methodState, b.info().training.methodState, "AMAT margins and thresholds");
		assertTrue(a.info().training.methodState.getAsJsonArray("margins").size() > 0);
		assertEquals(withoutTimes(a.info().training.history), withoutTimes(b.info().training.history), "history");
		assertArrayEquals(ModelFile.read(straight.resolve("final.amat.zip")).entry(ModelFile.WEIGHTS), ModelFile.read(
			broken.resolve("final.amat.zip")).entry(ModelFile.WEIGHTS), "the finished model");
	}

	private static JsonObject withoutTimes(final JsonObject history) {
		final JsonObject h = history.deepCopy();
		h.remove("seconds");
		return h;
	}

	private static long hiddenTemporaries(final Path dir) throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.filter(p -> p.getFileName().toString().startsWith(".") && p.getFileName().toString().endsWith(".tmp"))
				.count();
		}
	}

	/** What a child run did. */
	private static final class Run {

		boolean finished, killedInWrite;
		final List<String> output = new ArrayList<>(), stepsBefore = new ArrayList<>();
	}

	/**
	 * Runs {@link TrainingChild} in the folder; kills it after {@code killAfterSteps} step lines
	 * (when positive) or once it says it is writing a file ending with {@code pauseIn} (when set).
	 */
	private static Run child(final Path dir, final String pauseIn, final int killAfterSteps) throws Exception {
		final List<String> cmd = new ArrayList<>();
		cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
		cmd.add("-cp");
		cmd.add(System.getProperty("java.class.path"));
		cmd.add("-Dai.djl.offline=true");
		if (pauseIn != null) {
			cmd.add("-D" + AtomicFiles.PAUSE_WRITING + "=" + pauseIn);
			cmd.add("-D" + AtomicFiles.PAUSE_MILLIS + "=60000");
		}
		cmd.add(TrainingChild.class.getName());
		cmd.add(dir.toString());
		cmd.add(Integer.toString(EPOCHS));
		final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
		final Run run = new Run();
		int steps = 0;
		try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = in.readLine()) != null) {
				run.output.add(line);
				if (line.startsWith("step ")) run.stepsBefore.add(line);
				if (line.equals("done")) run.finished = true;
				if (line.startsWith("step ") && ++steps == killAfterSteps || pauseIn != null && line.startsWith(
					"amat: writing ") && line.contains(pauseIn))
				{
					run.killedInWrite = !line.startsWith("step ");
					p.destroyForcibly();
					break;
				}
			}
		}
		assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child ends");
		if (!run.finished && !run.killedInWrite && killAfterSteps < 0) {
			throw new AssertionError("the child failed:\n" + run.output.stream().collect(Collectors.joining("\n")));
		}
		return run;
	}
}
