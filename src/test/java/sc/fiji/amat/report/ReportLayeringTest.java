package sc.fiji.amat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The report's classes are layered (plan, compute, part, assemble, write, then
 * {@link RobustnessReport} on top): no two classes of {@code report/} use each other, directly or
 * through others, and no main file there is over 400 lines. A class uses another when its code
 * (comments and string literals left out) names it.
 */
class ReportLayeringTest {

	private static final Path REPORT = Paths.get("src", "main", "java", "sc", "fiji", "amat", "report");
	private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);
	private static final Pattern STRINGS = Pattern.compile("\"(\\\\.|[^\"\\\\])*\"|'(\\\\.|[^'\\\\])*'");

	private static Map<String, Path> classes() throws IOException {
		try (Stream<Path> s = Files.walk(REPORT)) {
			final Map<String, Path> out = new TreeMap<>();
			for (final Path p : s.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList())) {
				final String name = p.getFileName().toString().replace(".java", "");
				if (!name.equals("package-info")) out.put(name, p);
			}
			return out;
		}
	}

	/** Per class, the other classes of report/ its code names. */
	static Map<String, Set<String>> uses() throws IOException {
		final Map<String, Path> classes = classes();
		final Map<String, Set<String>> uses = new TreeMap<>();
		for (final Map.Entry<String, Path> c : classes.entrySet()) {
			final String text = new String(Files.readAllBytes(c.getValue()), StandardCharsets.UTF_8);
			final String code = STRINGS.matcher(COMMENTS.matcher(text).replaceAll(" ")).replaceAll("\"\"");
			final Set<String> used = new TreeSet<>();
			for (final String other : classes.keySet()) {
				if (!other.equals(c.getKey()) && Pattern.compile("\\b" + other + "\\b").matcher(code).find()) {
					used.add(other);
				}
			}
			uses.put(c.getKey(), used);
		}
		return uses;
	}

	@Test
	void noTwoReportClassesUseEachOther() throws IOException {
		final Map<String, Set<String>> uses = uses();
		assertTrue(uses.size() > 20, uses.keySet().toString());
		final List<String> pairs = new ArrayList<>();
		for (final Map.Entry<String, Set<String>> e : uses.entrySet()) {
			for (final String other : e.getValue()) {
				if (e.getKey().compareTo(other) < 0 && uses.get(other).contains(e.getKey())) {
					pairs.add(e.getKey() + " <-> " + other);
				}
			}
		}
		assertEquals(new ArrayList<>(), pairs);
	}

	@Test
	void reportClassesFormNoCycle() throws IOException {
		final Map<String, Set<String>> uses = uses();
		final Set<String> done = new LinkedHashSet<>();
		final List<String> cycles = new ArrayList<>();
		for (final String c : uses.keySet()) {
			findCycle(c, uses, new ArrayList<>(), done, cycles);
		}
		assertEquals(new ArrayList<>(), cycles);
	}

	/** Depth-first from a class; a class met again on the current path closes a cycle. */
	private static void findCycle(final String c, final Map<String, Set<String>> uses, final List<String> path,
		final Set<String> done, final List<String> cycles)
	{
		if (done.contains(c)) return;
		final int at = path.indexOf(c);
		if (at >= 0) {
			cycles.add(String.join(" -> ", path.subList(at, path.size())) + " -> " + c);
			return;
		}
		path.add(c);
		for (final String next : uses.get(c)) findCycle(next, uses, path, done, cycles);
		path.remove(path.size() - 1);
		done.add(c);
	}

	@Test
	void noReportFileIsOver400Lines() throws IOException {
		final Map<String, Integer> long_ = new LinkedHashMap<>();
		for (final Map.Entry<String, Path> c : classes().entrySet()) {
			final int lines = Files.readAllLines(c.getValue(), StandardCharsets.UTF_8).size();
			if (lines > 400) long_.put(c.getKey(), lines);
		}
		assertEquals(new LinkedHashMap<>(), long_);
	}

	/** The check itself finds a pair that uses each other. */
	@Test
	void theCheckSeesAPairInTheMaking() {
		final String code = STRINGS.matcher(COMMENTS.matcher("/** ReportPart */ String s = \"ReportPart\"; " +
			"ReportPlan p;").replaceAll(" ")).replaceAll("\"\"");
		assertTrue(Pattern.compile("\\bReportPlan\\b").matcher(code).find());
		assertTrue(!Pattern.compile("\\bReportPart\\b").matcher(code).find());
	}
}
