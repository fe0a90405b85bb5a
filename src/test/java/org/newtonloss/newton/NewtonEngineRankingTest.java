package org.newtonloss.newton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.GaussNewtonLoss;
import org.newtonloss.spec.Losses;

/**
 * The engine on the project's real ranking losses with adversarial scores (ties, saturated comparators, |x| up to
 * 1e6): every curvature × safeguard gives finite steps; spectral and clip bound the step by ‖g‖/(λ/2) and give
 * descent directions; the Gauss-Newton curvature is PSD, so no safeguard ever acts on it.
 */
class NewtonEngineRankingTest {
    record Case(String spec, int n, String scores) {
        @Override public String toString() { return spec + " n=" + n + " " + scores; }
    }

    static Stream<Case> cases() {
        String[] specs = {"dsn:network=odd_even,sigmoid=logistic,steepness=10",
                "dsn:network=bitonic,sigmoid=cauchy,steepness=20", "dsn:network=odd_even,sigmoid=gaussian,steepness=100",
                "neuralsort:tau=1", "softsort:tau=0.1,power=2", "softsort:tau=1,power=1"};
        return Stream.of(specs).flatMap(s -> Stream.of(5, 16).flatMap(n -> Stream.of("gaussian", "ties", "huge")
                .map(kind -> new Case(s, n, kind))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyCurvatureAndSafeguardGivesFiniteSafeSteps(Case c) {
        int n = c.n(), batch = 12;
        AlgorithmicLoss loss = Losses.parse(c.spec());
        Random rnd = new Random(c.toString().hashCode());
        double[] y = new double[batch * n], t = new double[batch * n];
        for (int k = 0; k < y.length; k++) {
            t[k] = rnd.nextGaussian();
            y[k] = switch (c.scores()) {
                case "ties" -> Math.round(rnd.nextGaussian()); // many exact ties
                case "huge" -> 1e6 * rnd.nextGaussian();      // saturated comparators
                default -> rnd.nextGaussian();
            };
        }
        Evaluation hessian = Batches.evaluate(loss, y, t, batch, n, true);
        Evaluation gaussNewton = loss instanceof GaussNewtonLoss ? Batches.evaluateGaussNewton(loss, y, t, batch, n) : null;
        for (double lambda : new double[] {1e-3, 1}) {
            for (Curvature curvature : Curvature.values()) {
                Evaluation ev = curvature == Curvature.GAUSS_NEWTON ? gaussNewton : hessian;
                if (ev == null) continue;
                for (Safeguard sg : Safeguard.values()) {
                    String what = curvature + "/" + sg + " λ=" + lambda;
                    NewtonResult r = new NewtonEngine().step(new NewtonOptions(curvature, sg, lambda), y, ev.grad(),
                            ev.hess(), batch, n);
                    for (int k = 0; k < r.step().length; k++)
                        assertTrue(Double.isFinite(r.step()[k]) && Double.isFinite(r.z()[k]), what + " step " + k);
                    if (sg != Safeguard.ESCALATE) {
                        assertTrue(r.stats().maxStepRatio() <= 2 / lambda * (1 + 1e-9), what + " ratio "
                                + r.stats().maxStepRatio());
                        for (int i = 0; i < batch; i++) {
                            double dot = 0;
                            for (int k = i * n; k < i * n + n; k++) dot += ev.grad()[k] * r.step()[k];
                            assertTrue(dot >= 0, what + ": descent direction for sample " + i);
                        }
                    }
                    if (curvature == Curvature.GAUSS_NEWTON || curvature == Curvature.FISHER)
                        for (int i = 0; i < batch; i++)
                            assertEquals(NewtonResult.STATUS_OK, r.status()[i], what + ": PSD curvature, sample " + i
                                    + ", min eigenvalue " + r.stats().minEigenvalue() + ", C = " + java.util.Arrays.toString(
                                    java.util.Arrays.copyOfRange(ev.hess(), i * n * n, (i + 1) * n * n)));
                }
            }
        }
    }
}
