package org.newtonloss.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.EvaluationF32;
import org.newtonloss.spec.Losses;
import org.newtonloss.spec.SpecException;
import org.newtonloss.testing.FiniteDifferences;
import org.newtonloss.testing.Tolerances;

class RelaxedBellmanFordTest {
    /** One sample of shared/reference/bf_reference_public.json (AlgoVision through PyTorch, float64). */
    record Reference(String config, int index, String spec, int side, boolean smooth, double[] costs, double[] path,
                     double[] output, double loss, double[] gradient, double[] hessian, int whileSteps) {
        @Override public String toString() { return config + "#" + index + " " + spec; }
    }

    static Path referenceFile() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared/reference/bf_reference_public.json");
            if (Files.exists(c)) return c;
        }
        throw new IllegalStateException("shared/reference/bf_reference_public.json not found in any parent of "
                + Path.of("").toAbsolutePath() + " (the project expects shared/ beside the checkout)");
    }

    static Stream<Reference> references() throws IOException {
        JsonNode root = new ObjectMapper().readTree(referenceFile().toFile());
        List<Reference> out = new ArrayList<>();
        for (JsonNode c : root.get("configs")) {
            int index = 0;
            for (JsonNode s : c.get("samples")) {
                JsonNode diag = s.get("diagnostics");
                out.add(new Reference(c.get("name").asText(), index++, c.get("spec").asText(), c.get("H").asInt(),
                        c.get("smooth").asBoolean(), doubles(s.get("costs")), doubles(s.get("path")),
                        doubles(s.get("output")), s.get("loss").asDouble(), doubles(s.get("gradient")),
                        doubles(s.get("hessian")), diag.has("while_iterations") ? diag.get("while_iterations").asInt() : -1));
            }
        }
        return out.stream();
    }

    static double[] doubles(JsonNode node) {
        List<Double> v = new ArrayList<>();
        flatten(node, v);
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void flatten(JsonNode node, List<Double> out) {
        if (node.isArray()) for (JsonNode e : node) flatten(e, out);
        else out.add(node.asDouble());
    }

    /** Relative error as the reference defines it: max |own − ref| / max |ref|. */
    static double relativeError(double[] expected, double[] actual) {
        double diff = 0, scale = 0;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / scale;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("references")
    void reproducesAlgoVision(Reference ref) {
        assertEquals(ref.side() * ref.side(), ref.costs().length);
        AlgorithmicLoss loss = Losses.parse(ref.spec());
        RelaxedBellmanFord bf = (RelaxedBellmanFord) loss;
        GridShape grid = GridShape.square(ref.costs().length);
        int m = grid.cells();
        // All public configurations are smooth or, for While, smooth within the recorded piece K: 1e-9 relative.
        Tolerances.assertAllClose(ref.output(), bf.pathMap(grid, ref.costs(), 0), new Tolerances.Tol(1e-9, 1e-13),
                ref + " output");
        if (ref.whileSteps() >= 0) assertEquals(ref.whileSteps(), bf.whileSteps(grid, ref.costs(), 0), "While K");
        double[] grad = new double[m];
        double[] hess = new double[m * m];
        double value = loss.evaluate(0, m, ref.costs(), ref.path(), grad, hess);
        Tolerances.assertClose(ref.loss(), value, Tolerances.F64, ref + " loss");
        double gErr = relativeError(ref.gradient(), grad);
        double hErr = relativeError(ref.hessian(), hess);
        assertTrue(gErr <= 1e-9, ref + ": gradient relative error " + gErr);
        assertTrue(hErr <= 1e-9, ref + ": Hessian relative error " + hErr);
        assertEquals(0.0, grad[0], "the start's cost never counts");
    }

    record FdCase(String spec, int side, long seed) {}

    static Stream<FdCase> fdCases() {
        return Stream.of(
                new FdCase("bellman-ford:loop=for,loss=l2,beta=3,iterations=6,tconorm=probabilistic", 4, 1),
                new FdCase("bellman-ford:loop=for,loss=l1,beta=2,iterations=7,tconorm=hamacher,p=3", 5, 2),
                new FdCase("bellman-ford:loop=while,loss=l2,beta=4,iterations=5,tconorm=probabilistic,stop=sample", 4, 3),
                new FdCase("bellman-ford:loop=for,loss=l2,beta=3,iterations=8,tconorm=hamacher,p=0.5,start=absorb", 5, 4),
                new FdCase("bellman-ford:loop=while,loss=l1,beta=2,iterations=6,tconorm=hamacher,p=5,start=absorb", 4, 5),
                new FdCase("bellman-ford:loop=for,loss=l2,beta=1,iterations=5,tconorm=yager", 4, 6));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fdCases")
    void gradientAndHessianMatchFiniteDifferences(FdCase c) {
        AlgorithmicLoss loss = Losses.parse(c.spec());
        GridShape grid = new GridShape(c.side(), c.side());
        int m = grid.cells();
        SplittableRandom rnd = new SplittableRandom(c.seed());
        double[] costs = new double[m];
        for (int i = 0; i < m; i++) costs[i] = 0.5 + 2 * rnd.nextDouble();
        double[] path = GridShortestPath.solve(grid, costs);
        double[] grad = new double[m];
        double[] hess = new double[m * m];
        loss.evaluate(0, m, costs, path, grad, hess);
        double[] fdGrad = FiniteDifferences.gradient(loss, costs, path, m, 1e-5);
        double[] fdHess = FiniteDifferences.hessian(loss, costs, path, m, 1e-5);
        Tolerances.assertAllCloseScaled(fdGrad, grad, 1e-6, c + " gradient");
        Tolerances.assertAllCloseScaled(fdHess, hess, 1e-6, c + " Hessian");
        double asym = 0, scale = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++) {
                asym = Math.max(asym, Math.abs(hess[i * m + j] - hess[j * m + i]));
                scale = Math.max(scale, Math.abs(hess[i * m + j]));
            }
        assertTrue(asym <= 1e-10 * scale, c + ": Hessian asymmetry " + asym + " at scale " + scale);
    }

    @Test
    void withTheStartAbsorbingTheMapTendsToTheExactPathAsBetaGrows() {
        SplittableRandom rnd = new SplittableRandom(11);
        GridShape grid = new GridShape(8, 8);
        int checked = 0, bounceOff = 0;
        for (int trial = 0; trial < 12; trial++) {
            double[] costs = new double[grid.cells()];
            for (int i = 0; i < costs.length; i++) costs[i] = 0.5 + 4.5 * rnd.nextDouble();
            double[] exact = GridShortestPath.solve(grid, costs);
            RelaxedBellmanFord fixed = new RelaxedBellmanFord(new RelaxedBellmanFord.Options(RelaxedBellmanFord.Loop.FOR,
                    RelaxedBellmanFord.PathLoss.L2, 200, 64, TConorm.PROBABILISTIC, 5,
                    RelaxedBellmanFord.StartRule.ABSORB, RelaxedBellmanFord.Stop.SAMPLE));
            RelaxedBellmanFord quirky = new RelaxedBellmanFord(RelaxedBellmanFord.Options.algovision(
                    RelaxedBellmanFord.Loop.FOR, RelaxedBellmanFord.PathLoss.L2, 200, 64, TConorm.PROBABILISTIC, 5));
            double[] soft = fixed.pathMap(grid, costs, 0);
            double[] bouncing = quirky.pathMap(grid, costs, 0);
            // the start's cheapest neighbour is where AlgoVision's trace bounces
            int bounce = costs[1] <= Math.min(costs[8], costs[9]) ? 1 : costs[8] <= costs[9] ? 8 : 9;
            for (int i = 0; i < soft.length; i++) assertEquals(exact[i], soft[i], 0.02, "trial " + trial + " cell " + i);
            if (exact[bounce] == 0) {
                bounceOff++;
                assertTrue(bouncing[bounce] > 0.95, "AlgoVision's quirk: the bounce cell " + bounce + " is on the map");
            }
            checked++;
        }
        assertEquals(12, checked);
        assertTrue(bounceOff > 0, "the random grids should include a bounce cell off the path");
    }

    @Test
    void tooFewIterationsGiveTheInftyRegimeWithoutNaN() {
        // N = 5 < max(H, W) − 1 = 7: the target never gets an ordinary distance; its weights point into the
        // 1e12 border, so the map is ≈ one-hot at the target and the L1 loss ≈ (path cells − 1) (ALGOVISION_BF.md §8)
        GridShape grid = new GridShape(8, 8);
        SplittableRandom rnd = new SplittableRandom(21);
        double[] costs = new double[64];
        for (int i = 0; i < 64; i++) costs[i] = 0.5 + 4.5 * rnd.nextDouble();
        double[] path = GridShortestPath.solve(grid, costs);
        RelaxedBellmanFord bf = (RelaxedBellmanFord) Losses.parse("bellman-ford:loop=for,loss=l1,beta=10,iterations=5");
        double[] map = bf.pathMap(grid, costs, 0);
        assertEquals(1.0, map[63], 1e-12);
        for (int i = 0; i < 63; i++) assertTrue(map[i] >= 0 && map[i] < 1e-3, "cell " + i + ": " + map[i]);
        double[] grad = new double[64], hess = new double[64 * 64];
        double value = bf.evaluate(0, 64, costs, path, grad, hess);
        double cells = java.util.Arrays.stream(path).sum();
        assertEquals(cells - 1, value, 1e-3);
        for (double v : hess) assertTrue(Double.isFinite(v));
    }

    @Test
    void batchWideWhileStopEqualsTheSlowestSamplesCount() {
        RelaxedBellmanFord batchStop = (RelaxedBellmanFord) Losses.parse(
                "bellman-ford:loop=while,loss=l2,beta=2,iterations=6,tconorm=probabilistic");
        RelaxedBellmanFord ownStop = (RelaxedBellmanFord) Losses.parse(
                "bellman-ford:loop=while,loss=l2,beta=2,iterations=6,tconorm=probabilistic,stop=sample");
        GridShape grid = new GridShape(5, 5);
        int m = 25, batch = 6;
        SplittableRandom rnd = new SplittableRandom(8);
        double[] costs = new double[batch * m];
        for (int i = 0; i < costs.length; i++) costs[i] = 0.3 + 6 * rnd.nextDouble() * rnd.nextDouble();
        double[] paths = new double[costs.length];
        GridShortestPath.solveBatch(grid, costs, paths);
        int slowest = 0, fastest = Integer.MAX_VALUE;
        for (int b = 0; b < batch; b++) {
            int k = ownStop.whileSteps(grid, costs, b * m);
            slowest = Math.max(slowest, k);
            fastest = Math.min(fastest, k);
        }
        assertTrue(slowest > fastest, "the batch should mix stop counts " + fastest + ".." + slowest);
        Evaluation together = Batches.evaluate(batchStop, costs, paths, batch, m, false);
        Evaluation alone = Batches.evaluate(ownStop, costs, paths, batch, m, false);
        for (int b = 0; b < batch; b++) {
            double[] one = java.util.Arrays.copyOfRange(costs, b * m, b * m + m);
            double[] onePath = java.util.Arrays.copyOfRange(paths, b * m, b * m + m);
            // alone (a batch of one) both rules agree exactly
            double single = batchStop.evaluate(0, m, one, onePath, new double[m], null);
            assertEquals(alone.loss()[b], single, 0.0);
            // inside the batch the difference is bounded by the sample's own leftover probability (< 1e-5 scale)
            assertEquals(alone.loss()[b], together.loss()[b], 1e-4);
        }
        boolean anyDiffers = false;
        for (int b = 0; b < batch; b++) anyDiffers |= alone.loss()[b] != together.loss()[b];
        assertTrue(anyDiffers, "batch-wide stop should change at least one sample");
    }

    @Test
    void floatAgreesWithDouble() {
        AlgorithmicLoss loss = Losses.parse("bellman-ford:loop=for,loss=l2,beta=10,iterations=12,tconorm=probabilistic");
        GridShape grid = new GridShape(6, 6);
        int m = 36, batch = 3;
        SplittableRandom rnd = new SplittableRandom(4);
        double[] costs = new double[batch * m];
        for (int i = 0; i < costs.length; i++) costs[i] = 0.8 + 8 * rnd.nextDouble();
        double[] paths = new double[costs.length];
        GridShortestPath.solveBatch(grid, costs, paths);
        float[] cf = new float[costs.length], pf = new float[costs.length];
        for (int i = 0; i < costs.length; i++) {
            costs[i] = (float) costs[i];
            cf[i] = (float) costs[i];
            pf[i] = (float) paths[i];
        }
        Evaluation d = Batches.evaluate(loss, costs, paths, batch, m, true);
        EvaluationF32 f = Batches.evaluate(loss, cf, pf, batch, m, true);
        for (int i = 0; i < batch; i++) Tolerances.assertClose(d.loss()[i], f.loss()[i], Tolerances.F32, "loss " + i);
        double[] fg = new double[f.grad().length];
        for (int i = 0; i < fg.length; i++) fg[i] = f.grad()[i];
        Tolerances.assertAllCloseScaled(d.grad(), fg, 1e-6, "float gradient");
    }

    @Test
    void badInputIsRejectedNamingTheValue() {
        AlgorithmicLoss loss = Losses.parse("bellman-ford");
        assertEquals("bellman-ford:loop=for,loss=l2,beta=10.0,iterations=25,tconorm=probabilistic", loss.spec());
        double[] costs = new double[9];
        java.util.Arrays.fill(costs, 1);
        costs[3] = Double.NaN;
        double[] path = {1, 0, 0, 0, 1, 0, 0, 0, 1};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loss.evaluate(0, 9, costs, path, new double[9], null));
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("cell 3"), e.getMessage());
        costs[3] = 1;
        double[] badPath = {1, 0, 0, 0, 0.5, 0, 0, 0, 1};
        e = assertThrows(IllegalArgumentException.class, () -> loss.evaluate(0, 9, costs, badPath, new double[9], null));
        assertTrue(e.getMessage().contains("0.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> loss.checkDimension(10));
        assertTrue(e.getMessage().contains("10"), e.getMessage());
        assertThrows(SpecException.class, () -> Losses.parse("bellman-ford:beta=0"));
        assertThrows(SpecException.class, () -> Losses.parse("bellman-ford:p=3"));
        assertThrows(SpecException.class, () -> Losses.parse("bellman-ford:tconorm=min"));
        assertThrows(SpecException.class, () -> Losses.parse("bellman-ford:steps=3"));
        assertEquals(loss, Losses.parse(loss.spec()));
    }
}
