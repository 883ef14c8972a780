package sc.fiji.amat.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.amat.TinyData;
import sc.fiji.amat.command.CommandsTest;
import sc.fiji.amat.engine.Engines;
import sc.fiji.amat.model.AmatModel;

/**
 * {@code scripts/amat} in a JVM of its own, where the exit code and standard error matter: a bad
 * input exits with 1 and one line "AMAT: sentence"; without PyTorch's natives (the native jar off
 * the class path, an empty DJL cache) the library, the command line and a command each say which
 * jar to install (row 25 of docs/reliability.md).
 */
class ChildJvmTest {

	@TempDir
	static Path dir;
	private static Path model, images, labels;

	@BeforeAll
	static void fixtures() {
		model = dir.resolve("seg.amat.zip");
		try (AmatModel m = TinyData.trainStandard(TinyData.squares(8, 3), 1)) {
			m.save(model);
		}
		final ij.ImagePlus[] sq = CommandsTest.squares(4);
		images = BadInputTest.tifIn(dir, sq[0], "images.tif");
		labels = BadInputTest.tifIn(dir, sq[1], "labels.tif");
	}

	/** Runs a main class; returns exit code, then the output lines. */
	static List<String> java(final String classPath, final boolean emptyCache, final String main, final String... args)
		throws Exception
	{
		final List<String> cmd = new ArrayList<>(Arrays.asList(System.getProperty("java.home") + File.separator + "bin" +
			File.separator + "java", "-cp", classPath, "-Dai.djl.offline=true", main));
		cmd.addAll(Arrays.asList(args));
		final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
		if (emptyCache) {
			final Path cache = Files.createDirectories(dir.resolve("empty-djl-cache"));
			pb.environment().put("DJL_CACHE_DIR", cache.toString());
			pb.environment().put("ENGINE_CACHE_DIR", cache.toString());
		}
		final Process p = pb.start();
		final List<String> lines = new ArrayList<>(Arrays.asList(new String(p.getInputStream().readAllBytes(),
			StandardCharsets.UTF_8).split("\n")));
		assertTrue(p.waitFor(120, TimeUnit.SECONDS));
		lines.add(0, Integer.toString(p.exitValue()));
		return lines;
	}

	private static String amatLine(final List<String> out) {
		return out.stream().filter(l -> l.startsWith("AMAT: ")).findFirst().orElseThrow(() -> new AssertionError(String
			.join("\n", out)));
	}

	@Test
	void aBadInputExitsWithOneAndOneLine() throws Exception {
		final Path notModel = dir.resolve("photos.zip");
		Files.write(notModel, new byte[] { 'P', 'K', 3, 4, 0 });
		final Path out = dir.resolve("never");
		final List<String> r = java(System.getProperty("java.class.path"), false, Main.class.getName(), "report",
			"--models", notModel.toString(), "--images", images.toString(), "--labels", images.toString(), "--out", out
				.toString());
		assertEquals("1", r.get(0), String.join("\n", r));
		final String line = amatLine(r);
		assertTrue(line.contains("photos.zip") && line.endsWith("."), line);
		assertFalse(Files.exists(out));
	}

	@Test
	void missingNativesAreOneSentenceNamingTheJar() throws Exception {
		final String withoutNatives = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter(e -> !e.contains("pytorch-native")).collect(Collectors.joining(File.pathSeparator));
		final String expected = Engines.missingNativesMessage();
		final Path out = dir.resolve("no-natives");
		final List<String> cli = java(withoutNatives, true, Main.class.getName(), "report", "--models", model.toString(),
			"--images", images.toString(), "--labels", labels.toString(), "--out", out.toString(), "--attacks", "noise",
			"--eps", "0,0.1", "--threads", "1");
		assertEquals("1", cli.get(0), String.join("\n", cli));
		assertEquals("AMAT: " + expected, amatLine(cli));
		final List<String> other = java(withoutNatives, true, NativesChild.class.getName(), model.toString(), images
			.toString());
		assertTrue(other.contains("library: " + expected), String.join("\n", other));
		assertTrue(other.contains("command: " + expected), String.join("\n", other));
		assertFalse(Files.exists(out));
		BadInputTest.seenExternally("25 missing natives", expected);
	}
}
