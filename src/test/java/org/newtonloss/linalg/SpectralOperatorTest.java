package org.newtonloss.linalg;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SpectralOperatorTest {
    private static final double EPS = Math.ulp(1.0);

    static IntStream sizes() { return IntStream.of(1, 2, 3, 4, 5, 8, 16, 17, 33, 64, 144); }

    /** V diag(h(λ)) Vᵀ g from the operator equals the same built from SymmetricEigen's explicit V. */
    @ParameterizedTest(name = "m = {0}")
    @MethodSource("sizes")
    void applyMatchesTheExplicitEigendecomposition(int m) {
        Random rnd = new Random(m);
        for (double[] a : new double[][] {RandomMatrices.symmetric(rnd, m), RandomMatrices.spd(rnd, m),
                RandomMatrices.withEigenvalues(rnd, repeated(m))}) {
            double[] g = new double[m];
            for (int k = 0; k < m; k++) g[k] = rnd.nextGaussian();
            double[] w = new double[m], v = new double[m * m];
            SymmetricEigen.decompose(a, 1, m, w, v);
            double spread = Arrays.stream(w).map(Math::abs).max().orElse(1) + 1;
            // h(λ) = 1/(|λ| + 1): bounded, so the comparison is at the level of the decompositions' accuracy
            double[] expected = new double[m];
            for (int k = 0; k < m; k++) {
                double proj = 0;
                for (int i = 0; i < m; i++) proj += v[i * m + k] * g[i];
                proj /= Math.abs(w[k]) + 1;
                for (int i = 0; i < m; i++) expected[i] += v[i * m + k] * proj;
            }
            SpectralOperator op = new SpectralOperator();
            op.decompose(a, 0, m);
            double[] h = new double[m];
            double[] eig = new double[m];
            for (int k = 0; k < m; k++) {
                eig[k] = op.eigenvalue(k);
                h[k] = 1 / (Math.abs(eig[k]) + 1);
            }
            double[] out = new double[m];
            op.apply(h, g, 0, out, 0);
            double gNorm = RandomMatrices.frobenius(g, 0, m);
            for (int i = 0; i < m; i++)
                assertTrue(Math.abs(out[i] - expected[i]) <= 100 * m * EPS * spread * gNorm,
                        "component " + i + ": " + out[i] + " vs " + expected[i]);
            Arrays.sort(eig);
            double norm = RandomMatrices.frobenius(a, 0, m * m);
            for (int k = 0; k < m; k++)
                assertTrue(Math.abs(eig[k] - w[k]) <= 10 * m * EPS * norm, "eigenvalue " + k);
            // identity function: V Vᵀ g = g (the recorded transformations are orthogonal)
            Arrays.fill(h, 1.0);
            op.apply(h, g, 0, out, 0);
            for (int i = 0; i < m; i++) assertTrue(Math.abs(out[i] - g[i]) <= 10 * m * EPS * gNorm, "V Vᵀ g = g");
        }
    }

    @Test
    void reusedWorkspaceGivesTheSameResultAfterALargerMatrix() {
        Random rnd = new Random(4);
        double[] small = RandomMatrices.symmetric(rnd, 5);
        double[] g = {1, -2, 3, 0.5, 0};
        double[] h = {1, 2, 3, 4, 5};
        SpectralOperator op = new SpectralOperator();
        op.decompose(small, 0, 5);
        double[] first = new double[5];
        op.apply(h, g, 0, first, 0);
        op.decompose(RandomMatrices.symmetric(rnd, 40), 0, 40);
        op.decompose(small, 0, 5);
        double[] again = new double[5];
        op.apply(h, g, 0, again, 0);
        assertTrue(Arrays.equals(first, again), Arrays.toString(first) + " vs " + Arrays.toString(again));
    }

    @Test
    void badInput() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new SpectralOperator().decompose(new double[] {1, 2, 2, Double.NaN}, 0, 2));
        assertTrue(e.getMessage().contains("(1,1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SpectralOperator().decompose(new double[0], 0, 0));
        assertTrue(e.getMessage().contains("m must be") && e.getMessage().contains("0"), e.getMessage());
    }

    private static double[] repeated(int m) {
        double[] w = new double[m];
        for (int k = 0; k < m; k++) w[k] = k % 2 == 0 ? 0 : -1.5;
        return w;
    }
}
