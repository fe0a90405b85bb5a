package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The relaxed permutation matrices themselves: equal to a direct transcription of the papers' formulas (an
 * oracle independent of our sorted-coordinate recurrences), column-stochastic, hard as τ → 0 and uniform as
 * τ → ∞; and the loss goes to 0 when the scores are in the true order and τ → 0.
 */
class SoftPermutationLimitsTest {

    /** A loss and its paper formula. */
    record Family(String name, SoftPermutationLoss loss) {
        @Override public String toString() { return loss.spec(); }

        /** P[i][k] (column convention) straight from the paper: row softmaxes of explicit logits, then transposed. */
        double[] direct(double[] x) {
            int n = x.length;
            double[] p = new double[n * n];
            double[] sorted = x.clone();
            java.util.Arrays.sort(sorted);
            for (int k = 0; k < n; k++) {
                double[] z = new double[n];
                for (int j = 0; j < n; j++) {
                    if (loss instanceof NeuralSortLoss ns) {
                        // s = −x; paper row i = k + 1: ((n + 1 − 2i) s_j − Σ_m |s_j − s_m|)/τ
                        double absSum = 0;
                        for (int m = 0; m < n; m++) absSum += Math.abs(-x[j] + x[m]);
                        z[j] = ((n + 1 - 2 * (k + 1)) * -x[j] - absSum) / ns.tau();
                    } else {
                        SoftSortLoss ss = (SoftSortLoss) loss;
                        z[j] = -Math.pow(Math.abs(sorted[k] - x[j]), ss.power()) / ss.tau();
                    }
                }
                double mx = Double.NEGATIVE_INFINITY;
                for (double v : z) mx = Math.max(mx, v);
                double sum = 0;
                for (int j = 0; j < n; j++) sum += Math.exp(z[j] - mx);
                for (int j = 0; j < n; j++) p[j * n + k] = Math.exp(z[j] - mx) / sum;
            }
            return p;
        }
    }

    static List<Family> families(double tau) {
        return List.of(new Family("neuralsort", new NeuralSortLoss(tau)), new Family("softsort1", new SoftSortLoss(tau, 1)),
                new Family("softsort2", new SoftSortLoss(tau, 2)));
    }

    /** Scores of one shape: Gaussian, with exact ties, or all equal. */
    record Point(Family family, double[] x, String shape) {
        @Override public String toString() { return family + " n=" + x.length + " " + shape; }
    }

    static Stream<Point> points() {
        List<Point> out = new ArrayList<>();
        Random rnd = new Random(5);
        for (int n : new int[] {2, 3, 7, 16, 64}) {
            for (double tau : new double[] {0.01, 0.3, 1, 10}) {
                for (Family f : families(tau)) {
                    double[] gauss = new double[n];
                    for (int i = 0; i < n; i++) gauss[i] = rnd.nextGaussian();
                    out.add(new Point(f, gauss, "gauss"));
                    double[] ties = new double[n];
                    for (int i = 0; i < n; i++) ties[i] = Math.floor(3 * rnd.nextGaussian()) / 3;
                    out.add(new Point(f, ties, "ties"));
                }
            }
        }
        for (Family f : families(1)) out.add(new Point(f, new double[] {2, 2, 2, 2}, "all equal"));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("points")
    void permutationMatrixEqualsPaperFormula(Point pt) {
        int n = pt.x().length;
        double[] p = new double[n * n];
        pt.family().loss().permutationMatrix(pt.x(), 0, n, p);
        double[] expected = pt.family().direct(pt.x());
        for (int i = 0; i < n * n; i++)
            assertEquals(expected[i], p[i], 1e-11, pt + " P[" + i / n + "][" + i % n + "]");
        for (int k = 0; k < n; k++) {
            double column = 0;
            for (int i = 0; i < n; i++) column += p[i * n + k];
            assertEquals(1.0, column, 1e-12, pt + " column " + k + " sums to 1");
        }
    }

    /**
     * Scores at least 0.1 apart and τ = 1e-3 (1e-5 for SoftSort p = 2, whose logit gaps are d²/τ): every logit gap
     * ≥ 100, so P is the hard permutation to ~e^-100.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("hardPoints")
    void softToHardAsTauGoesToZero(Point pt) {
        int n = pt.x().length;
        double[] p = new double[n * n];
        pt.family().loss().permutationMatrix(pt.x(), 0, n, p);
        int[] rank = new int[n];
        Ranks.stableAscendingRanks(pt.x(), 0, n, rank);
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
                assertEquals(rank[i] == k ? 1.0 : 0.0, p[i * n + k], 1e-12, pt + " P[" + i + "][" + k + "]");
        // Targets in the same order as the scores: the loss vanishes; reversed: it is large.
        double[] g = new double[n];
        double[] same = pt.x().clone();
        assertEquals(0.0, pt.family().loss().evaluate(0, n, pt.x(), same, g, null), 1e-12, pt + " loss, right order");
        double[] reversed = new double[n];
        for (int i = 0; i < n; i++) reversed[i] = -pt.x()[i];
        double wrong = pt.family().loss().evaluate(0, n, pt.x(), reversed, g, null);
        // Each misplaced row has a clamped target (−log clamps at 100) and a saturated wrong entry: ≥ 200/n² per row.
        assertTrue(wrong > 100.0 / n, pt + " loss, reversed order: " + wrong);
    }

    static Stream<Point> hardPoints() {
        List<Point> out = new ArrayList<>();
        Random rnd = new Random(9);
        for (int n : new int[] {2, 5, 16, 64}) {
            for (Family f : List.of(new Family("neuralsort", new NeuralSortLoss(1e-3)),
                    new Family("softsort1", new SoftSortLoss(1e-3, 1)), new Family("softsort2", new SoftSortLoss(1e-5, 2)))) {
                double[] x = new double[n];
                for (int i = 0; i < n; i++) x[i] = 0.1 * i + 0.05 * rnd.nextDouble();
                for (int i = n - 1; i > 0; i--) { // shuffle
                    int j = rnd.nextInt(i + 1);
                    double t = x[i]; x[i] = x[j]; x[j] = t;
                }
                out.add(new Point(f, x, "separated"));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hardPoints")
    void uniformAsTauGoesToInfinity(Point pt) {
        int n = pt.x().length;
        SoftPermutationLoss loss = pt.family().loss() instanceof NeuralSortLoss ? new NeuralSortLoss(1e12)
                : new SoftSortLoss(1e12, ((SoftSortLoss) pt.family().loss()).power());
        double[] p = new double[n * n];
        loss.permutationMatrix(pt.x(), 0, n, p);
        for (int i = 0; i < n * n; i++) assertEquals(1.0 / n, p[i], 1e-9, pt + " P[" + i / n + "][" + i % n + "]");
    }
}
