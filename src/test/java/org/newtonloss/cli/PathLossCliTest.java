package org.newtonloss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The path families through {@code eval}: a good 3×3 input works; bad path input is one line and exit 2. */
class PathLossCliTest {
    static final String GOOD_COSTS = "[[1, 2, 3, 2, 1, 2, 3, 2, 1]]";
    static final String GOOD_PATH = "[[1, 0, 0, 0, 1, 0, 0, 0, 1]]";

    record Case(String name, String spec, String costs, String paths, int exit) {
        @Override public String toString() { return name; }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("bf ok", "bellman-ford:iterations=4", GOOD_COSTS, GOOD_PATH, 0),
                new Case("fy ok", "fenchel-young:samples=4", GOOD_COSTS, GOOD_PATH, 0),
                new Case("disconnected path", "bellman-ford", GOOD_COSTS, "[[1, 0, 0, 0, 0, 0, 0, 0, 1]]", 2),
                new Case("non-square", "smooth-loss", "[[1, 2, 3, 4, 5, 6, 7, 8]]", "[[1, 0, 0, 0, 0, 0, 0, 1]]", 2),
                new Case("zero samples", "smooth-loss:samples=0", GOOD_COSTS, GOOD_PATH, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void evalOnPathLosses(Case c, @TempDir Path dir) throws IOException {
        Path in = dir.resolve("in.json"), out = dir.resolve("out.json");
        Files.writeString(in, "{\"costs\": " + c.costs() + ", \"paths\": " + c.paths() + "}");
        CliRunner r = CliRunner.run("eval", "--loss", c.spec(), "--input", in.toString(), "--output", out.toString());
        assertEquals(c.exit(), r.exit(), r.toString());
        if (c.exit() == 0) {
            JsonNode o = new ObjectMapper().readTree(out.toFile());
            assertEquals(9, o.get("gradient").get(0).size());
            assertEquals(9, o.get("hessian").get(0).size());
        } else {
            assertEquals(1, r.errLines().length, r.toString());
            assertTrue(r.err().startsWith("newtonloss: error:"), r.toString());
        }
    }

    @Test
    void dataPathsThroughTheLauncherEntryPoint(@TempDir Path dir) {
        CliRunner ok = CliRunner.run("data", "paths", "--out", dir.toString(), "--train", "2", "--val", "1", "--test", "1");
        assertEquals(0, ok.exit(), ok.toString());
        for (String f : new String[] {"train_maps.npy", "val_shortest_paths.npy", "test_vertex_weights.npy", "preview.png"})
            assertTrue(Files.exists(dir.resolve(f)), f);
        CliRunner bad = CliRunner.run("data", "paths", "--out", dir.toString(), "--size", "1");
        assertEquals(2, bad.exit(), bad.toString());
        assertEquals(1, bad.errLines().length, bad.toString());
    }

    record GaussNewtonCase(String spec, int exit) {
        @Override public String toString() { return spec; }
    }

    static Stream<GaussNewtonCase> gaussNewtonCases() {
        return Stream.of(new GaussNewtonCase("bellman-ford:iterations=4", 0),
                new GaussNewtonCase("bellman-ford:iterations=4,loss=l1,loop=while", 0),
                new GaussNewtonCase("smooth-loss:samples=6,sigma=1", 0),
                new GaussNewtonCase("smooth-algorithm:samples=6,sigma=1,loss=l2", 0),
                new GaussNewtonCase("fenchel-young:samples=4", 2));
    }

    /** {@code newton --curvature gauss-newton} on the path families: the curvature written is the loss's own. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gaussNewtonCases")
    void newtonWithGaussNewtonOnPathLosses(GaussNewtonCase c, @TempDir Path dir) throws IOException {
        Path in = dir.resolve("in.json"), out = dir.resolve("out.json");
        String costs = "[[1, 2, 3, 2, 1, 2, 3, 2, 1], [2, 1, 1, 3, 1, 2, 1, 1, 1]]";
        String paths = "[[1, 0, 0, 0, 1, 0, 0, 0, 1], [1, 1, 0, 0, 0, 1, 0, 0, 1]]";
        Files.writeString(in, "{\"costs\": " + costs + ", \"paths\": " + paths + "}");
        CliRunner r = CliRunner.run("newton", "--loss", c.spec(), "--curvature", "gauss-newton", "--lambda", "0.01",
                "--input", in.toString(), "--output", out.toString());
        assertEquals(c.exit(), r.exit(), r.toString());
        if (c.exit() != 0) {
            assertEquals(1, r.errLines().length, r.toString());
            assertTrue(r.err().contains("curvature gauss-newton is not available for loss 'fenchel-young"), r.toString());
            return;
        }
        JsonNode o = new ObjectMapper().readTree(out.toFile());
        double[] y = {1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 1, 1, 3, 1, 2, 1, 1, 1};
        double[] t = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1};
        double[] expected = org.newtonloss.loss.Batches.evaluateGaussNewton(org.newtonloss.spec.Losses.parse(c.spec()),
                y, t, 2, 9).hess();
        JsonNode gn = o.get("gauss_newton");
        for (int s = 0; s < 2; s++)
            for (int i = 0; i < 9; i++)
                for (int j = 0; j < 9; j++)
                    assertEquals(expected[s * 81 + i * 9 + j], gn.get(s).get(i).get(j).asDouble(), 0.0, "C[" + s + "]");
        assertEquals(0, o.get("stats").get("escalated").asInt(), o.get("stats").toString());
    }

    @Test
    void benchTakesGaussNewtonOnPathLosses() {
        CliRunner r = CliRunner.run("bench", "--loss", "smooth-algorithm:samples=4", "--n", "4", "--batch", "3",
                "--curvature", "gauss-newton", "--seconds", "0.02", "--repeats", "1");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("curvature=gauss-newton"), r.toString());
    }
}
