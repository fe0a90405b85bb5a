package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.GaussNewtonLoss;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonEngine;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.NewtonResult;
import org.newtonloss.newton.Safeguard;
import org.newtonloss.spec.Losses;

/**
 * Every ranking loss offers the Gauss-Newton curvature to the engine: Batches.evaluateGaussNewton returns what
 * {@link RankingGaussNewton} computes, and because C is PSD, C + λI factors without escalation for a tiny λ (above
 * the rounding eps·‖C‖), on random and adversarial batches, and the step solves (C + λI)s = g.
 */
class GaussNewtonCurvatureTest {
    static final double LAMBDA = 1e-6;

    static Stream<String> specs() {
        return Stream.of("dsn:network=odd_even,sigmoid=cauchy,steepness=10",
                "dsn:network=bitonic,sigmoid=logistic,steepness=20",
                "dsn:network=odd_even,sigmoid=logistic_phi,steepness=10,art_lambda=0.25",
                "dsn:network=bitonic,sigmoid=optimal,steepness=5", "neuralsort:tau=1", "neuralsort:tau=0.01",
                "softsort:tau=1,power=1", "softsort:tau=0.1,power=2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void engineStepsWithGaussNewtonNeedNoSafeguard(String spec) {
        AlgorithmicLoss loss = Losses.parse(spec);
        assertInstanceOf(GaussNewtonLoss.class, loss, spec);
        int n = 7, batch = 48;
        Random r = new Random(spec.hashCode());
        double[] y = new double[batch * n], t = new double[batch * n];
        for (int s = 0; s < batch; s++) {
            double scale = switch (s % 4) { case 0 -> 1e-6; case 1 -> 1; case 2 -> 30; default -> 1e3; };
            for (int i = 0; i < n; i++) {
                y[s * n + i] = s % 8 == 7 ? Math.rint(r.nextGaussian()) : scale * r.nextGaussian(); // ties
                t[s * n + i] = s % 2 == 0 ? -y[s * n + i] : r.nextGaussian();
            }
        }
        Evaluation ev = Batches.evaluateGaussNewton(loss, y, t, batch, n);
        RankingGaussNewton gn = RankingGaussNewton.of(loss);
        double[] g = new double[batch * n], c = new double[batch * n * n];
        for (int s = 0; s < batch; s++) gn.evaluate(s, n, y, t, g, c);
        assertArrayEquals(g, ev.grad(), 0.0, spec + " gradient");
        assertArrayEquals(c, ev.hess(), 0.0, spec + " Gauss-Newton");

        NewtonResult res = new NewtonEngine().step(new NewtonOptions(Curvature.GAUSS_NEWTON, Safeguard.ESCALATE, LAMBDA),
                y, ev.grad(), ev.hess(), batch, n);
        for (int s = 0; s < batch; s++) {
            double cMax = 0;
            for (int i = 0; i < n * n; i++) cMax = Math.max(cMax, Math.abs(c[s * n * n + i]));
            // Rounding makes C indefinite by ~eps·‖C‖ at most: λ must exceed that. A DSN sample with an entry of P
            // within rounding of 1 off target has ‖C‖ ~ 1/(1−p)² ~ 1e34 (e.g. logistic β = 20, integer ties): there
            // only the solve is checked, whatever damping the engine needed.
            if (LAMBDA >= 1e-10 * cMax) {
                assertEquals(NewtonResult.STATUS_OK, res.status()[s], spec + " sample " + s + ", max|C| " + cMax);
                assertEquals(LAMBDA, res.lambda()[s], 0.0, spec + " sample " + s);
            }
            double lambda = res.lambda()[s];
            // Backward error of the solve: |(C + λI)s − g| against (‖C + λI‖ ‖s‖ + ‖g‖), all in the max norm.
            double resid = 0, norm = 0, sMax = 0, gMax = 0;
            for (int i = 0; i < n; i++) {
                double a = lambda * res.step()[s * n + i], row = lambda;
                for (int j = 0; j < n; j++) {
                    a += c[s * n * n + i * n + j] * res.step()[s * n + j];
                    row += Math.abs(c[s * n * n + i * n + j]);
                }
                resid = Math.max(resid, Math.abs(a - g[s * n + i]));
                norm = Math.max(norm, row);
                sMax = Math.max(sMax, Math.abs(res.step()[s * n + i]));
                gMax = Math.max(gMax, Math.abs(g[s * n + i]));
            }
            double bound = 1e-12 * (norm * sMax + gMax);
            if (!(resid <= bound + 1e-300))
                fail(spec + " sample " + s + ": |(C + λI)s − g| = " + resid + " > " + bound);
        }
    }
}
