package org.newtonloss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.backend.Backends;

/**
 * Bad usage and bad input through the whole CLI, in-process: exit status 2, exactly one line on stderr that
 * starts with {@code newtonloss: error:} and names the problem, no stack trace, no output file.
 */
class MainErrorsTest {
    @TempDir static Path dir;
    static Path good;

    @BeforeAll
    static void files() throws IOException {
        good = write("good.json", "{\"scores\": [[0.5, -1, 2]], \"targets\": [[3, 1, 2]]}");
        write("nan.json", "{\"scores\": [[0.5, NaN, 2]], \"targets\": [[3, 1, 2]]}");
        write("inf.json", "{\"scores\": [[0.5, 1]], \"targets\": [[1, -Infinity]]}");
        write("text.json", "{\"scores\": [[0.5, \"x\"]], \"targets\": [[1, 2]]}");
        write("lengths.json", "{\"scores\": [[1, 2, 3], [1, 2, 3]], \"targets\": [[1, 2, 3], [1, 2]]}");
        write("rows.json", "{\"scores\": [[1, 2], [3, 4]], \"targets\": [[1, 2]]}");
        write("n1.json", "{\"scores\": [[1]], \"targets\": [[1]]}");
        write("empty.json", "{\"scores\": [], \"targets\": []}");
        write("malformed.json", "{\"scores\": [[1, 2],\n [3 4]], \"targets\": [[1, 2], [3, 4]]}");
    }

    static Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** A bad command line and what the one error line must contain. */
    record BadCall(String what, List<String> args, String expected) {
        @Override public String toString() { return what; }
    }

    static List<String> eval(String input, String... more) {
        List<String> a = new ArrayList<>(List.of("eval", "--loss", "mse", "--input", dir.resolve(input).toString(),
                "--output", dir.resolve("out-" + input).toString()));
        a.addAll(List.of(more));
        return a;
    }

    static Stream<BadCall> badCalls() {
        return Stream.of(
                new BadCall("unknown command", List.of("frobnicate"), "unknown command 'frobnicate'"),
                new BadCall("no command", List.of(), "missing command"),
                new BadCall("unknown option", eval("good.json", "--frob"), "Unknown option: '--frob'"),
                new BadCall("missing required option", List.of("eval", "--loss", "mse"), "Missing required options"),
                new BadCall("unknown SPEC family", List.of("eval", "--loss", "nosuchloss:tau=1", "--input", "x", "--output", "y"),
                        "unknown family 'nosuchloss'"),
                new BadCall("unknown SPEC key", List.of("eval", "--loss", "dsn:network=odd_even,tau=1", "--input", "x", "--output", "y"),
                        "unknown key 'tau' for family 'dsn'"),
                new BadCall("unknown sigmoid", List.of("eval", "--loss", "dsn:sigmoid=tanh", "--input", "x", "--output", "y"),
                        "unknown sigmoid 'tanh' (known: logistic, logistic_phi, gaussian, reciprocal, cauchy, optimal)"),
                new BadCall("bad SPEC value", List.of("eval", "--loss", "neuralsort:tau=-1", "--input", "x", "--output", "y"),
                        "tau must be > 0, got -1"),
                new BadCall("newton without --lambda", List.of("newton", "--loss", "mse", "--curvature", "hessian", "--input",
                        "x", "--output", "y"), "Missing required option: '--lambda'"),
                new BadCall("newton without --curvature", List.of("newton", "--loss", "mse", "--lambda", "1", "--input",
                        "x", "--output", "y"), "Missing required option: '--curvature'"),
                new BadCall("lambda zero", newton("good.json", "--lambda", "0"), "--lambda must be finite and > 0, got 0.0"),
                new BadCall("lambda negative", newton("good.json", "--lambda", "-1"), "--lambda must be finite and > 0, got -1.0"),
                new BadCall("lambda not a number", newton("good.json", "--lambda", "abc"), "'abc' is not a double"),
                new BadCall("unknown curvature", newton("good.json", "--curvature", "exact"), "--curvature: unknown curvature 'exact'"),
                new BadCall("unknown safeguard", newton("good.json", "--safeguard", "none"), "--safeguard: unknown safeguard 'none'"),
                new BadCall("gauss-newton without that form", newton("good.json", "--curvature", "gauss-newton"),
                        "curvature gauss-newton is not available for loss 'mse'"),
                new BadCall("bad precision", eval("good.json", "--precision", "half"), "precision must be float or double, got 'half'"),
                new BadCall("unknown backend", eval("good.json", "--backend", "tpu"), "unknown backend 'tpu'"),
                new BadCall("NaN score", eval("nan.json"), "scores[0][1] is NaN"),
                new BadCall("infinite target", eval("inf.json"), "targets[0][1] is -Infinity"),
                new BadCall("string score", eval("text.json"), "scores[0][1] must be a number, got a string \"x\""),
                new BadCall("mismatched lengths", eval("lengths.json"), "row 1: scores[1] has 3 values but targets[1] has 2"),
                new BadCall("mismatched rows", eval("rows.json"), "\"scores\" has 2 rows but \"targets\" has 1"),
                new BadCall("n < 2", eval("n1.json"), "n must be >= 2 (items per sample), but scores[0] has 1 value"),
                new BadCall("empty batch", eval("empty.json"), "empty batch"),
                new BadCall("malformed JSON", eval("malformed.json"), "malformed JSON at line 2, column"),
                new BadCall("missing file", eval("does-not-exist.json"), "does-not-exist.json: file not found"),
                new BadCall("bench n < 2", List.of("bench", "--loss", "mse", "--n", "1", "--batch", "4"), "--n must be >= 2, got 1"),
                new BadCall("bench batch 0", List.of("bench", "--loss", "mse", "--n", "4", "--batch", "0"), "--batch must be >= 1, got 0"),
                new BadCall("bench seconds", List.of("bench", "--loss", "mse", "--n", "4", "--batch", "4", "--seconds", "0"),
                        "--seconds must be > 0"));
    }

    static List<String> newton(String input, String... more) {
        List<String> a = new ArrayList<>(List.of("newton", "--loss", "mse", "--input", dir.resolve(input).toString(),
                "--output", dir.resolve("newton-" + input).toString()));
        a.addAll(List.of(more));
        if (!a.contains("--curvature")) a.addAll(List.of("--curvature", "hessian"));
        if (!a.contains("--lambda")) a.addAll(List.of("--lambda", "1"));
        return a;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCalls")
    void badInputIsOneLineAndExitTwo(BadCall call) {
        CliRunner r = CliRunner.run(call.args().toArray(String[]::new));
        assertEquals(Main.EXIT_USAGE, r.exit(), r::toString);
        String[] lines = r.errLines();
        assertEquals(1, lines.length, () -> "expected one stderr line\n" + r);
        assertTrue(lines[0].startsWith("newtonloss: error: "), r::toString);
        assertTrue(lines[0].contains(call.expected()), () -> "expected '" + call.expected() + "' in\n" + r);
        assertEquals("", r.out(), r::toString);
    }

    @Test
    void failedRunLeavesNoOutputFile() {
        CliRunner r = CliRunner.run(eval("nan.json").toArray(String[]::new));
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertFalse(Files.exists(dir.resolve("out-nan.json")));
    }

    @Test
    void cudaWithoutGpuFailsInOneLineWithTheReason() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Backends.cudaAvailable(), "a usable CUDA backend is present");
        CliRunner r = CliRunner.run(eval("good.json", "--backend", "cuda").toArray(String[]::new));
        assertEquals(Main.EXIT_USAGE, r.exit(), r::toString);
        assertEquals(1, r.errLines().length, r::toString);
        String reason = Backends.describe().stream().filter(s -> s.name().equals("cuda")).findFirst().orElseThrow().reason();
        assertTrue(r.err().contains("--backend cuda") && r.err().contains(reason), r::toString);
    }

    @Test
    void verboseAndDebugAddTheStackTrace() {
        CliRunner quiet = CliRunner.run(eval("nan.json").toArray(String[]::new));
        CliRunner verbose = CliRunner.run(Stream.concat(eval("nan.json").stream(), Stream.of("--verbose")).toArray(String[]::new));
        CliRunner debug = CliRunner.run(Map.of("NEWTONLOSS_DEBUG", "1"), eval("nan.json").toArray(String[]::new));
        assertEquals(1, quiet.errLines().length, quiet::toString);
        for (CliRunner r : List.of(verbose, debug)) {
            assertEquals(Main.EXIT_USAGE, r.exit());
            assertTrue(r.errLines()[0].startsWith("newtonloss: error: "), r::toString);
            assertTrue(r.err().contains("\tat org.newtonloss."), () -> "expected a stack trace\n" + r);
        }
    }

    @Test
    void failureThatIsNotBadInputExitsOneInOneLine() throws IOException {
        // The output path's parent is a regular file: an I/O failure, not bad input.
        Path file = write("a-file", "x");
        CliRunner r = CliRunner.run("eval", "--loss", "mse", "--input", good.toString(), "--output",
                file.resolve("out.json").toString());
        assertEquals(Main.EXIT_FAILURE, r.exit(), r::toString);
        assertEquals(1, r.errLines().length, r::toString);
        assertTrue(r.errLines()[0].startsWith("newtonloss: error: I/O error"), r::toString);
    }

    @Test
    void failureDescriptionsAreOneLine() {
        assertEquals("I/O error: disk full", Main.describe(new java.io.UncheckedIOException(new IOException("disk full\nmore"))));
        assertEquals("out of memory (Java heap space): use a smaller batch or more heap, e.g. NEWTONLOSS_JAVA_OPTS=-Xmx16g",
                Main.describe(new OutOfMemoryError("Java heap space")));
        assertEquals("IllegalStateException: broken (rerun with --verbose for the stack trace)",
                Main.describe(new IllegalStateException("broken\n\tat somewhere")));
        assertEquals("n must be >= 2", Main.describe(new IllegalArgumentException("n must be >= 2")));
    }

    @Test
    void helpAndVersionExitZero() {
        for (String[] args : new String[][] {{"--help"}, {"eval", "--help"}, {"newton", "--help"}, {"bench", "--help"},
                {"info", "--help"}, {"--version"}}) {
            CliRunner r = CliRunner.run(args);
            assertEquals(Main.EXIT_OK, r.exit(), r::toString);
            assertTrue(r.out().contains("Usage: newtonloss") || r.out().startsWith("newtonloss "), r::toString);
            assertEquals("", r.err(), r::toString);
        }
        assertTrue(CliRunner.run("newton", "--help").out().contains("--curvature"));
        // every registered command (and its subcommands) answers --help
        picocli.CommandLine root = new picocli.CommandLine(new Main());
        List<String> names = new ArrayList<>();
        root.getSubcommands().forEach((name, cmd) -> {
            names.add(name);
            cmd.getSubcommands().keySet().forEach(sub -> names.add(name + " " + sub));
        });
        assertTrue(names.containsAll(List.of("info", "eval", "newton", "bench", "data paths")), names::toString);
        for (String name : names) {
            if (name.startsWith("help")) continue;
            List<String> args = new ArrayList<>(List.of(name.split(" ")));
            args.add("--help");
            CliRunner r = CliRunner.run(args.toArray(String[]::new));
            assertEquals(Main.EXIT_OK, r.exit(), r::toString);
            assertTrue(r.out().startsWith("Usage: newtonloss " + name), r::toString);
        }
    }
}
