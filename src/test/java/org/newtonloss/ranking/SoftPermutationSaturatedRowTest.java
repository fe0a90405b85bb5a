package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rows whose target is their own saturated maximum (scores far apart, already in the true order): the row's
 * curvature r*[diag(π) − ππᵀ + p*(π − e*)(π − e*)ᵀ]/n² is tiny (e^(−gap/τ)), and the Hessian must be accurate relative
 * to itself. The former form diag(t) + w pᵀ + p wᵀ left O(1/n²) pieces that cancelled to rounding noise (1e-17
 * where the entries are 1e-44, so H·1 ≠ 0 relative to max|H|), and u* = (p* − 1)·(1/n²) lost the gradient (2.5× off).
 */
class SoftPermutationSaturatedRowTest {
    record Case(SoftPermutationLoss loss, int n, double gap, long seed) {
        @Override public String toString() { return loss.spec() + " n=" + n + " gap=" + gap; }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        long seed = 400;
        // gaps in logit units of 20 and 60 (SoftSort p = 2 compares squared distances)
        for (SoftPermutationLoss loss : List.of(new NeuralSortLoss(1), new NeuralSortLoss(0.3), new SoftSortLoss(1, 1),
                new SoftSortLoss(1, 2)))
            for (int n : new int[] {3, 5, 8, 16})
                for (double gap : loss.spec().contains("power=2") ? new double[] {4.5, 7.8} : new double[] {20, 60})
                    cases.add(new Case(loss, n, gap, seed++));
        return cases.stream();
    }

    /** Sorted scores with random gaps in [gap, 2·gap), shuffled; targets in the same order. */
    static double[][] ordered(Case c) {
        Random r = new Random(c.seed());
        int n = c.n();
        double[] sorted = new double[n];
        for (int i = 1; i < n; i++) sorted[i] = sorted[i - 1] + c.gap() * (1 + r.nextDouble());
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        double[] x = new double[n], t = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = sorted[perm[i]] - sorted[n - 1] / 2;
            t[i] = perm[i];
        }
        return new double[][] {x, t};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hessianOfSaturatedTargetRowsIsShiftInvariant(Case c) {
        int n = c.n();
        double[][] xt = ordered(c);
        double[] g = new double[n], h = new double[n * n];
        c.loss().evaluate(0, n, xt[0], xt[1], g, h);
        double hMax = DiffSortLossDerivativesTest.maxAbs(h), gMax = DiffSortLossDerivativesTest.maxAbs(g);
        if (!(hMax > 0)) fail(c + ": Hessian is 0");
        double gSum = 0;
        for (double v : g) gSum += v;
        if (!(Math.abs(gSum) <= 1e-9 * gMax)) fail(c + ": g·1 = " + gSum + ", max|g| " + gMax);
        for (int i = 0; i < n; i++) {
            double row = 0;
            for (int j = 0; j < n; j++) row += h[i * n + j];
            if (!(Math.abs(row) <= 1e-9 * hMax))
                fail(c + ": (H·1)[" + i + "] = " + row + ", max|H| " + hMax + ", H = " + Arrays.toString(h));
        }
    }

    /**
     * NeuralSort, τ = 1, scores (0, 100, 200) in the true order: by a 250-digit mpmath evaluation (central differences
     * of the loss at steps 1e-60 and 1e-40) g = c·(1, 0, −1) and H = c·[[1, −1, 0], [−1, 2, −1], [0, −1, 1]] with
     * c = 1.6533671e-44 = (4/9)·e^(−100), and H[0][2] = 4.6e-88. Before the bounded form: g[0] = 4.13e-44 and
     * H = 5.55e-17 at [2][2], 0 elsewhere.
     */
    @Test
    void neuralSortMatchesHighPrecisionValues() {
        double[] x = {0, 100, 200}, t = {0, 1, 2}, g = new double[3], h = new double[9];
        new NeuralSortLoss(1).evaluate(0, 3, x, t, g, h);
        double c = 4.0 / 9 * Math.exp(-100);
        double[] gWant = {c, 0, -c}, hWant = {c, -c, 0, -c, 2 * c, -c, 0, -c, c};
        for (int i = 0; i < 3; i++)
            if (!(Math.abs(g[i] - gWant[i]) <= 1e-9 * c)) fail("g[" + i + "] = " + g[i] + ", want " + gWant[i]);
        for (int i = 0; i < 9; i++)
            if (!(Math.abs(h[i] - hWant[i]) <= 1e-9 * c)) fail("H[" + i / 3 + "][" + i % 3 + "] = " + h[i] + ", want " + hWant[i]);
    }
}
