package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;

/**
 * The Gauss-Newton matrix C = J_Pᵀ diag(BCE''(P, Q)/n²) J_P against the same product with J_P = ∂vec(P)/∂x taken
 * by central differences of {@link SoftPermutationLoss#permutationMatrix} (independent of our row algebra);
 * C is symmetric, positive semi-definite and annihilates 1; the gradient is the loss's.
 */
class SoftPermutationGaussNewtonTest {

    record Case(SoftPermutationLoss loss, int n, long seed) {
        @Override public String toString() { return loss.spec() + " n=" + n; }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (int n : new int[] {2, 4, 7, 12}) {
            for (double tau : new double[] {0.5, 1, 5}) {
                out.add(new Case(new NeuralSortLoss(tau), n, n * 10L));
                out.add(new Case(new SoftSortLoss(tau, 1), n, n * 10L + 1));
                out.add(new Case(new SoftSortLoss(tau, 2), n, n * 10L + 2));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void equalsJacobianProductAndIsPositiveSemidefinite(Case c) {
        int n = c.n();
        double[][] pt = SoftPermutationDerivativesTest.point(n, 1.0, c.seed());
        double[] x = pt[0], t = pt[1];
        double[] g = new double[n];
        double[] gn = new double[n * n];
        double value = c.loss().evaluateGaussNewton(0, n, x, t, g, gn);
        double[] g2 = new double[n];
        assertEquals(c.loss().evaluate(0, n, x, t, g2, null), value, 0.0, c + " value");
        assertArrayEquals(g2, g, 0.0, c + " gradient");

        // J_P by central differences of P, then Jᵀ diag(BCE'') J.
        double[][] jac = new double[n][];
        double h = 1e-6;
        for (int l = 0; l < n; l++) {
            double[] xp = x.clone(), xm = x.clone();
            xp[l] += h;
            xm[l] -= h;
            double[] pp = new double[n * n], pm = new double[n * n];
            c.loss().permutationMatrix(xp, 0, n, pp);
            c.loss().permutationMatrix(xm, 0, n, pm);
            jac[l] = new double[n * n];
            for (int e = 0; e < n * n; e++) jac[l][e] = (pp[e] - pm[e]) / (2 * h);
        }
        double[] p = new double[n * n];
        c.loss().permutationMatrix(x, 0, n, p);
        int[] rank = new int[n];
        Ranks.stableAscendingRanks(t, 0, n, rank);
        double[] expected = new double[n * n];
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++) {
                double v = 0;
                for (int i = 0; i < n; i++)
                    for (int k = 0; k < n; k++) {
                        int e = i * n + k;
                        v += jac[a][e] * Bce.d2(p[e], rank[i] == k) / (n * n) * jac[b][e];
                    }
                expected[a * n + b] = v;
            }
        SoftPermutationDerivativesTest.assertScaled(expected, gn, 1e-6, 1e-12, c + " Gauss-Newton");

        double scale = 0;
        for (double v : gn) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < n; i++) {
            double rowSum = 0;
            for (int j = 0; j < n; j++) {
                assertEquals(gn[i * n + j], gn[j * n + i], 0.0, c + " symmetry");
                rowSum += gn[i * n + j];
            }
            assertTrue(Math.abs(rowSum) <= 1e-12 * n * scale, c + " (C·1)[" + i + "] = " + rowSum);
        }
        Random rnd = new Random(c.seed());
        for (int trial = 0; trial < 50; trial++) {
            double[] v = new double[n];
            double norm2 = 0;
            for (int i = 0; i < n; i++) norm2 += (v[i] = rnd.nextGaussian()) * v[i];
            double q = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) q += v[i] * gn[i * n + j] * v[j];
            assertTrue(q >= -1e-12 * n * scale * norm2, c + " vᵀCv = " + q);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void batchEvaluationUsesIt(Case c) {
        int n = c.n(), batch = 5;
        double[] x = new double[batch * n], t = new double[batch * n];
        Random rnd = new Random(c.seed());
        for (int i = 0; i < x.length; i++) { x[i] = rnd.nextGaussian(); t[i] = rnd.nextGaussian(); }
        Evaluation ev = Batches.evaluateGaussNewton(c.loss(), x, t, batch, n);
        double[] g = new double[batch * n], gn = new double[batch * n * n];
        for (int s = 0; s < batch; s++) c.loss().evaluateGaussNewton(s, n, x, t, g, gn);
        assertArrayEquals(gn, ev.hess(), 0.0, c + " batch");
    }
}
