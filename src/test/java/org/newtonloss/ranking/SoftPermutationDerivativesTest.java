package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.testing.FiniteDifferences;
import org.newtonloss.testing.Tolerances;

/**
 * Gradient and Hessian of NeuralSort and SoftSort against central finite differences in double, plus the
 * structural identities: exact symmetry, and g·1 = 0, H·1 = 0 (the loss is invariant to a shift of all scores).
 */
class SoftPermutationDerivativesTest {

    /** One point: loss, n, score scale and seed; the targets are a noisy copy of the scores. */
    record Case(SoftPermutationLoss loss, int n, double scale, long seed) {
        @Override public String toString() { return loss.spec() + " n=" + n + " scale=" + scale + " seed=" + seed; }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        int[] sizes = {2, 3, 5, 8, 16, 32, 64};
        double[] taus = {0.1, 1, 10};
        for (int n : sizes) {
            for (double tau : taus) {
                long seed = 1000L * n + Math.round(10 * tau);
                cases.add(new Case(new NeuralSortLoss(tau), n, 1.0, seed));
                cases.add(new Case(new SoftSortLoss(tau, 1), n, 1.0, seed + 1));
                cases.add(new Case(new SoftSortLoss(tau, 2), n, 1.0, seed + 2));
            }
        }
        // Scores on a wider scale at a few sizes: saturated rows (p near 1 off target) take the second basis.
        for (int n : new int[] {5, 16}) {
            cases.add(new Case(new NeuralSortLoss(1), n, 20.0, 77 + n));
            cases.add(new Case(new SoftSortLoss(0.5, 1), n, 20.0, 78 + n));
            cases.add(new Case(new SoftSortLoss(1, 2), n, 5.0, 79 + n));
        }
        return cases.stream();
    }

    /** Scores at least 1e-3·scale apart (finite differences must not cross a tie), targets = scores + noise. */
    static double[][] point(int n, double scale, long seed) {
        Random rnd = new Random(seed);
        double[] x = new double[n];
        double[] t = new double[n];
        for (int attempt = 0; ; attempt++) {
            for (int i = 0; i < n; i++) {
                x[i] = scale * rnd.nextGaussian();
                t[i] = x[i] + scale * rnd.nextGaussian();
            }
            if (minGap(x) > 1e-3 * scale) return new double[][] {x, t};
            if (attempt > 100) throw new IllegalStateException("no well-separated point for seed " + seed);
        }
    }

    static double minGap(double[] x) {
        double[] s = x.clone();
        java.util.Arrays.sort(s);
        double gap = Double.POSITIVE_INFINITY;
        for (int i = 1; i < s.length; i++) gap = Math.min(gap, s[i] - s[i - 1]);
        return gap;
    }

    /** |a − e| ≤ atol + rtol·max|e| for every entry (matrices with entries of very different size). */
    static void assertScaled(double[] expected, double[] actual, double rtol, double atol, String what) {
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        Tolerances.assertAllClose(expected, actual, new Tolerances.Tol(0, atol + rtol * scale), what);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(Case c) {
        double[][] pt = point(c.n(), c.scale(), c.seed());
        int n = c.n();
        double[] g = new double[n];
        c.loss().evaluate(0, n, pt[0], pt[1], g, null);
        double[] fd = FiniteDifferences.gradient(c.loss(), pt[0], pt[1], n, 1e-6);
        // Differences of O(1) loss values resolve a gradient to ~1e-10 at best: the absolute floor.
        assertScaled(fd, g, 1e-6, 1e-9, c + " gradient");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hessianMatchesFiniteDifferencesAndIsSymmetric(Case c) {
        double[][] pt = point(c.n(), c.scale(), c.seed());
        int n = c.n();
        double[] g = new double[n];
        double[] h = new double[n * n];
        c.loss().evaluate(0, n, pt[0], pt[1], g, h);
        double[] fd = FiniteDifferences.hessian(c.loss(), pt[0], pt[1], n, 1e-5);
        assertScaled(fd, h, 1e-6, 1e-12, c + " hessian");
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                assertEquals(h[i * n + j], h[j * n + i], 0.0, c + " symmetry at " + i + "," + j);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shiftInvarianceGivesZeroRowSums(Case c) {
        double[][] pt = point(c.n(), c.scale(), c.seed());
        int n = c.n();
        double[] g = new double[n];
        double[] h = new double[n * n];
        c.loss().evaluate(0, n, pt[0], pt[1], g, h);
        double gScale = 0, gSum = 0, hScale = 0;
        for (double v : g) { gScale = Math.max(gScale, Math.abs(v)); gSum += v; }
        for (double v : h) hScale = Math.max(hScale, Math.abs(v));
        assertTrue(Math.abs(gSum) <= 1e-12 * Math.max(gScale, 1e-300) * n, c + ": g·1 = " + gSum + ", max|g| " + gScale);
        for (int i = 0; i < n; i++) {
            double rowSum = 0;
            for (int j = 0; j < n; j++) rowSum += h[i * n + j];
            assertTrue(Math.abs(rowSum) <= 1e-12 * Math.max(hScale, 1e-300) * n,
                    c + ": (H·1)[" + i + "] = " + rowSum + ", max|H| " + hScale);
        }
    }
}
