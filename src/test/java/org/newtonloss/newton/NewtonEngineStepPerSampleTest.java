package org.newtonloss.newton;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.EvaluationF32;
import org.newtonloss.spec.Losses;

/**
 * {@link NewtonEngine#stepPerSample} (evaluation and solve fused per sample, one share of the batch per core) is bit
 * for bit the two-phase path it replaces in the CPU backend: evaluate the whole batch, then
 * {@link NewtonEngine#step(NewtonOptions, float[], float[], float[], int, int)} — for every safeguard, with
 * escalations (λ tiny against indefinite Hessians), ties and saturated scores, and batches smaller than the
 * number of cores; a non-finite input is reported with the same message.
 */
class NewtonEngineStepPerSampleTest {
    record Case(String spec, int n, int batch, String scores) {
        @Override public String toString() { return spec + " n=" + n + " B=" + batch + " " + scores; }
    }

    static Stream<Case> cases() {
        String[] specs = {"dsn:network=odd_even,sigmoid=cauchy,steepness=10", "dsn:network=bitonic,sigmoid=logistic,steepness=5",
                "neuralsort:tau=1", "softsort:tau=1,power=1", "softsort:tau=0.3,power=2"};
        return Stream.of(specs).flatMap(s -> Stream.of(5, 16).flatMap(n -> Stream.of(1, 37).flatMap(b ->
                Stream.of("gaussian", "ties", "large").map(kind -> new Case(s, n, b, kind)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fusedStepIsTheTwoPhaseStepBitForBit(Case c) {
        int n = c.n(), batch = c.batch();
        AlgorithmicLoss loss = Losses.parse(c.spec());
        Random rnd = new Random(c.toString().hashCode());
        float[] y = new float[batch * n], t = new float[batch * n];
        for (int k = 0; k < y.length; k++) {
            t[k] = (float) rnd.nextGaussian();
            y[k] = (float) switch (c.scores()) {
                case "ties" -> Math.round(rnd.nextGaussian());
                case "large" -> 20 * rnd.nextGaussian();
                default -> rnd.nextGaussian();
            };
        }
        EvaluationF32 ev = Batches.evaluate(loss, y, t, batch, n, true);
        NewtonEngine engine = new NewtonEngine();
        for (double lambda : new double[] {1e-6, 1}) {
            for (Safeguard sg : Safeguard.values()) {
                NewtonOptions options = new NewtonOptions(Curvature.HESSIAN, sg, lambda);
                float[] values = new float[batch], grad = new float[batch * n], hess = new float[batch * n * n];
                String what = sg + " λ=" + lambda;
                NewtonResultF32 expected;
                try {
                    expected = engine.step(options, y, ev.grad(), ev.hess(), batch, n);
                } catch (IllegalArgumentException e) { // a float Hessian entry overflowed: the same report
                    IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> engine.stepPerSample(
                            options, y, grad, hess, batch, n, i -> values[i] = loss.evaluate(i, n, y, t, grad, hess)));
                    assertEquals(e.getMessage(), f.getMessage(), what);
                    continue;
                }
                NewtonResultF32 fused = engine.stepPerSample(options, y, grad, hess, batch, n,
                        i -> values[i] = loss.evaluate(i, n, y, t, grad, hess));
                assertArrayEquals(ev.loss(), values, what);
                assertArrayEquals(ev.grad(), grad, what);
                assertArrayEquals(ev.hess(), hess, what);
                assertArrayEquals(expected.step(), fused.step(), what);
                assertArrayEquals(expected.z(), fused.z(), what);
                assertArrayEquals(expected.lambda(), fused.lambda(), what);
                assertArrayEquals(expected.status(), fused.status(), what);
                assertEquals(expected.stats(), fused.stats(), what);
            }
        }
    }

    @Test
    void nonFiniteCurvatureIsReportedAsStepReportsIt() {
        int n = 3, batch = 4;
        float[] y = new float[batch * n];
        float[] grad = new float[batch * n], hess = new float[batch * n * n];
        NewtonOptions options = NewtonOptions.of(Curvature.HESSIAN, 1);
        NewtonEngine engine = new NewtonEngine();
        IllegalArgumentException fused = assertThrows(IllegalArgumentException.class, () -> engine.stepPerSample(
                options, y, grad, hess, batch, n, i -> {
                    for (int k = 0; k < n; k++) hess[i * n * n + k * n + k] = 1;
                    if (i == 2) hess[i * n * n + 1] = Float.POSITIVE_INFINITY;
                }));
        IllegalArgumentException twoPhase = assertThrows(IllegalArgumentException.class,
                () -> engine.step(options, y, grad, hess, batch, n));
        assertEquals(twoPhase.getMessage(), fused.getMessage());
        assertEquals("curvature[19] must be finite, got Infinity", fused.getMessage());
    }

    @Test
    void sharedCurvaturesAreRejected() {
        float[] y = new float[4], g = new float[4], h = new float[8];
        for (Curvature c : new Curvature[] {Curvature.FISHER, Curvature.HESSIAN_MEAN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NewtonEngine()
                    .stepPerSample(NewtonOptions.of(c, 1), y, g, h, 2, 2, i -> {}));
            assertEquals("stepPerSample needs a per-sample curvature, got " + c, e.getMessage());
        }
    }
}
