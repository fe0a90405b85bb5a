package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The DSN Hessian on exactly tied scores (x[2i+1] = x[2i]) at small, unit and saturating scales, against an exact
 * (400-digit) evaluation of the same function ({@link ExactDsnHessian}) and, where the function is smooth, against
 * central differences of the gradient.
 *
 * <p>Why not simply H = Hᵀ and H·1 = 0 relative to max|H|: on tied + saturated samples the exact Hessian is a sum of
 * O(β²/n²) terms that cancel down to as little as 1e-136 (e.g. a tie pair compared twice, once after each wire
 * met a saturated comparator: the second comparison sees d ≈ 1e-137, which double rounds to 0, while its slope α'
 * is β/4). Any double evaluation — this CPU kernel and the CUDA kernel math alike — then returns those entries with
 * an absolute error of rounding size (≲ 1e-15 of β²/n²), i.e. with no correct digit relative to max|H|. The
 * invariants are therefore asserted where they are exact — on the 400-digit Hessian, relative to its own max — and
 * the CPU Hessian is held to the exact one relative to the scale of the terms it sums.
 */
class DiffSortTiedHessianTest {
    record Case(SortingNetworks.Type network, Sigmoid sigmoid, int n, double scale, double steepness, long seed) {
        @Override public String toString() {
            return network.specName() + "/" + sigmoid.specName() + " n=" + n + " s=" + scale + " β=" + steepness;
        }

        DiffSortLoss loss() { return new DiffSortLoss(network, sigmoid, steepness, 0.25); }
    }

    /**
     * Smooth families only: ART's α' is β·1e-10^(−λ) at d = 0 and its α'' jumps there (a cusp), and the exact
     * evaluation sees d ≈ 1e-137 where double sees 0, so at an exact tie the two legitimately differ.
     */
    static Stream<Case> exactCases() {
        List<Case> cases = new ArrayList<>();
        long seed = 9100;
        for (SortingNetworks.Type net : SortingNetworks.Type.values())
            for (Sigmoid s : Sigmoid.values()) {
                if (s == Sigmoid.LOGISTIC_PHI) continue;
                double beta = s == Sigmoid.GAUSSIAN ? 5 : net == SortingNetworks.Type.BITONIC ? 20 : 10;
                for (int n : new int[] {5, 7})
                    for (double scale : new double[] {1e-6, 1, 100}) cases.add(new Case(net, s, n, scale, beta, seed++));
            }
        return cases.stream();
    }

    static double[][] tiedSample(Random r, int n, double scale) {
        double[] x = new double[n], t = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (scale * r.nextGaussian());
            t[i] = r.nextGaussian();
        }
        for (int i = 1; i < n; i += 2) x[i] = x[i - 1];
        return new double[][] {x, t};
    }

    static final int DIGITS = 400;
    /** Rounding relative to the terms summed: ε = 1.1e-16 times a few hundred operations per entry. */
    static final double TERM_RTOL = 1e-13;

    /**
     * The size of the terms a Hessian entry sums: the largest entry, β × the largest gradient entry, and
     * (β²/n²)·W, W = the largest BCE weight 1/p over unclamped entries (p the probability whose log is taken). The
     * last is the Gauss-Newton part of an entry whose P tangent is ~βp: a rounding error ε·β in that tangent (it is
     * formed from O(1) tangents, e.g. across a tie comparator with slope β/4) becomes ε·β²/p in H.
     */
    static double termScale(DiffSortLoss loss, double[] x, double[] t, double[] exact, double[] grad) {
        int n = x.length;
        double beta = loss.steepness();
        double[] p = new double[n * n];
        loss.permutationMatrix(x, 0, n, p);
        int[] rank = new int[n];
        Ranks.stableAscendingRanks(t, 0, n, rank);
        double w = 1;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double prob = rank[i] == j ? p[i * n + j] : 1 - p[i * n + j];
                if (prob > Bce.P_CLAMP) w = Math.max(w, 1 / prob);
            }
        return DiffSortLossDerivativesTest.maxAbs(exact) + beta * DiffSortLossDerivativesTest.maxAbs(grad)
                + beta * beta / ((double) n * n) * w;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exactCases")
    void hessianMatchesExactHessianOnTiedSamples(Case c) {
        DiffSortLoss loss = c.loss();
        int n = c.n();
        double[][] xt = tiedSample(new Random(c.seed()), n, c.scale());
        double[] g = new double[n], h = new double[n * n];
        loss.evaluate(0, n, xt[0], xt[1], g, h);
        double[] exact = new ExactDsnHessian(DIGITS).hessian(loss, xt[0], xt[1]);
        // the oracle is exact: symmetric and shift invariant relative to its own largest entry, however small
        assertInvariants(c + " (exact)", n, exact, 1e-12 * DiffSortLossDerivativesTest.maxAbs(exact));
        double tol = TERM_RTOL * termScale(loss, xt[0], xt[1], exact, g);
        for (int i = 0; i < n * n; i++)
            if (!(Math.abs(h[i] - exact[i]) <= tol))
                fail(c + ": H[" + i / n + "][" + i % n + "] = " + h[i] + ", exact " + exact[i] + " (tolerance " + tol + ")");
        assertInvariants(c + " (double)", n, h, tol);
    }

    /**
     * The sample the finding came from (odd-even, logistic, β = 10, scores ×100 with two tie pairs): max|H| is
     * 2.4e-136 and the double H·1 is of the same size, but H agrees with the exact Hessian to 1e-135 while the
     * terms summed are O(1): the double result is as accurate as double allows, and the exact one is shift
     * invariant.
     */
    @Test
    void reportedTiedSaturatedSample() {
        DiffSortLoss loss = new DiffSortLoss(SortingNetworks.Type.ODD_EVEN, Sigmoid.LOGISTIC, 10, 0.25);
        double[] x = {-9.731338500976562, -9.731338500976562, 22.213573455810547, 22.213573455810547, -67.6415786743164};
        double[] t = {-0.45471442401592715, -0.3546338145419418, -1.9429474561167988, 1.6531564275416346,
                0.12196856752632033};
        int n = 5;
        double[] g = new double[n], h = new double[n * n];
        loss.evaluate(0, n, x, t, g, h);
        double[] exact = new ExactDsnHessian(DIGITS).hessian(loss, x, t);
        double maxExact = DiffSortLossDerivativesTest.maxAbs(exact);
        if (!(maxExact > 1e-136 && maxExact < 1e-135)) fail("max|H| of the exact Hessian: " + maxExact);
        assertInvariants("exact", n, exact, 1e-12 * maxExact);
        double tol = TERM_RTOL * termScale(loss, x, t, exact, g);
        for (int i = 0; i < n * n; i++)
            if (!(Math.abs(h[i] - exact[i]) <= tol))
                fail("H[" + i / n + "][" + i % n + "] = " + h[i] + ", exact " + exact[i]);
    }

    static void assertInvariants(String what, int n, double[] h, double tol) {
        for (int i = 0; i < n; i++) {
            double row = 0;
            for (int j = 0; j < n; j++) {
                row += h[i * n + j];
                if (!(Math.abs(h[i * n + j] - h[j * n + i]) <= tol))
                    fail(what + ": H[" + i + "][" + j + "] = " + h[i * n + j] + ", H[" + j + "][" + i + "] = "
                            + h[j * n + i] + " (tolerance " + tol + ")");
            }
            if (!(Math.abs(row) <= tol)) fail(what + ": (H·1)[" + i + "] = " + row + " (tolerance " + tol + ")");
        }
    }

    static Stream<DiffSortSaturatedHessianTest.Case> differenceCases() {
        List<DiffSortSaturatedHessianTest.Case> cases = new ArrayList<>();
        long seed = 9500;
        for (SortingNetworks.Type net : SortingNetworks.Type.values())
            for (Sigmoid s : Sigmoid.values())
                for (int n : new int[] {5, 7, 16})
                    for (double scale : new double[] {0.01, 1})
                        cases.add(new DiffSortSaturatedHessianTest.Case(net, s, n, scale, 10, seed++));
        return cases.stream();
    }

    /**
     * H against central differences of the gradient on tied samples, where those differences are reliable (the
     * criteria of {@link DiffSortSaturatedHessianTest#hessianMatchesFiniteDifferencesOfGradient}; at an exact tie
     * ART's cusp and the reciprocal/optimal kinks make the step-size check fail, so those points are skipped).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("differenceCases")
    void hessianMatchesFiniteDifferencesOnTiedSamples(DiffSortSaturatedHessianTest.Case c) {
        DiffSortLoss loss = new DiffSortLoss(c.network(), c.sigmoid(), c.steepness(), 0.25);
        Random r = new Random(c.seed());
        int n = c.n();
        double step = 1e-4 * Math.max(1, c.scale()) / c.steepness();
        int checked = 0;
        for (int s = 0; s < DiffSortSaturatedHessianTest.SAMPLES; s++) {
            double[][] xt = tiedSample(r, n, c.scale());
            if (!DiffSortSaturatedHessianTest.bceComplementAccurate(loss, xt, n)
                    || DiffSortSaturatedHessianTest.quantisedComparator(c, xt[0])) continue;
            double[] g = new double[n], h = new double[n * n];
            loss.evaluate(0, n, xt[0], xt[1], g, h);
            double[] fd = DiffSortSaturatedHessianTest.gradientDifferences(loss, xt, n, step);
            double[] fdFine = DiffSortSaturatedHessianTest.gradientDifferences(loss, xt, n, step / 3);
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
        Assumptions.assumeTrue(checked > 0, c + ": no tied sample with reliable finite differences");
    }
}
