package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.EvaluationF32;
import org.newtonloss.spec.Losses;
import org.newtonloss.spec.SpecException;

/** Adversarial inputs give finite results; bad inputs give exceptions that name the value; float tracks double. */
class SoftPermutationRobustnessTest {

    static List<SoftPermutationLoss> losses(double tau) {
        return List.of(new NeuralSortLoss(tau), new SoftSortLoss(tau, 1), new SoftSortLoss(tau, 2));
    }

    /** A batch of one shape of adversarial scores. */
    record Fuzz(SoftPermutationLoss loss, int n, int batch, String shape, long seed) {
        @Override public String toString() { return loss.spec() + " n=" + n + " B=" + batch + " " + shape; }

        double[][] data() {
            Random rnd = new Random(seed);
            double[] x = new double[batch * n];
            double[] t = new double[batch * n];
            for (int s = 0; s < batch; s++) {
                double scale = switch (shape) {
                    case "huge" -> 1e6;
                    case "tiny" -> 1e-9;
                    default -> Math.pow(10, rnd.nextInt(13) - 6);
                };
                for (int i = 0; i < n; i++) {
                    double v = scale * rnd.nextGaussian();
                    if (shape.equals("ties")) v = Math.round(v / scale * 2) * scale; // few distinct values
                    if (shape.equals("equal")) v = 3.0;
                    x[s * n + i] = v;
                    t[s * n + i] = shape.equals("equal") ? 1.0 : v + scale * rnd.nextGaussian();
                }
            }
            return new double[][] {x, t};
        }
    }

    static Stream<Fuzz> fuzz() {
        List<Fuzz> out = new ArrayList<>();
        long seed = 1;
        for (double tau : new double[] {1e-4, 1e-2, 1, 1e3}) {
            for (SoftPermutationLoss loss : losses(tau)) {
                for (String shape : new String[] {"mixed", "huge", "tiny", "ties", "equal"})
                    out.add(new Fuzz(loss, 2 + (int) (seed % 30), 24, shape, seed++));
            }
        }
        for (SoftPermutationLoss loss : losses(1e-4)) out.add(new Fuzz(loss, 200, 2, "huge", seed++));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fuzz")
    void adversarialBatchesStayFinite(Fuzz f) {
        double[][] d = f.data();
        Evaluation ev = Batches.evaluate(f.loss(), d[0], d[1], f.batch(), f.n(), true);
        assertFinite(ev.loss(), f + " loss");
        assertFinite(ev.grad(), f + " gradient");
        assertFinite(ev.hess(), f + " hessian");
        float[] xf = new float[d[0].length];
        float[] tf = new float[d[1].length];
        for (int i = 0; i < xf.length; i++) { xf[i] = (float) d[0][i]; tf[i] = (float) d[1][i]; }
        EvaluationF32 evf = Batches.evaluate(f.loss(), xf, tf, f.batch(), f.n(), true);
        for (float v : evf.loss()) assertTrue(Float.isFinite(v), f + " float loss " + v);
        for (float v : evf.grad()) assertTrue(Float.isFinite(v), f + " float gradient " + v);
        for (float v : evf.hess()) assertTrue(Float.isFinite(v), f + " float hessian " + v);
    }

    /** The largest size of the brief, once per family: saturated rows everywhere (τ = 1e-4, |x| up to 1e6). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"neuralsort:tau=0.0001", "softsort:tau=0.0001,power=1", "softsort:tau=0.0001,power=2"})
    void size1024StaysFinite(String spec) {
        AlgorithmicLoss loss = Losses.parse(spec);
        int n = 1024;
        Random rnd = new Random(1024);
        double[] x = new double[n];
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 1e6 * rnd.nextGaussian();
            if (i % 7 == 0) x[i] = x[i / 2]; // ties
            t[i] = rnd.nextGaussian();
        }
        double[] g = new double[n];
        double[] h = new double[n * n];
        double value = loss.evaluate(0, n, x, t, g, h);
        assertTrue(Double.isFinite(value), spec + " loss " + value);
        assertFinite(g, spec + " gradient");
        assertFinite(h, spec + " hessian");
    }

    /** Parallel batches (per-thread workspaces, different n in turn) equal one-by-one evaluation exactly. */
    @Test
    void parallelBatchEqualsSequential() {
        for (SoftPermutationLoss loss : losses(0.5)) {
            for (int n : new int[] {9, 4, 33}) {
                Fuzz f = new Fuzz(loss, n, 64, "mixed", n);
                double[][] d = f.data();
                Evaluation ev = Batches.evaluate(loss, d[0], d[1], f.batch(), n, true);
                double[] g = new double[f.batch() * n];
                double[] h = new double[f.batch() * n * n];
                for (int s = 0; s < f.batch(); s++)
                    assertEquals(ev.loss()[s], loss.evaluate(s, n, d[0], d[1], g, h), 0.0, f + " loss " + s);
                assertArrayEquals(ev.grad(), g, 0.0, f + " gradient");
                assertArrayEquals(ev.hess(), h, 0.0, f + " hessian");
            }
        }
    }

    /** The float entry point equals the double one on float-representable inputs, up to the final rounding. */
    @Test
    void floatTracksDouble() {
        for (SoftPermutationLoss loss : losses(0.3)) {
            for (int n : new int[] {5, 16, 32}) {
                Fuzz f = new Fuzz(loss, n, 8, "mixed", 31 * n);
                double[][] d = f.data();
                float[] xf = new float[d[0].length];
                float[] tf = new float[d[1].length];
                for (int i = 0; i < xf.length; i++) {
                    xf[i] = (float) d[0][i];
                    tf[i] = (float) d[1][i];
                    d[0][i] = xf[i];
                    d[1][i] = tf[i];
                }
                Evaluation ev = Batches.evaluate(loss, d[0], d[1], f.batch(), n, true);
                EvaluationF32 evf = Batches.evaluate(loss, xf, tf, f.batch(), n, true);
                for (int i = 0; i < ev.loss().length; i++) assertEquals((float) ev.loss()[i], evf.loss()[i], 0f, f + " loss");
                for (int i = 0; i < ev.grad().length; i++) assertEquals((float) ev.grad()[i], evf.grad()[i], 0f, f + " gradient");
                for (int i = 0; i < ev.hess().length; i++) assertEquals((float) ev.hess()[i], evf.hess()[i], 0f, f + " hessian");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void nonFiniteScoresNameSampleAndIndex(double bad) {
        for (SoftPermutationLoss loss : losses(1)) {
            double[] x = new double[4 * 5];
            double[] t = new double[4 * 5];
            for (int i = 0; i < x.length; i++) { x[i] = i % 5; t[i] = -i; }
            x[3 * 5 + 2] = bad;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Batches.evaluate(loss, x, t, 4, 5, true));
            assertTrue(e.getMessage().contains("sample 3") && e.getMessage().contains("[2]")
                    && e.getMessage().contains(String.valueOf(bad)), loss + ": " + e.getMessage());
            float[] xf = new float[x.length];
            float[] tf = new float[t.length];
            for (int i = 0; i < x.length; i++) { xf[i] = (float) x[i]; tf[i] = (float) t[i]; }
            IllegalArgumentException ef = assertThrows(IllegalArgumentException.class,
                    () -> loss.evaluate(3, 5, xf, tf, new float[20], null));
            assertTrue(ef.getMessage().contains("sample 3") && ef.getMessage().contains("[2]"), ef.getMessage());
            double[] p = new double[25];
            IllegalArgumentException ep = assertThrows(IllegalArgumentException.class,
                    () -> loss.permutationMatrix(x, 15, 5, p));
            assertTrue(ep.getMessage().contains("[2]") && ep.getMessage().contains(String.valueOf(bad)), ep.getMessage());
        }
    }

    @Test
    void nanTargetsNameSampleAndIndex() {
        double[] x = {1, 2, 3, 4, 5, 6};
        double[] t = {1, 2, 3, 4, Double.NaN, 6};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NeuralSortLoss(1).evaluate(1, 3, x, t, new double[6], null));
        assertTrue(e.getMessage().contains("targets") && e.getMessage().contains("sample 1") && e.getMessage().contains("[1]"),
                e.getMessage());
    }

    @Test
    void tooFewValuesPerSample() {
        for (SoftPermutationLoss loss : losses(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Batches.evaluate(loss, new double[3], new double[3], 3, 1, false));
            assertTrue(e.getMessage().contains("got 1"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> loss.evaluate(0, 1, new double[1], new double[1], new double[1], null));
            assertThrows(IllegalArgumentException.class, () -> loss.permutationMatrix(new double[1], 0, 1, new double[1]));
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
    void badTemperatureIsRejected(double tau) {
        IllegalArgumentException ns = assertThrows(IllegalArgumentException.class, () -> new NeuralSortLoss(tau));
        assertTrue(ns.getMessage().contains("tau") && ns.getMessage().contains(String.valueOf(tau)), ns.getMessage());
        IllegalArgumentException ss = assertThrows(IllegalArgumentException.class, () -> new SoftSortLoss(tau, 1));
        assertTrue(ss.getMessage().contains("tau") && ss.getMessage().contains(String.valueOf(tau)), ss.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"neuralsort:tau=0", "neuralsort:tau=-2", "softsort:tau=0", "softsort:power=3", "softsort:power=0",
            "softsort:power=1.5", "neuralsort:tau=abc", "neuralsort:temperature=1", "softsort:tau=1,pow=2"})
    void badSpecsNameTheValue(String text) {
        SpecException e = assertThrows(SpecException.class, () -> Losses.parse(text));
        String value = text.substring(text.lastIndexOf('=') + 1);
        String key = text.substring(text.lastIndexOf(text.contains(",") ? ',' : ':') + 1, text.lastIndexOf('='));
        assertTrue(e.getMessage().contains(value) || e.getMessage().contains("'" + key + "'"), e.getMessage());
    }

    @Test
    void specsRoundTripWithDefaults() {
        assertEquals(new NeuralSortLoss(1), Losses.parse("neuralsort"));
        assertEquals(new SoftSortLoss(1, 1), Losses.parse("softsort"));
        assertEquals(new SoftSortLoss(0.1, 2), Losses.parse("softsort:tau=0.1,power=2"));
        for (SoftPermutationLoss loss : losses(0.25)) assertEquals(loss, Losses.parse(loss.spec()));
    }

    static void assertFinite(double[] v, String what) {
        for (int i = 0; i < v.length; i++) assertTrue(Double.isFinite(v[i]), what + "[" + i + "] = " + v[i]);
    }
}
