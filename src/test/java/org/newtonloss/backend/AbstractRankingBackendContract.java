package org.newtonloss.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.EvaluationF32;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.NewtonResult;
import org.newtonloss.newton.Safeguard;
import org.newtonloss.spec.Losses;
import org.newtonloss.testing.Tolerances;

/**
 * What every backend must do for the ranking losses, written once (STYLE rule 3) and run per backend:
 * {@code CpuBackendContractTest} here, {@code CudaBackendIT} on a GPU. Everything is checked through the
 * backend's own batched entry points: Hessians against finite differences of its gradients, the shift invariance
 * of ranking losses (g·1 = 0, H·1 = 0), Newton steps against the damped system they solve, float against double,
 * finiteness on adversarial inputs, and bad input.
 */
public abstract class AbstractRankingBackendContract {

    /** The backend under test. */
    protected abstract LossBackend backend();

    /** A loss and a size. */
    public record Case(String spec, int n) {
        @Override public String toString() { return spec + " n=" + n; }
    }

    protected static Stream<Case> cases() {
        return Stream.of(new Case("dsn:network=odd_even,sigmoid=cauchy,steepness=10", 5),
                new Case("dsn:network=bitonic,sigmoid=logistic,steepness=5", 7),
                new Case("dsn:network=odd_even,sigmoid=reciprocal,steepness=3", 16),
                new Case("neuralsort:tau=1", 6),
                new Case("softsort:tau=0.5,power=2", 9));
    }

    /** Random scores (scale 1) and targets, seeded per case. */
    protected static double[][] batch(Case c, int batch, long seed) {
        Random rnd = new Random(seed + c.n());
        double[] x = new double[batch * c.n()], t = new double[batch * c.n()];
        for (int k = 0; k < x.length; k++) {
            x[k] = rnd.nextGaussian();
            t[k] = x[k] + rnd.nextGaussian();
        }
        return new double[][] {x, t};
    }

    @ParameterizedTest
    @MethodSource("cases")
    void hessianMatchesFiniteDifferencesOfTheGradient(Case c) {
        AlgorithmicLoss loss = Losses.parse(c.spec());
        int n = c.n();
        double[][] xt = batch(c, 1, 1);
        Evaluation at = backend().evaluate(loss, xt[0], xt[1], 1, n, true);
        // All 2n perturbed copies in one batch: y ± h e_j.
        double h = 1e-6;
        double[] y = new double[2 * n * n], t = new double[2 * n * n];
        for (int j = 0; j < n; j++)
            for (int s = 0; s < 2; s++) {
                int b = (2 * j + s) * n;
                System.arraycopy(xt[0], 0, y, b, n);
                System.arraycopy(xt[1], 0, t, b, n);
                y[b + j] += s == 0 ? h : -h;
            }
        Evaluation pm = backend().evaluate(loss, y, t, 2 * n, n, false);
        double[] fd = new double[n * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) fd[i * n + j] = (pm.grad()[2 * j * n + i] - pm.grad()[(2 * j + 1) * n + i]) / (2 * h);
        Tolerances.assertAllCloseScaled(fd, at.hess(), 1e-5, c + " Hessian vs finite differences");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void gradientAndHessianAreShiftInvariant(Case c) {
        int n = c.n(), batch = 4;
        double[][] xt = batch(c, batch, 2);
        Evaluation e = backend().evaluate(Losses.parse(c.spec()), xt[0], xt[1], batch, n, true);
        for (int s = 0; s < batch; s++) {
            double gs = 0, gscale = 0;
            for (int i = 0; i < n; i++) {
                gs += e.grad()[s * n + i];
                gscale = Math.max(gscale, Math.abs(e.grad()[s * n + i]));
            }
            assertTrue(Math.abs(gs) <= 1e-9 * Math.max(gscale, 1e-12), c + " sample " + s + ": g·1 = " + gs);
            for (int i = 0; i < n; i++) {
                double hs = 0, hscale = 0;
                for (int j = 0; j < n; j++) {
                    double v = e.hess()[s * n * n + i * n + j];
                    hs += v;
                    hscale = Math.max(hscale, Math.abs(v));
                }
                assertTrue(Math.abs(hs) <= 1e-8 * Math.max(hscale, 1e-12), c + " sample " + s + " row " + i + ": (H·1) = " + hs);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void newtonStepSolvesTheDampedSystem(Case c) {
        int n = c.n(), batch = 8;
        double[][] xt = batch(c, batch, 3);
        double lambda = 0.1;
        NewtonOutcome out = backend().newton(Losses.parse(c.spec()), new NewtonOptions(Curvature.HESSIAN, Safeguard.ESCALATE, lambda),
                xt[0], xt[1], batch, n);
        NewtonResult r = out.result();
        double[] hess = out.evaluation().hess(), g = out.evaluation().grad();
        for (int s = 0; s < batch; s++) {
            int st = r.status()[s];
            assertTrue(st >= 0 || st == NewtonResult.STATUS_FALLBACK, c + ": status " + st);
            if (st >= 0) {
                assertEquals(lambda * Math.pow(10, st), r.lambda()[s], 1e-12 * r.lambda()[s], c + ": λ after " + st + " escalations");
                double resid = 0, scale = 0;
                for (int i = 0; i < n; i++) {
                    double acc = r.lambda()[s] * r.step()[s * n + i];
                    for (int j = 0; j < n; j++)
                        acc += 0.5 * (hess[s * n * n + i * n + j] + hess[s * n * n + j * n + i]) * r.step()[s * n + j];
                    resid = Math.max(resid, Math.abs(acc - g[s * n + i]));
                    scale = Math.max(scale, Math.abs(g[s * n + i]));
                }
                assertTrue(resid <= 1e-8 * Math.max(scale, 1e-12), c + " sample " + s + ": residual " + resid);
            }
            for (int i = 0; i < n; i++)
                Tolerances.assertClose(xt[0][s * n + i] - r.step()[s * n + i], r.z()[s * n + i], Tolerances.F64, c + ": z = y − step");
        }
        assertEquals(batch, r.stats().systems());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void floatAgreesWithDouble(Case c) {
        int n = c.n(), batch = 6;
        double[][] xt = batch(c, batch, 4);
        float[] xf = new float[xt[0].length], tf = new float[xt[1].length];
        for (int k = 0; k < xf.length; k++) {
            xf[k] = (float) xt[0][k];
            tf[k] = (float) xt[1][k];
            xt[0][k] = xf[k];  // the same scores in both precisions
        }
        AlgorithmicLoss loss = Losses.parse(c.spec());
        Evaluation d = backend().evaluate(loss, xt[0], xt[1], batch, n, true);
        EvaluationF32 f = backend().evaluate(loss, xf, tf, batch, n, true);
        for (int s = 0; s < batch; s++) {
            double[] hd = java.util.Arrays.copyOfRange(d.hess(), s * n * n, (s + 1) * n * n);
            double[] hf = new double[n * n];
            for (int k = 0; k < n * n; k++) hf[k] = f.hess()[s * n * n + k];
            Tolerances.assertAllCloseScaled(hd, hf, 2e-4, c + " sample " + s + " float Hessian");
            Tolerances.assertClose(d.loss()[s], f.loss()[s], Tolerances.F32, c + " sample " + s + " float loss");
        }
    }

    @Test
    void adversarialInputsStayFinite() {
        int n = 32, batch = 6;
        Random rnd = new Random(7);
        double[] x = new double[batch * n], t = new double[batch * n];
        for (int s = 0; s < batch; s++)
            for (int i = 0; i < n; i++) {
                double scale = switch (s) { case 0 -> 1e6; case 1 -> 1e-9; default -> 1; };
                x[s * n + i] = s == 2 ? 0.5 : (s == 3 ? Math.floor(rnd.nextGaussian() * 2) : scale * rnd.nextGaussian());
                t[s * n + i] = rnd.nextGaussian();
            }
        for (String spec : new String[] {"dsn:network=bitonic,sigmoid=logistic_phi,steepness=10000,art_lambda=0.25",
                "dsn:network=odd_even,sigmoid=optimal,steepness=10000", "neuralsort:tau=0.01", "softsort:tau=0.01,power=1"}) {
            NewtonOutcome out = backend().newton(Losses.parse(spec), new NewtonOptions(Curvature.HESSIAN, Safeguard.ESCALATE, 0.1),
                    x, t, batch, n);
            for (double[] a : new double[][] {out.evaluation().loss(), out.evaluation().grad(), out.evaluation().hess(),
                    out.result().step(), out.result().z()})
                for (int k = 0; k < a.length; k++) if (!Double.isFinite(a[k])) fail(spec + ": non-finite value at " + k);
        }
    }

    @Test
    void badInputNamesTheArgument() {
        AlgorithmicLoss loss = Losses.parse("dsn:network=odd_even,sigmoid=cauchy,steepness=10");
        double[] x = {0, 1, Double.NaN, 3}, t = {0, 1, 2, 3};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend().evaluate(loss, x, t, 1, 4, false));
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("[2]"), e.getMessage());
        IllegalArgumentException len = assertThrows(IllegalArgumentException.class,
                () -> backend().evaluate(loss, new double[] {0, 1, 2}, t, 1, 4, false));
        assertTrue(len.getMessage().contains("3"), len.getMessage());
    }
}
