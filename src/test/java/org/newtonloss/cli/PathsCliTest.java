package org.newtonloss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.spec.Losses;

/** Path losses through the CLI: the {"costs", "paths"} layout in, OUT.json equal to the library's results. */
class PathsCliTest {
    @TempDir Path dir;

    static final double[] COSTS = {1.5, 7.7, 0.8, 9.2, 1.2, 5.3, 0.8, 7.7, 1.2, /* sample 2 */ 5.3, 0.8, 1.2, 9.2, 7.7, 0.8, 1.2, 5.3, 0.8};
    static final double[] PATHS = {1, 0, 0, 0, 1, 0, 0, 0, 1, /* sample 2 */ 1, 1, 0, 0, 0, 1, 0, 0, 1};

    Path input() throws IOException {
        Path p = dir.resolve("paths.json");
        Files.writeString(p, "{\"costs\": [" + row(COSTS, 0) + ", " + row(COSTS, 9) + "], \"paths\": [" + row(PATHS, 0)
                + ", " + row(PATHS, 9) + "]}");
        return p;
    }

    static String row(double[] a, int from) {
        return Arrays.toString(Arrays.copyOfRange(a, from, from + 9));
    }

    static double[] flat(JsonNode node) {
        java.util.List<Double> out = new java.util.ArrayList<>();
        EvalNewtonRoundTripTest.flatten(node, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void evalOfRelaxedBellmanFordMatchesTheLibrary() throws IOException {
        String spec = "bellman-ford:loop=for,loss=l2,beta=10,iterations=25,tconorm=probabilistic";
        Path out = dir.resolve("out.json");
        CliRunner r = CliRunner.run("eval", "--loss", spec, "--input", input().toString(), "--output", out.toString());
        assertEquals(0, r.exit(), r::toString);
        JsonNode o = new ObjectMapper().readTree(out.toFile());
        assertEquals(9, o.get("m").asInt());
        AlgorithmicLoss loss = Losses.parse(spec);
        Evaluation ev = Batches.evaluate(loss, COSTS, PATHS, 2, 9, true);
        assertEquals(Arrays.toString(ev.loss()), Arrays.toString(flat(o.get("loss"))));
        assertEquals(Arrays.toString(ev.grad()), Arrays.toString(flat(o.get("gradient"))));
        assertEquals(Arrays.toString(ev.hess()), Arrays.toString(flat(o.get("hessian"))));
    }

    @Test
    void rankingFileForAPathLossIsOneLineExitTwo() throws IOException {
        Path ranking = dir.resolve("ranking.json");
        Files.writeString(ranking, "{\"scores\": [[1, 2, 3, 4]], \"targets\": [[1, 2, 3, 4]]}");
        CliRunner r = CliRunner.run("eval", "--loss", "bellman-ford", "--input", ranking.toString(), "--output",
                dir.resolve("x.json").toString());
        assertEquals(Main.EXIT_USAGE, r.exit(), r::toString);
        assertEquals(1, r.errLines().length, r::toString);
        assertTrue(r.err().contains("this loss reads 'costs' and 'paths', but the file holds 'scores' and 'targets'"), r::toString);
    }
}
