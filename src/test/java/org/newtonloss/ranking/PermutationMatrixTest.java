package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** P is doubly stochastic, x·P is the soft sort, and P tends to the hard permutation as the steepness grows. */
class PermutationMatrixTest {
    record Case(SortingNetworks.Type network, Sigmoid sigmoid, int n) {}

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (SortingNetworks.Type t : SortingNetworks.Type.values())
            for (Sigmoid s : Sigmoid.values())
                for (int n : new int[] {2, 3, 5, 7, 16, 33}) cases.add(new Case(t, s, n));
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void doublyStochasticAndSoftSort(Case c) {
        DiffSortLoss loss = new DiffSortLoss(c.network(), c.sigmoid(), 3, 0.25);
        Random r = new Random(c.n() * 31L + c.sigmoid().ordinal());
        int n = c.n();
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.nextGaussian();
        double[] p = new double[n * n], sorted = new double[n];
        loss.permutationMatrix(x, 0, n, p);
        loss.softSort(x, 0, n, sorted);
        double sumX = 0, sumSorted = 0;
        for (int i = 0; i < n; i++) {
            double row = 0, column = 0, xp = 0;
            for (int j = 0; j < n; j++) {
                double v = p[i * n + j];
                if (!(v >= 0 && v <= 1)) fail(c + ": P[" + i + "][" + j + "] = " + v);
                row += v;
                column += p[j * n + i];
                xp += x[j] * p[j * n + i];
            }
            if (Math.abs(row - 1) > 1e-12 || Math.abs(column - 1) > 1e-12)
                fail(c + ": row/column " + i + " sums to " + row + " / " + column);
            if (Math.abs(xp - sorted[i]) > 1e-12 * (1 + Math.abs(xp))) fail(c + ": (xP)[" + i + "] = " + xp + " vs " + sorted[i]);
            sumX += x[i];
            sumSorted += sorted[i];
        }
        if (Math.abs(sumX - sumSorted) > 1e-12 * n) fail(c + ": sum not preserved " + sumX + " vs " + sumSorted);
    }

    /**
     * Distinct scores with gaps ≥ 1: as β grows, P tends to Q of the scores (input i at its ascending rank) for
     * every family; the error shrinks with β and is below 1e-3 at β = 1e6 (cauchy leaks ~1/(πβ·gap) per comparator).
     */
    @ParameterizedTest
    @MethodSource("cases")
    void softTendsToHard(Case c) {
        int n = c.n();
        if (c.network() == SortingNetworks.Type.BITONIC && !sorts(SortingNetworks.bitonic(n))) return;
        Random r = new Random(n);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i;
        for (int i = n - 1; i > 0; i--) { // shuffle
            int j = r.nextInt(i + 1);
            double t = x[i]; x[i] = x[j]; x[j] = t;
        }
        double previous = Double.POSITIVE_INFINITY;
        for (double beta : new double[] {10, 1e3, 1e6}) {
            DiffSortLoss loss = new DiffSortLoss(c.network(), c.sigmoid(), beta, 0.25);
            double[] p = new double[n * n];
            loss.permutationMatrix(x, 0, n, p);
            double err = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) err = Math.max(err, Math.abs(p[i * n + j] - (x[i] == j ? 1 : 0)));
            assertTrue(err <= previous, c + ": error grew from " + previous + " to " + err + " at β=" + beta);
            previous = err;
        }
        assertTrue(previous < 1e-3, c + ": max |P − Q| = " + previous + " at β = 1e6");
        // and the loss against the true order vanishes with it
        DiffSortLoss sharp = new DiffSortLoss(c.network(), c.sigmoid(), 1e6, 0.25);
        double value = sharp.evaluate(0, n, x, x.clone(), new double[n], null);
        assertTrue(value < 1e-3, c + ": loss " + value);
    }

    private static boolean sorts(SortingNetwork net) {
        Random r = new Random(1);
        for (int t = 0; t < 200; t++) {
            double[] x = new double[net.wires()];
            for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
            double[] s = x.clone();
            java.util.Arrays.sort(s);
            net.hardSort(x);
            if (!java.util.Arrays.equals(s, x)) return false;
        }
        return true;
    }
}
