package org.newtonloss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonEngine;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.NewtonResult;
import org.newtonloss.newton.Safeguard;
import org.newtonloss.spec.Losses;
import org.newtonloss.testing.Tolerances;

/**
 * eval and newton through the CLI, their OUT.json read back and compared with direct library calls (double:
 * exactly, since JSON keeps every double; float: within float tolerance of the double results), and MSE against
 * the closed form z = y − (y − t)/(1 + λ).
 */
class EvalNewtonRoundTripTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    /** A loss and batch shape to run through the CLI. */
    record Case(String spec, int batch, int m) {
        @Override public String toString() { return spec + " N=" + batch + " m=" + m; }
    }

    static Stream<Case> cases() {
        return Stream.of(new Case("mse", 3, 4), new Case("softmax-ce", 5, 6), new Case("softmax-ce", 1, 2),
                new Case("dsn:network=odd_even,sigmoid=cauchy,steepness=10", 6, 5),
                new Case("dsn:network=bitonic,sigmoid=cauchy,steepness=20", 3, 7),
                new Case("neuralsort:tau=1", 4, 6), new Case("softsort:tau=0.1,power=2", 4, 3));
    }

    /** Random scores and, as targets, a random distribution per row (valid for softmax-ce, fine for mse). */
    static double[][] batch(int batch, int m, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] y = new double[batch * m];
        double[] t = new double[batch * m];
        for (int i = 0; i < batch; i++) {
            double sum = 0;
            for (int k = 0; k < m; k++) {
                y[i * m + k] = rnd.nextGaussian(); // moderate scores: far from the BCE clamp, where float and double legitimately part
                t[i * m + k] = rnd.nextDouble();
                sum += t[i * m + k];
            }
            for (int k = 0; k < m; k++) t[i * m + k] /= sum;
        }
        return new double[][] {y, t};
    }

    Path writeInput(double[] y, double[] t, int batch, int m) throws IOException {
        StringBuilder sb = new StringBuilder("{\"note\": {\"ignored\": [1, 2]}, \"scores\": ");
        rows(sb, y, batch, m);
        sb.append(", \"targets\": ");
        rows(sb, t, batch, m);
        Path p = dir.resolve("in.json");
        Files.writeString(p, sb.append('}').toString());
        return p;
    }

    static void rows(StringBuilder sb, double[] a, int batch, int m) {
        sb.append('[');
        for (int i = 0; i < batch; i++) {
            sb.append(i == 0 ? "[" : ", [");
            for (int k = 0; k < m; k++) sb.append(k == 0 ? "" : ", ").append(a[i * m + k]);
            sb.append(']');
        }
        sb.append(']');
    }

    static double[] flat(JsonNode node) {
        java.util.List<Double> out = new java.util.ArrayList<>();
        flatten(node, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static void flatten(JsonNode node, java.util.List<Double> out) { // also used by PathsCliTest
        if (node.isArray()) node.forEach(c -> flatten(c, out));
        else {
            assertTrue(node.isNumber(), "not a number: " + node);
            out.add(node.doubleValue());
        }
    }

    /** Checks that {@code node} is an array of the given nested shape. */
    static void assertShape(JsonNode node, int... dims) {
        assertTrue(node.isArray(), "expected an array, got " + node);
        assertEquals(dims[0], node.size());
        if (dims.length > 1) node.forEach(c -> assertShape(c, java.util.Arrays.copyOfRange(dims, 1, dims.length)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void evalMatchesTheLibrary(Case c) throws IOException {
        double[][] yt = batch(c.batch(), c.m(), 7);
        Path in = writeInput(yt[0], yt[1], c.batch(), c.m());
        Path out = dir.resolve("sub/out.json");
        CliRunner r = CliRunner.run("eval", "--loss", c.spec(), "--input", in.toString(), "--output", out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("eval " + Losses.parse(c.spec()).spec() + ": " + c.batch() + " samples"), r::toString);

        JsonNode o = JSON.readTree(out.toFile());
        assertShape(o.get("loss"), c.batch());
        assertShape(o.get("gradient"), c.batch(), c.m());
        assertShape(o.get("hessian"), c.batch(), c.m(), c.m());
        assertEquals("cpu", o.get("backend").asText());
        assertEquals("double", o.get("precision").asText());
        AlgorithmicLoss loss = Losses.parse(c.spec());
        Evaluation ev = Batches.evaluate(loss, yt[0], yt[1], c.batch(), c.m(), true);
        assertEquals(java.util.Arrays.toString(ev.loss()), java.util.Arrays.toString(flat(o.get("loss"))));
        assertEquals(java.util.Arrays.toString(ev.grad()), java.util.Arrays.toString(flat(o.get("gradient"))));
        assertEquals(java.util.Arrays.toString(ev.hess()), java.util.Arrays.toString(flat(o.get("hessian"))));

        // float: same shapes, values within float tolerance of the double results
        CliRunner f = CliRunner.run("eval", "--loss", c.spec(), "--input", in.toString(), "--output", out.toString(),
                "--precision", "float");
        assertEquals(0, f.exit(), f::toString);
        JsonNode of = JSON.readTree(out.toFile());
        assertEquals("float", of.get("precision").asText());
        // against double arithmetic on the same (float-rounded) inputs: only the arithmetic differs
        double[] yRounded = yt[0].clone();
        double[] tRounded = yt[1].clone();
        for (int k = 0; k < yRounded.length; k++) {
            yRounded[k] = (float) yRounded[k];
            tRounded[k] = (float) tRounded[k];
        }
        Evaluation ev32 = Batches.evaluate(loss, yRounded, tRounded, c.batch(), c.m(), true);
        Tolerances.assertAllCloseScaled(ev32.grad(), flat(of.get("gradient")), Tolerances.F32.rtol(), "float gradient");
        Tolerances.assertAllCloseScaled(ev32.hess(), flat(of.get("hessian")), Tolerances.F32.rtol(), "float hessian");
    }

    /** A curvature/safeguard pair for newton. */
    record NewtonCase(String spec, String curvature, String safeguard, double lambda) {
        @Override public String toString() { return spec + " " + curvature + " " + safeguard + " λ=" + lambda; }
    }

    static Stream<NewtonCase> newtonCases() {
        return Stream.of(new NewtonCase("softmax-ce", "hessian", "escalate", 0.5),
                new NewtonCase("softmax-ce", "hessian-mean", "spectral", 0.1),
                new NewtonCase("softmax-ce", "fisher", "clip", 2),
                new NewtonCase("mse", "hessian", "escalate", 3),
                new NewtonCase("dsn:network=odd_even,sigmoid=logistic,steepness=10", "hessian", "escalate", 0.1),
                new NewtonCase("dsn:network=odd_even,sigmoid=logistic,steepness=10", "hessian", "spectral", 0.1),
                new NewtonCase("neuralsort:tau=1", "hessian", "clip", 0.5),
                new NewtonCase("softsort:tau=0.1", "fisher", "escalate", 1),
                new NewtonCase("neuralsort:tau=1", "gauss-newton", "escalate", 0.1),
                new NewtonCase("softsort:tau=0.1,power=2", "gauss-newton", "spectral", 0.5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("newtonCases")
    void newtonMatchesTheEngine(NewtonCase c) throws IOException {
        int batch = 4, m = 5;
        double[][] yt = batch(batch, m, 11);
        Path in = writeInput(yt[0], yt[1], batch, m);
        Path out = dir.resolve("newton.json");
        CliRunner r = CliRunner.run("newton", "--loss", c.spec(), "--curvature", c.curvature(), "--safeguard",
                c.safeguard(), "--lambda", String.valueOf(c.lambda()), "--input", in.toString(), "--output", out.toString());
        assertEquals(0, r.exit(), r::toString);
        JsonNode o = JSON.readTree(out.toFile());
        for (String key : new String[] {"loss", "gradient", "hessian", "step", "z", "lambda", "status", "stats"})
            assertTrue(o.has(key), "OUT.json lacks " + key);
        assertShape(o.get("step"), batch, m);
        assertShape(o.get("z"), batch, m);
        assertShape(o.get("lambda"), batch);
        assertShape(o.get("status"), batch);
        assertShape(o.get("hessian"), batch, m, m);

        AlgorithmicLoss loss = Losses.parse(c.spec());
        NewtonOptions options = new NewtonOptions(Curvature.parse(c.curvature()), Safeguard.parse(c.safeguard()), c.lambda());
        Evaluation ev = Batches.evaluate(loss, yt[0], yt[1], batch, m, true);
        double[] curvature = ev.hess();
        if (options.curvature() == Curvature.GAUSS_NEWTON) {
            curvature = Batches.evaluateGaussNewton(loss, yt[0], yt[1], batch, m).hess();
            assertEquals(java.util.Arrays.toString(curvature), java.util.Arrays.toString(flat(o.get("gauss_newton"))));
        }
        assertEquals(java.util.Arrays.toString(ev.hess()), java.util.Arrays.toString(flat(o.get("hessian"))));
        NewtonResult expected = new NewtonEngine().step(options, yt[0], ev.grad(), curvature, batch, m);
        assertEquals(java.util.Arrays.toString(expected.step()), java.util.Arrays.toString(flat(o.get("step"))));
        assertEquals(java.util.Arrays.toString(expected.z()), java.util.Arrays.toString(flat(o.get("z"))));
        assertEquals(java.util.Arrays.toString(expected.lambda()), java.util.Arrays.toString(flat(o.get("lambda"))));
        assertEquals(java.util.Arrays.toString(expected.status()),
                java.util.Arrays.toString(java.util.Arrays.stream(flat(o.get("status"))).mapToInt(d -> (int) d).toArray()));
        assertEquals(expected.stats().systems(), o.get("stats").get("systems").asInt());
        assertEquals(c.curvature(), o.get("options").get("curvature").asText());
    }

    @Test
    void newtonMseIsTheClosedForm() throws IOException {
        int batch = 3, m = 4;
        double lambda = 0.25;
        double[][] yt = batch(batch, m, 3);
        Path in = writeInput(yt[0], yt[1], batch, m);
        Path out = dir.resolve("mse.json");
        for (String precision : new String[] {"double", "float"}) {
            CliRunner r = CliRunner.run("newton", "--loss", "mse", "--curvature", "hessian", "--lambda", "0.25",
                    "--precision", precision, "--input", in.toString(), "--output", out.toString());
            assertEquals(0, r.exit(), r::toString);
            double[] z = flat(JSON.readTree(out.toFile()).get("z"));
            double[] expected = new double[batch * m];
            for (int k = 0; k < expected.length; k++) expected[k] = yt[0][k] - (yt[0][k] - yt[1][k]) / (1 + lambda);
            Tolerances.assertAllClose(expected, z, precision.equals("double") ? Tolerances.F64 : Tolerances.F32, "z " + precision);
        }
    }
}
