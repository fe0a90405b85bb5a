package org.newtonloss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench's JSON has every key of the DESIGN.md contract with sensible values, and a one-line summary. */
class BenchCommandTest {
    @TempDir Path dir;

    @Test
    void jsonHasEveryContractKey() throws IOException {
        Path json = dir.resolve("bench/out.json");
        CliRunner r = CliRunner.run("bench", "--loss", "softmax-ce", "--n", "5", "--batch", "8", "--curvature", "fisher",
                "--seconds", "0.03", "--repeats", "3", "--backend", "cpu", "--json", json.toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals(1, r.out().strip().split("\\R").length, r::toString);
        assertTrue(r.out().startsWith("bench softmax-ce n=5 m=5 batch=8 backend=cpu precision=float curvature=fisher"), r::toString);

        JsonNode o = new ObjectMapper().readTree(json.toFile());
        for (String key : List.of("loss", "n", "batch", "backend", "precision", "curvature", "threads", "samples_per_second"))
            assertTrue(o.has(key), "bench JSON lacks " + key + ": " + o);
        assertEquals("softmax-ce", o.get("loss").asText());
        assertEquals(5, o.get("n").asInt());
        assertEquals(8, o.get("batch").asInt());
        assertEquals("cpu", o.get("backend").asText());
        assertEquals("float", o.get("precision").asText());
        assertEquals("fisher", o.get("curvature").asText());
        assertEquals(Runtime.getRuntime().availableProcessors(), o.get("threads").asInt());
        JsonNode sps = o.get("samples_per_second");
        for (String op : List.of("loss_gradient", "hessian", "newton")) {
            assertTrue(sps.has(op), "samples_per_second lacks " + op);
            double v = sps.get(op).asDouble();
            assertTrue(v > 0 && Double.isFinite(v), op + " = " + v);
            assertEquals(3, o.get("rounds_samples_per_second").get(op).size());
        }
    }

    @Test
    void pathLossesTakeTheGridSide() throws IOException {
        Path json = dir.resolve("paths.json");
        CliRunner r = CliRunner.run("bench", "--loss", "bellman-ford:iterations=5", "--n", "3", "--batch", "2",
                "--curvature", "hessian", "--seconds", "0.02", "--repeats", "1", "--json", json.toString());
        assertEquals(0, r.exit(), r::toString);
        JsonNode o = new ObjectMapper().readTree(json.toFile());
        assertEquals(3, o.get("n").asInt());
        assertEquals(9, o.get("m").asInt());
        assertTrue(o.get("samples_per_second").get("newton").asDouble() > 0);
    }

    @Test
    void medianOfRoundsAndAtLeastOneCallPerRound() {
        int[] calls = {0};
        Throughput t = Throughput.measure(() -> calls[0]++, 10, 1e-6, 3);
        assertEquals(3, t.rounds().length);
        double[] sorted = t.rounds().clone();
        java.util.Arrays.sort(sorted);
        assertEquals(sorted[1], t.median());
        assertTrue(calls[0] >= 4, "warm-up and three rounds each call at least once, got " + calls[0]);
    }
}
