package org.newtonloss.linalg;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SymmetricEigenTest {
    private static final double EPS = Math.ulp(1.0);

    record Case(String name, int m, double[][] matrices, double[][] knownEigenvalues) {
        @Override public String toString() { return name + " m=" + m; }
    }

    static Stream<Case> cases() {
        Stream.Builder<Case> b = Stream.builder();
        for (int m : new int[] {1, 2, 3, 5, 8, 16, 17, 32, 64}) {
            Random rnd = new Random(m);
            b.add(new Case("gaussian", m, new double[][] {RandomMatrices.symmetric(rnd, m),
                    RandomMatrices.symmetric(rnd, m)}, null));
        }
        for (int m : new int[] {4, 10, 33}) {
            Random rnd = new Random(100 + m);
            b.add(new Case("repeated eigenvalues", m, new double[][] {
                    RandomMatrices.withEigenvalues(rnd, repeated(m)), RandomMatrices.withEigenvalues(rnd, withZeros(m))},
                    null));
        }
        // Q = H/√m for a Sylvester-Hadamard H with m = 4^j: Q diag(λ) Qᵀ is exact in binary, so the known
        // eigenvalues are those of the stored matrix and can be checked to 10·eps·‖A‖.
        for (int m : new int[] {4, 16, 64}) {
            b.add(new Case("exact, repeated eigenvalues", m, new double[][] {hadamardSimilar(repeated(m)),
                    hadamardSimilar(withZeros(m))}, new double[][] {repeated(m), withZeros(m)}));
        }
        // low rank, like an empirical Fisher with m > N: many exact zero eigenvalues (QL deflation near zero)
        for (int[] mr : new int[][] {{64, 1}, {144, 4}, {144, 70}}) {
            int m = mr[0], rank = mr[1];
            Random rnd = new Random(m * 31L + rank);
            double[] a = new double[m * m];
            for (int r = 0; r < rank; r++) {
                double[] g = new double[m];
                for (int k = 0; k < m; k++) g[k] = rnd.nextGaussian();
                for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) a[i * m + j] += g[i] * g[j] / rank;
            }
            b.add(new Case("rank " + rank, m, new double[][] {a}, null));
        }
        b.add(new Case("identity", 6, new double[][] {identity(6)}, new double[][] {filled(6, 1.0)}));
        b.add(new Case("graded 1e-8 .. 1e8", 9, new double[][] {RandomMatrices.withEigenvalues(new Random(5),
                graded(9))}, new double[][] {graded(9)}));
        return b.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void residualsAndOrthogonality(Case c) {
        int m = c.m();
        int batch = c.matrices().length;
        double[] a = new double[batch * m * m];
        for (int s = 0; s < batch; s++) System.arraycopy(c.matrices()[s], 0, a, s * m * m, m * m);
        double[] w = new double[batch * m];
        double[] v = new double[batch * m * m];
        SymmetricEigen.decompose(a, batch, m, w, v);
        for (int s = 0; s < batch; s++) {
            int o = s * m * m;
            double norm = RandomMatrices.frobenius(a, o, m * m);
            // LAPACK's test ratios (dsyt21): ‖AV − VΛ‖ / (m‖A‖eps) and ‖VᵀV − I‖ / (m eps), each below 10
            double av = 0, orth = 0;
            for (int i = 0; i < m; i++)
                for (int k = 0; k < m; k++) {
                    double x = 0, y = 0;
                    for (int j = 0; j < m; j++) {
                        x += a[o + i * m + j] * v[o + j * m + k];
                        y += v[o + j * m + i] * v[o + j * m + k];
                    }
                    av += Math.pow(x - v[o + i * m + k] * w[s * m + k], 2);
                    orth += Math.pow(y - (i == k ? 1 : 0), 2);
                }
            assertTrue(Math.sqrt(av) <= 10 * m * EPS * Math.max(norm, Double.MIN_NORMAL),
                    "‖AV − VΛ‖_F = " + Math.sqrt(av) + " vs ‖A‖_F = " + norm);
            assertTrue(Math.sqrt(orth) <= 10 * m * EPS, "‖VᵀV − I‖_F = " + Math.sqrt(orth));
            for (int k = 1; k < m; k++) assertTrue(w[s * m + k - 1] <= w[s * m + k], "ascending");
            if (c.knownEigenvalues() != null) {
                double[] expected = c.knownEigenvalues()[s].clone();
                Arrays.sort(expected);
                // each eigenvalue to 10·eps·‖A‖_F (the norm the residual checks use)
                double scale = norm;
                for (int k = 0; k < m; k++)
                    assertTrue(Math.abs(w[s * m + k] - expected[k]) <= 10 * EPS * scale,
                            "eigenvalue " + k + ": " + w[s * m + k] + " vs " + expected[k]);
            }
        }
    }

    /** Extreme magnitudes: the result must be the scaled result of the unscaled matrix (no under/overflow). */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(doubles = {1e-300, 1e-250, 1e-160, 1e-88, 1e150, 1e250})
    void scaledMatricesGiveScaledEigenvalues(double scale) {
        int m = 8;
        Random rnd = new Random(8);
        double[] base = RandomMatrices.symmetric(rnd, m);
        double[] w0 = new double[m];
        SymmetricEigen.decompose(base, 1, m, w0, new double[m * m]);
        double[] scaled = base.clone();
        for (int k = 0; k < scaled.length; k++) scaled[k] *= scale;
        double[] w = new double[m];
        double[] v = new double[m * m];
        SymmetricEigen.decompose(scaled, 1, m, w, v);
        SpectralOperator op = new SpectralOperator();
        op.decompose(scaled, 0, m);
        double[] fromOperator = new double[m];
        for (int k = 0; k < m; k++) fromOperator[k] = op.eigenvalue(k) / scale;
        Arrays.sort(fromOperator);
        double norm = RandomMatrices.frobenius(base, 0, m * m);
        for (int k = 0; k < m; k++) {
            double tol = 10 * m * EPS * norm;
            assertTrue(Math.abs(w[k] / scale - w0[k]) <= tol, "eigenvalue " + k + ": " + w[k] / scale + " vs " + w0[k]);
            assertTrue(Math.abs(fromOperator[k] - w0[k]) <= tol, "operator eigenvalue " + k);
        }
        for (double x : v) assertTrue(Double.isFinite(x));
    }

    @Test
    void asymmetricInputIsSymmetrised() {
        double[] a = {2, 1, 3, 2}; // (A + Aᵀ)/2 = [[2, 2], [2, 2]]: eigenvalues 0 and 4
        double[] w = new double[2];
        SymmetricEigen.decompose(a, 1, 2, w, new double[4]);
        assertTrue(Math.abs(w[0]) < 1e-15 && Math.abs(w[1] - 4) < 1e-15, Arrays.toString(w));
    }

    @Test
    void nonFiniteInputThrowsNamingTheEntry() {
        var e = assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(
                new double[] {1, 0, 0, Double.NaN}, 1, 2, new double[2], new double[4]));
        assertTrue(e.getMessage().contains("(1,1)") && e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(
                new double[4], 1, 2, new double[3], new double[4]));
        assertTrue(e.getMessage().contains("values") && e.getMessage().contains("3"), e.getMessage());
    }

    private static double[] repeated(int m) { // two eigenvalues of high multiplicity
        double[] w = new double[m];
        for (int k = 0; k < m; k++) w[k] = k < m / 2 ? -2.0 : 3.0;
        return w;
    }

    private static double[] withZeros(int m) { // singular, repeated zeros
        double[] w = new double[m];
        for (int k = 0; k < m; k++) w[k] = k % 3 == 0 ? 0.0 : k;
        return w;
    }

    private static double[] hadamardSimilar(double[] lambda) {
        int m = lambda.length;
        double q = 1 / Math.sqrt(m); // a power of two for m = 4^j
        double[] a = new double[m * m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int k = 0; k < m; k++) s += sign(i, k) * sign(j, k) * lambda[k];
                a[i * m + j] = s * q * q;
            }
        return a;
    }

    private static int sign(int i, int k) { return Integer.bitCount(i & k) % 2 == 0 ? 1 : -1; }

    private static double[] identity(int m) {
        double[] a = new double[m * m];
        for (int i = 0; i < m; i++) a[i * m + i] = 1;
        return a;
    }

    private static double[] filled(int m, double x) {
        double[] a = new double[m];
        Arrays.fill(a, x);
        return a;
    }

    private static double[] graded(int m) {
        double[] a = new double[m];
        for (int k = 0; k < m; k++) a[k] = Math.pow(10, -8 + 2 * k) * (k % 2 == 0 ? 1 : -1);
        return a;
    }
}
