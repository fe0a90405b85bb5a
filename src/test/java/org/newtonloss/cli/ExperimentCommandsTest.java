package org.newtonloss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code isolate} and {@code synthetic} end to end: table, Markdown and JSON files, and one-line errors. */
class ExperimentCommandsTest {
    @TempDir Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void isolateWritesTableMarkdownAndJson() throws Exception {
        Path md = dir.resolve("t.md"), json = dir.resolve("t.json");
        Run r = run("isolate", "--loss", "mse", "--n", "4", "--seeds", "10", "--steps", "20", "--gd-lr", "0.5",
                "--adam-lr", "0.1", "--curvatures", "hessian,fisher", "--safeguards", "clip", "--lambdas", "0.1",
                "--markdown", md.toString(), "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(r.out(), Files.readString(md));
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals("mse", doc.get("loss").asText());
        // gd, adam, hessian+clip, fisher: gauss-newton is absent because mse has no Gauss-Newton form
        assertEquals(4, doc.get("rows").size());
        assertTrue(r.out().contains("newton(hessian,clip,λ=0.1,lr=1)"), r.out());
    }

    @Test
    void syntheticWritesOneRowPerConfiguration() throws Exception {
        Path json = dir.resolve("s.json");
        Run r = run("synthetic", "--loss", "neuralsort:tau=1", "--n", "3", "--seeds", "2", "--steps", "5",
                "--curvatures", "none,fisher", "--lambdas", "1,10", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(3, new ObjectMapper().readTree(json.toFile()).get("rows").size(), "baseline + fisher × 2 λ");
    }

    @Test
    void badListValuesAreOneLineNamingTheOption() {
        Run r = run("isolate", "--loss", "mse", "--n", "4", "--curvatures", "newton");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("newtonloss: error: --curvatures:") && r.err().strip().lines().count() == 1, r.err());
        Run s = run("synthetic", "--loss", "mse", "--lambdas", "0");
        assertEquals(2, s.code());
        assertTrue(s.err().contains("--lambdas") && s.err().contains("0"), s.err());
    }
}
