package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Regression tests for the exact DSN Hessian on ordinary and saturated inputs (scores N(0, s²) with s = 0.01, 1,
 * 100, targets independent N(0, 1), so many target entries of P are tiny and the BCE weights 1/p, 1/p² are huge).
 *
 * <p>The forward tangent sweep once formed the mixed tangents as {@code ṫ_j − α·(ṫ_j − ṫ_i) ∓ α̇·D} instead of
 * diffsort's {@code α·ṫ_i + (1−α)·ṫ_j ∓ α̇·D}: equal in exact arithmetic, but the first cancels catastrophically when
 * the result is much smaller than ṫ_j (a tiny P entry), and the 1/p² seed amplified that absolute error to
 * O(max|H|): H·1 ≠ 0, H ≠ Hᵀ, and H ≠ finite differences of the gradient (e.g. odd-even, gaussian, β = 5, n = 7,
 * s = 1). The derivatives test ({@link DiffSortLossDerivativesTest}) never saw it because its samples avoid
 * saturation.
 */
class DiffSortSaturatedHessianTest {
    record Case(SortingNetworks.Type network, Sigmoid sigmoid, int n, double scale, double steepness, long seed) {
        @Override public String toString() {
            return network.specName() + "/" + sigmoid.specName() + " n=" + n + " s=" + scale + " β=" + steepness;
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        long seed = 7000;
        for (SortingNetworks.Type net : SortingNetworks.Type.values())
            for (Sigmoid s : Sigmoid.values())
                for (int n : new int[] {5, 7, 16})
                    for (double scale : new double[] {0.01, 1, 100})
                        for (double beta : new double[] {5, 10}) cases.add(new Case(net, s, n, scale, beta, seed++));
        return cases.stream();
    }

    static final int SAMPLES = 8;

    static double[][] sample(Random r, int n, double scale) {
        double[] x = new double[n], t = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = scale * r.nextGaussian();
            t[i] = r.nextGaussian();
        }
        return new double[][] {x, t};
    }

    /**
     * H·1 = 0 (shift invariance) and H = Hᵀ, to rounding. Rounding is relative to the largest intermediate, not to
     * max|H|: where every comparator saturates, max|H| can be 1e-8 while the gradient (same intermediates, one
     * factor of β fewer) is O(0.1), so the scale is max|H| + β·max|g|. Before the fix these failed by O(max|H|).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hessianIsShiftInvariantAndSymmetric(Case c) {
        DiffSortLoss loss = new DiffSortLoss(c.network(), c.sigmoid(), c.steepness(), 0.25);
        Random r = new Random(c.seed());
        int n = c.n();
        for (int s = 0; s < SAMPLES; s++) {
            double[][] xt = sample(r, n, c.scale());
            double[] g = new double[n], h = new double[n * n];
            double value = loss.evaluate(0, n, xt[0], xt[1], g, h);
            assertTrue(Double.isFinite(value), c + ": loss " + value);
            checkInvariants(c + " sample " + s + " (double)", n, g, h, c.steepness(), 1e-12);

            float[] xf = new float[n], tf = new float[n], gf = new float[n], hf = new float[n * n];
            for (int i = 0; i < n; i++) {
                xf[i] = (float) xt[0][i];
                tf[i] = (float) xt[1][i];
            }
            loss.evaluate(0, n, xf, tf, gf, hf);
            double[] gd = new double[n], hd = new double[n * n];
            for (int i = 0; i < n; i++) gd[i] = gf[i];
            for (int i = 0; i < n * n; i++) hd[i] = hf[i];
            // float: ε_f = 6e-8 per operation, n-term sums
            checkInvariants(c + " sample " + s + " (float)", n, gd, hd, c.steepness(), 1e-5);
        }
    }

    static void checkInvariants(String what, int n, double[] g, double[] h, double beta, double rtol) {
        double hMax = DiffSortLossDerivativesTest.maxAbs(h), gMax = DiffSortLossDerivativesTest.maxAbs(g);
        double tol = rtol * n * (hMax + beta * gMax);
        for (int i = 0; i < n; i++) {
            double rowSum = 0;
            for (int j = 0; j < n; j++) {
                double hij = h[i * n + j];
                if (!Double.isFinite(hij)) fail(what + ": H[" + i + "][" + j + "] = " + hij);
                rowSum += hij;
                if (Math.abs(hij - h[j * n + i]) > tol)
                    fail(what + ": H[" + i + "][" + j + "] = " + hij + " but H[" + j + "][" + i + "] = " + h[j * n + i]
                            + " (max|H| " + hMax + ")");
            }
            if (Math.abs(rowSum) > tol) fail(what + ": (H·1)[" + i + "] = " + rowSum + ", max|H| " + hMax);
        }
    }

    /**
     * H against central differences of the analytic gradient, at every sample where those differences are
     * reliable. A point is skipped (not loosened) when the differences at steps h and h/3 disagree by more than
     * 1e-6 of the scale (h and h/3: a ratio that is not a power of two, so a binary rounding staircase cannot fake
     * agreement): that happens (a) where the computed function is a staircase — diffsort forms 1 − α by
     * subtraction and the gaussian α as ½ + ½·erf, so α is quantised at 1.1e-16 absolute, and P entries at or below
     * that level (weighted by 1/p in the gradient) are rounding noise; (b) at the clamp p = e^-100 of a target
     * entry, where the gradient jumps; (c) at the reciprocal/optimal/ART kinks. A wrong Hessian does not make the
     * two step sizes disagree, so the skip cannot hide a bug; each case must keep at least one checked sample.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hessianMatchesFiniteDifferencesOfGradient(Case c) {
        DiffSortLoss loss = new DiffSortLoss(c.network(), c.sigmoid(), c.steepness(), 0.25);
        Random r = new Random(c.seed() + 1_000_000);
        int n = c.n();
        // β·step = 1e-4: truncation error ~1e-8 relative; larger than the derivatives test's step because the
        // 1/p-weighted gradient on tiny P entries carries rounding noise that a smaller step would amplify.
        double step = 1e-4 * Math.max(1, c.scale()) / c.steepness();
        int checked = 0;
        for (int s = 0; s < SAMPLES; s++) {
            double[][] xt = sample(r, n, c.scale());
            if (!bceComplementAccurate(loss, xt, n) || quantisedComparator(c, xt[0])) continue;
            double[] g = new double[n], h = new double[n * n];
            loss.evaluate(0, n, xt[0], xt[1], g, h);
            double[] fd = gradientDifferences(loss, xt, n, step);
            double[] fdFine = gradientDifferences(loss, xt, n, step / 3);
            double scale = DiffSortLossDerivativesTest.maxAbs(fdFine) + c.steepness() * DiffSortLossDerivativesTest.maxAbs(g);
            boolean reliable = true;
            for (int i = 0; i < n * n && reliable; i++) reliable = Math.abs(fd[i] - fdFine[i]) <= 1e-6 * scale + 1e-300;
            if (!reliable) continue;
            checked++;
            for (int i = 0; i < n * n; i++)
                if (!(Math.abs(h[i] - fdFine[i]) <= 2e-6 * scale + 1e-300))
                    fail(c + " sample " + s + ": H[" + i / n + "][" + i % n + "] = " + h[i] + ", differences "
                            + fdFine[i] + " (scale " + scale + ")");
        }
        Assumptions.assumeTrue(checked > 0, c + ": no sample with reliable finite differences");
    }

    /**
     * False when a non-target entry of P lies within 1e-8 of 1 (but not at 1): BCE takes log(1 − p) with 1 − p formed
     * by subtraction, so its relative rounding error exceeds 1e-8 there and the 1/(1 − p) weights of the gradient
     * are noise, while P's tangents are exact; the analytic gradient is then not the derivative of the computed
     * value, and its differences are not the Hessian (see docs/ranking-dsn.md, known limitations).
     */
    static boolean bceComplementAccurate(DiffSortLoss loss, double[][] xt, int n) {
        double[] p = new double[n * n];
        loss.permutationMatrix(xt[0], 0, n, p);
        int[] rank = new int[n];
        Ranks.stableAscendingRanks(xt[1], 0, n, rank);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double r = 1 - p[i * n + j];
                if (rank[i] != j && r > 0 && r < 1e-8) return false;
            }
        return true;
    }

    /**
     * True when some comparator has min(α, 1 − α) &lt; 1e-6. diffsort forms 1 − α by subtraction (and cauchy,
     * reciprocal, optimal and gaussian form small α by cancellation too), so there the computed weight is quantised
     * at 1.1e-16 absolute, a relative error above 1e-10 that the 1/p weights of tiny P entries turn into a gradient
     * staircase; worse, the exact α' belongs to the unquantised weight, so the analytic gradient is not the
     * derivative of the computed value there (e.g. logistic, β = 10: an ordered pair compared twice at v = 55 has
     * a P entry α + fl(1 − α) = α + 0 while the gradient counts both paths: twice the value's slope). The kernel
     * reproduces diffsort's values on purpose (reference tests), so these points are excluded, not tolerated.
     */
    static boolean quantisedComparator(Case c, double[] x) {
        SortingNetwork net = c.network().build(c.n());
        double[] y = x.clone();
        for (SortingNetwork.Layer layer : net.layers())
            for (int k = 0; k < layer.size(); k++) {
                double ya = y[layer.a(k)], yb = y[layer.b(k)];
                double a = c.sigmoid().alpha(yb - ya, c.steepness(), 0.25);
                if (Math.min(a, 1 - a) < 1e-6) return true;
                y[layer.minWire(k)] = a * ya + (1 - a) * yb;
                y[layer.maxWire(k)] = (1 - a) * ya + a * yb;
            }
        return false;
    }

    /** Column j of the result (row-major, [i][j]) = (g_i(x + h e_j) − g_i(x − h e_j)) / 2h. */
    static double[] gradientDifferences(DiffSortLoss loss, double[][] xt, int n, double h) {
        double[] out = new double[n * n], gp = new double[n], gm = new double[n];
        for (int j = 0; j < n; j++) {
            double[] xp = xt[0].clone(), xm = xt[0].clone();
            xp[j] += h;
            xm[j] -= h;
            loss.evaluate(0, n, xp, xt[1], gp, null);
            loss.evaluate(0, n, xm, xt[1], gm, null);
            for (int i = 0; i < n; i++) out[i * n + j] = (gp[i] - gm[i]) / (xp[j] - xm[j]);
        }
        return out;
    }
}
