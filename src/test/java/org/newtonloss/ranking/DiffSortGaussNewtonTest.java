package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Gauss-Newton matrix against Jᵀ W J built independently: J = ∂P/∂x by central differences of
 * {@link DiffSortLoss#permutationMatrix}, W = the exact BCE curvature; plus symmetry, PSD, GN·1 = 0, and the same
 * loss and gradient as {@link DiffSortLoss#evaluate}.
 */
class DiffSortGaussNewtonTest {
    @ParameterizedTest
    @CsvSource({"ODD_EVEN,CAUCHY,5,10", "ODD_EVEN,LOGISTIC,7,5", "BITONIC,GAUSSIAN,7,5", "BITONIC,OPTIMAL,8,3",
        "ODD_EVEN,RECIPROCAL,13,4", "BITONIC,LOGISTIC_PHI,16,2"})
    void matchesJacobianTransposeWJacobian(SortingNetworks.Type network, Sigmoid sigmoid, int n, double beta) {
        DiffSortLoss loss = new DiffSortLoss(network, sigmoid, beta, 0.25);
        Random r = new Random(n * 13L + sigmoid.ordinal());
        double[] x = new double[n], t = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.6 * r.nextGaussian() + 0.05 * i;
            t[i] = x[i] + 0.6 * r.nextGaussian();
        }
        double[] g = new double[n], gn = new double[n * n], g2 = new double[n];
        double value = loss.evaluateGaussNewton(0, n, x, t, g, gn);
        assertEquals(loss.evaluate(0, n, x, t, g2, null), value, 0.0);
        assertArrayEquals(g2, g, 0.0);

        int[] rank = new int[n];
        Ranks.stableAscendingRanks(t, 0, n, rank);
        double[] p = new double[n * n];
        loss.permutationMatrix(x, 0, n, p);
        double[][] jac = new double[n][]; // jac[s][i*n + j] = ∂P_ij/∂x_s
        double h = 1e-6;
        for (int s = 0; s < n; s++) {
            double[] xp = x.clone(), xm = x.clone(), pp = new double[n * n], pm = new double[n * n];
            xp[s] += h;
            xm[s] -= h;
            loss.permutationMatrix(xp, 0, n, pp);
            loss.permutationMatrix(xm, 0, n, pm);
            jac[s] = new double[n * n];
            for (int e = 0; e < n * n; e++) jac[s][e] = (pp[e] - pm[e]) / (2 * h);
        }
        double[] expected = new double[n * n];
        double scale = 0;
        for (int s = 0; s < n; s++)
            for (int u = 0; u < n; u++) {
                double sum = 0;
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++)
                        sum += Bce.d2(p[i * n + j], rank[i] == j) / (n * n) * jac[s][i * n + j] * jac[u][i * n + j];
                expected[s * n + u] = sum;
                scale = Math.max(scale, Math.abs(sum));
            }
        for (int e = 0; e < n * n; e++) {
            if (Math.abs(gn[e] - expected[e]) > 1e-6 * (scale + Math.abs(expected[e])))
                fail("GN[" + e + "]: " + gn[e] + " vs Jᵀ W J " + expected[e] + " (scale " + scale + ")");
            int s = e / n, u = e % n;
            if (gn[e] != gn[u * n + s]) fail("GN not symmetric at " + s + "," + u);
        }
        for (int s = 0; s < n; s++) {
            double row = 0;
            for (int u = 0; u < n; u++) row += gn[s * n + u];
            if (Math.abs(row) > 1e-10 * scale * n) fail("(GN·1)[" + s + "] = " + row);
        }
        for (int trial = 0; trial < 50; trial++) { // vᵀ GN v ≥ 0
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = r.nextGaussian();
            double q = 0;
            for (int s = 0; s < n; s++)
                for (int u = 0; u < n; u++) q += v[s] * gn[s * n + u] * v[u];
            if (q < -1e-12 * scale * n) fail("vᵀ GN v = " + q + " < 0");
        }
    }
}
