package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.newtonloss.ranking.DiffSortLossDerivativesTest.assertScaledClose;
import static org.newtonloss.ranking.DiffSortLossDerivativesTest.maxAbs;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.linalg.BatchedCholesky;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.MseLoss;

/**
 * The Gauss-Newton form of every ranking relaxation: P equals the loss's own permutation matrix, J = ∂P/∂x
 * matches central finite differences, Jᵀf' equals the loss's gradient, C is symmetric, PSD and
 * annihilates 1 (shift invariance), and the Hessian minus C is the curvature of P weighted by f' (so C is the Hessian exactly where P
 * is linear in the scores).
 */
class RankingGaussNewtonTest {

    /** One point: a ranking loss, scores x and targets t (n = x.length). */
    record Case(String name, AlgorithmicLoss loss, double[] x, double[] t) {
        int n() { return x.length; }
        @Override public String toString() { return name; }
    }

    /** Smooth points (no ties, no kinks within finite-difference reach, no saturation) for every family. */
    static Stream<Case> smoothCases() {
        List<Case> cases = new ArrayList<>();
        long seed = 9000;
        for (SortingNetworks.Type net : SortingNetworks.Type.values())
            for (Sigmoid s : Sigmoid.values())
                for (int n : new int[] {2, 3, 5, 8, 16})
                    for (double beta : new double[] {2, 20}) {
                        var c = new DiffSortLossDerivativesTest.Case(net, s, n, beta, seed++);
                        double[][] pt = DiffSortLossDerivativesTest.sample(c);
                        cases.add(new Case(c.toString(), new DiffSortLoss(net, s, beta, 0.25), pt[0], pt[1]));
                    }
        for (int n : new int[] {2, 3, 5, 8, 16})
            for (double tau : new double[] {0.1, 1, 10}) {
                for (SoftPermutationLoss loss : List.of(new NeuralSortLoss(tau), new SoftSortLoss(tau, 1),
                        new SoftSortLoss(tau, 2))) {
                    double[][] pt = SoftPermutationDerivativesTest.point(n, 1.0, seed++);
                    cases.add(new Case(loss.spec() + " n=" + n, loss, pt[0], pt[1]));
                }
            }
        return cases.stream();
    }

    /** Saturated softmax rows (an off-target probability within 1e-3 … 1e-12 of 1): the separate basis. */
    static Stream<Case> saturatedSoftCases() {
        List<Case> cases = new ArrayList<>();
        long seed = 500;
        for (int n : new int[] {3, 5, 16}) {
            for (SoftPermutationLoss loss : List.of(new NeuralSortLoss(1), new SoftSortLoss(0.5, 1),
                    new SoftSortLoss(1, 2))) {
                double scale = loss instanceof SoftSortLoss s && s.power() == 2 ? 5 : 20;
                double[][] pt = SoftPermutationDerivativesTest.point(n, scale, seed++);
                cases.add(new Case(loss.spec() + " n=" + n + " scale=" + scale, loss, pt[0], pt[1]));
            }
        }
        return cases.stream();
    }

    /**
     * Inputs chosen to break things: exact ties (ART's singular slope, |·|'(0) = 0), all scores equal, huge and
     * tiny scales, extreme steepness/temperature, reversed and tied targets, saturation to the log clamp.
     */
    static Stream<Case> adversarialCases() {
        List<Case> cases = new ArrayList<>();
        Random r = new Random(42);
        List<AlgorithmicLoss> losses = new ArrayList<>();
        for (SortingNetworks.Type net : SortingNetworks.Type.values())
            for (Sigmoid s : Sigmoid.values())
                for (double beta : new double[] {10, 1000}) losses.add(new DiffSortLoss(net, s, beta, 0.25));
        for (double tau : new double[] {1e-3, 1, 1e3}) {
            losses.add(new NeuralSortLoss(tau));
            losses.add(new SoftSortLoss(tau, 1));
            losses.add(new SoftSortLoss(tau, 2));
        }
        for (AlgorithmicLoss loss : losses) {
            for (int n : new int[] {5, 16}) {
                double[] ties = new double[n], equal = new double[n], huge = new double[n], tiny = new double[n];
                double[] rev = new double[n], tiedTargets = new double[n], random = new double[n];
                for (int i = 0; i < n; i++) {
                    ties[i] = r.nextInt(3) - 1; // three values only: many exact ties
                    equal[i] = 0.5;
                    huge[i] = 1e3 * r.nextGaussian();
                    tiny[i] = 1e-9 * r.nextGaussian();
                    random[i] = r.nextGaussian();
                    rev[i] = -random[i];
                    tiedTargets[i] = i % 2;
                }
                String base = loss.spec() + " n=" + n;
                cases.add(new Case(base + " ties", loss, ties, random));
                cases.add(new Case(base + " all equal", loss, equal, random));
                cases.add(new Case(base + " huge", loss, huge, random));
                cases.add(new Case(base + " tiny", loss, tiny, random));
                cases.add(new Case(base + " reversed", loss, random, rev));
                cases.add(new Case(base + " tied targets", loss, huge, tiedTargets));
            }
        }
        return cases.stream();
    }

    static Stream<Case> allCases() {
        return Stream.of(smoothCases(), saturatedSoftCases(), adversarialCases()).flatMap(s -> s);
    }

    // ---------------------------------------------------------------- P and J

    @ParameterizedTest(name = "{0}")
    @MethodSource("allCases")
    void permutationMatrixIsTheLosss(Case c) {
        int n = c.n();
        double[] p = new double[n * n], jac = new double[n * n * n], expected = new double[n * n];
        RankingGaussNewton.of(c.loss()).jacobian(c.x(), 0, n, p, jac);
        permutationMatrix(c.loss(), c.x(), expected);
        // The losses may compute P differently (NeuralSort/SoftSort: products of exp(gap) factors instead of one exp
        // per logit), so agreement is to rounding, not bitwise.
        for (int e = 0; e < n * n; e++)
            if (!(Math.abs(p[e] - expected[e]) <= 1e-12)) fail(c + ": P[" + e + "] = " + p[e] + ", loss gives " + expected[e]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smoothCases")
    void jacobianMatchesFiniteDifferences(Case c) {
        int n = c.n();
        double[] p = new double[n * n], jac = new double[n * n * n];
        RankingGaussNewton.of(c.loss()).jacobian(c.x(), 0, n, p, jac);
        double[] fd = new double[n * n * n], pp = new double[n * n], pm = new double[n * n];
        double h = 1e-6 / Math.max(1, steepness(c.loss()) / 5);
        for (int t = 0; t < n; t++) {
            double[] xp = c.x().clone(), xm = c.x().clone();
            xp[t] += h;
            xm[t] -= h;
            permutationMatrix(c.loss(), xp, pp);
            permutationMatrix(c.loss(), xm, pm);
            for (int e = 0; e < n * n; e++) fd[e * n + t] = (pp[e] - pm[e]) / (xp[t] - xm[t]);
        }
        // Differences of O(1) entries resolve a derivative to ~1e-10·(scale of x) at best: the absolute floor.
        double scale = maxAbs(jac), floor = 1e-9 * Math.max(1, steepness(c.loss()));
        for (int i = 0; i < jac.length; i++)
            if (!(Math.abs(jac[i] - fd[i]) <= 2e-6 * (Math.abs(fd[i]) + scale) + floor))
                fail(c + ": J[" + i + "] = " + jac[i] + ", finite differences give " + fd[i] + " (max |J| " + scale + ")");
    }

    // ---------------------------------------------------------------- gradient and C

    /** Every case but DSN's adversarial ones, where C is exact only to the conditioning of 1/(1−p) at p ≈ 1. */
    static Stream<Case> wellConditionedCases() {
        return Stream.of(smoothCases(), saturatedSoftCases(),
                adversarialCases().filter(c -> c.loss() instanceof SoftPermutationLoss)).flatMap(s -> s);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adversarialCases")
    void adversarialResultsAreTheLosssAndFinite(Case c) {
        int n = c.n();
        double[] g = new double[n], gLoss = new double[n], cm = new double[n * n];
        double value = RankingGaussNewton.of(c.loss()).evaluate(0, n, c.x(), c.t(), g, cm);
        assertEquals(c.loss().evaluate(0, n, c.x(), c.t(), gLoss, null), value, 0.0, c + " value");
        assertArrayEquals(gLoss, g, 0.0, c + " gradient");
        for (int i = 0; i < n * n; i++) assertTrue(Double.isFinite(cm[i]), c + ": C[" + i + "] = " + cm[i]);
    }

    /** The gradient Jᵀf'/n² from the explicit Jacobian equals the loss's own gradient. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("smoothCases")
    void gradientIsJacobianTransposeTimesBceSlope(Case c) {
        int n = c.n();
        double[] p = new double[n * n], jac = new double[n * n * n], gLoss = new double[n];
        RankingGaussNewton.of(c.loss()).jacobian(c.x(), 0, n, p, jac);
        c.loss().evaluate(0, n, c.x(), c.t(), gLoss, null);
        int[] rank = new int[n];
        Ranks.stableAscendingRanks(c.t(), 0, n, rank);
        double[] g = new double[n];
        for (int e = 0; e < n * n; e++) {
            double f1 = Bce.d1(p[e], rank[e / n] == e % n) / (n * n);
            for (int t = 0; t < n; t++) g[t] += f1 * jac[e * n + t];
        }
        double scale = maxAbs(gLoss);
        for (int i = 0; i < n; i++)
            if (!(Math.abs(g[i] - gLoss[i]) <= 1e-9 * scale + 1e-300))
                fail(c + ": (Jᵀf')[" + i + "] = " + g[i] + ", loss gives " + gLoss[i] + " (max |g| " + scale + ")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allCases")
    void gaussNewtonIsSymmetricAndPsd(Case c) {
        int n = c.n();
        double[] g = new double[n], cm = new double[n * n];
        RankingGaussNewton.of(c.loss()).evaluate(0, n, c.x(), c.t(), g, cm);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (cm[i * n + j] != cm[j * n + i]) fail(c + ": C not symmetric at " + i + "," + j);
        // λ_min(C) ≥ −1e-10·‖C‖ ⟺ C/‖C‖ + 1e-10·I is positive definite, which a Cholesky factorisation decides to
        // ~n·eps (backward stable). linalg.SymmetricEigen is not used: its QL iteration does not converge on some
        // matrices here (e.g. [[s,0,−s],[0,0,0],[−s,0,s]] with s = 1e-160, or C/max|C| of a few adversarial cases).
        double norm = maxAbs(cm); // ≤ ‖C‖₂: a stricter bound; no squares, so no underflow for tiny C
        if (norm == 0) return; // C = 0 is PSD
        double[] shifted = new double[n * n], factor = new double[n * n];
        for (int i = 0; i < n * n; i++) shifted[i] = cm[i] / norm;
        for (int i = 0; i < n; i++) shifted[i * n + i] += 1e-10;
        int[] info = BatchedCholesky.factor(shifted, 1, n, factor);
        assertEquals(0, info[0], c + ": C + 1e-10·‖C‖·I is not positive definite (leading minor " + info[0] + ")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wellConditionedCases")
    void gaussNewtonAnnihilatesOnes(Case c) {
        int n = c.n();
        double[] g = new double[n], cm = new double[n * n];
        RankingGaussNewton.of(c.loss()).evaluate(0, n, c.x(), c.t(), g, cm);
        double norm = maxAbs(cm);
        for (int i = 0; i < n; i++) {
            double rowSum = 0;
            for (int j = 0; j < n; j++) rowSum += cm[i * n + j];
            if (!(Math.abs(rowSum) <= 1e-10 * norm)) fail(c + ": (C·1)[" + i + "] = " + rowSum + ", ‖C‖ " + norm);
        }
    }

    /**
     * C against an independent reference: Σ_k Σ_l (J_kᵀ b_kl)(J_kᵀ b_kl)ᵀ with the logits from their definitions
     * (METHOD.md §2, original coordinates), J_k = ∂z_k/∂x by central differences (exact: the logits are piecewise
     * linear or quadratic) and b_kl = √(f''_kl) ∂softmax_l/∂z written without cancellation.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("softCases")
    void softPermutationMatchesRankOneReference(Case c) {
        int n = c.n();
        double[] g = new double[n], cm = new double[n * n];
        RankingGaussNewton.of(c.loss()).evaluate(0, n, c.x(), c.t(), g, cm);
        double[] expected = rankOneReference((SoftPermutationLoss) c.loss(), c.x(), c.t());
        assertScaledClose(expected, cm, 1e-9, c + " C");
    }

    /** Softmax cases without ties (where central differences of the sorted scores are not one-sided-consistent). */
    static Stream<Case> softCases() {
        return Stream.of(smoothCases(), saturatedSoftCases(), adversarialCases())
                .flatMap(s -> s)
                .filter(c -> c.loss() instanceof SoftPermutationLoss && minGap(c.x()) > 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dsnCases")
    void dsnMatchesExplicitJacobianProduct(Case c) {
        int n = c.n();
        double[] g = new double[n], cm = new double[n * n];
        RankingGaussNewton.of(c.loss()).evaluate(0, n, c.x(), c.t(), g, cm);
        double[] p = new double[n * n], jac = new double[n * n * n];
        RankingGaussNewton.of(c.loss()).jacobian(c.x(), 0, n, p, jac);
        int[] rank = new int[n];
        Ranks.stableAscendingRanks(c.t(), 0, n, rank);
        double[] expected = new double[n * n];
        double inv = 1.0 / (n * n);
        for (int e = 0; e < n * n; e++) {
            double f2 = Bce.d2(p[e], rank[e / n] == e % n) * inv;
            for (int a = 0; a < n; a++)
                for (int b = 0; b < n; b++) expected[a * n + b] += f2 * jac[e * n + a] * jac[e * n + b];
        }
        assertScaledClose(expected, cm, 1e-12, c + " C");
    }

    static Stream<Case> dsnCases() {
        return smoothCases().filter(c -> c.loss() instanceof DiffSortLoss);
    }

    // ---------------------------------------------------------------- C versus the Hessian

    /**
     * H − C = Σ_ij f'(P_ij) ∇²P_ij / n² (the term Gauss-Newton drops), with ∇²P_ij from central differences of the
     * analytic J: ties the Gauss-Newton matrix to the loss's own exact Hessian for every family.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("smoothCases")
    void hessianMinusGaussNewtonIsTheCurvatureOfP(Case c) {
        int n = c.n();
        RankingGaussNewton gn = RankingGaussNewton.of(c.loss());
        double[] g = new double[n], cm = new double[n * n], hess = new double[n * n];
        gn.evaluate(0, n, c.x(), c.t(), g, cm);
        c.loss().evaluate(0, n, c.x(), c.t(), g, hess);
        double[] p = new double[n * n], jac = new double[n * n * n];
        gn.jacobian(c.x(), 0, n, p, jac);
        int[] rank = new int[n];
        Ranks.stableAscendingRanks(c.t(), 0, n, rank);
        double[] f1 = new double[n * n];
        for (int e = 0; e < n * n; e++) f1[e] = Bce.d1(p[e], rank[e / n] == e % n) / (n * n);

        double[] weighted = new double[n * n], jp = new double[n * n * n], jm = new double[n * n * n];
        double h = 1e-5 / Math.max(1, steepness(c.loss()) / 5);
        for (int t = 0; t < n; t++) {
            double[] xp = c.x().clone(), xm = c.x().clone();
            xp[t] += h;
            xm[t] -= h;
            gn.jacobian(xp, 0, n, p, jp);
            gn.jacobian(xm, 0, n, p, jm);
            double width = xp[t] - xm[t];
            for (int e = 0; e < n * n; e++)
                for (int a = 0; a < n; a++) weighted[a * n + t] += f1[e] * (jp[e * n + a] - jm[e * n + a]) / width;
        }
        double[] diff = new double[n * n];
        for (int i = 0; i < n * n; i++) diff[i] = hess[i] - cm[i];
        double scale = Math.max(maxAbs(hess), maxAbs(cm));
        for (int i = 0; i < n * n; i++)
            if (!(Math.abs(diff[i] - weighted[i]) <= 2e-6 * scale))
                fail(c + ": (H − C)[" + i + "] = " + diff[i] + ", Σ f'∇²P gives " + weighted[i] + " (scale " + scale + ")");
    }

    /**
     * n = 2 in closed form: P = [[α, 1−α], [1−α, α]] with α = F(β(x₁ − x₀)), so ∇²P_ij = ±α''(e₁ − e₀)(e₁ − e₀)ᵀ and
     * H − C = α'' (f'₀₀ − f'₀₁ − f'₁₀ + f'₁₁)/4 · [[1, −1], [−1, 1]]. With the optimal sigmoid inside its linear
     * zone (|β d| ≤ ¼) α'' = 0: P is linear in x and C is the Hessian.
     */
    @ParameterizedTest(name = "{0} β={1}")
    @MethodSource("twoItemCases")
    void twoItemsInClosedForm(Sigmoid sigmoid, double beta, double d) {
        DiffSortLoss loss = new DiffSortLoss(SortingNetworks.Type.ODD_EVEN, sigmoid, beta, 0.25);
        double[] x = {0.3, 0.3 + d}, t = {1, 0}; // true order: input 1 first
        double[] g = new double[2], cm = new double[4], hess = new double[4];
        RankingGaussNewton.of(loss).evaluate(0, 2, x, t, g, cm);
        loss.evaluate(0, 2, x, t, g, hess);
        double[] s = new double[3];
        sigmoid.evaluate(x[1] - x[0], beta, 0.25, s);
        double a = s[0];
        // Targets: Q = [[0, 1], [1, 0]].
        double f00 = Bce.d1(a, false), f01 = Bce.d1(1 - a, true), f10 = Bce.d1(1 - a, true), f11 = Bce.d1(a, false);
        double k = s[2] * (f00 - f01 - f10 + f11) / 4;
        double[] expected = {hess[0] - k, hess[1] + k, hess[2] + k, hess[3] - k};
        assertScaledClose(expected, cm, 1e-12, sigmoid + " C");
        if (sigmoid == Sigmoid.OPTIMAL && Math.abs(beta * (x[1] - x[0])) <= 0.25) {
            assertEquals(0.0, s[2], "optimal is linear inside |v| <= 1/4");
            assertScaledClose(hess, cm, 1e-13, "optimal, linear zone: C = H");
        } else {
            assertTrue(Math.abs(k) > 1e-6 * maxAbs(hess), sigmoid + ": H and C should differ here, k = " + k);
        }
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> twoItemCases() {
        List<org.junit.jupiter.params.provider.Arguments> cases = new ArrayList<>();
        for (Sigmoid s : Sigmoid.values())
            cases.add(org.junit.jupiter.params.provider.Arguments.of(s, 4.0, 0.7 / 4));
        for (double beta : new double[] {1, 10, 100})
            for (double v : new double[] {-0.25, -0.1, 0.2, 0.25})
                cases.add(org.junit.jupiter.params.provider.Arguments.of(Sigmoid.OPTIMAL, beta, v / beta));
        return cases.stream();
    }

    // ---------------------------------------------------------------- batch layout and bad input

    @Test
    void samplesOfABatchLandAtTheirOffsets() {
        int n = 5, batch = 3;
        Random r = new Random(3);
        double[] y = new double[batch * n], t = new double[batch * n];
        for (int i = 0; i < y.length; i++) { y[i] = r.nextGaussian(); t[i] = r.nextGaussian(); }
        for (AlgorithmicLoss loss : List.of(new DiffSortLoss(), new NeuralSortLoss(1), new SoftSortLoss(1, 2))) {
            RankingGaussNewton gn = RankingGaussNewton.of(loss);
            double[] g = new double[batch * n], cm = new double[batch * n * n];
            for (int s = 0; s < batch; s++) gn.evaluate(s, n, y, t, g, cm);
            for (int s = 0; s < batch; s++) {
                double[] g1 = new double[n], c1 = new double[n * n];
                gn.evaluate(0, n, java.util.Arrays.copyOfRange(y, s * n, s * n + n),
                        java.util.Arrays.copyOfRange(t, s * n, s * n + n), g1, c1);
                assertEquals(java.util.Arrays.toString(g1),
                        java.util.Arrays.toString(java.util.Arrays.copyOfRange(g, s * n, s * n + n)), loss + " g");
                assertEquals(java.util.Arrays.toString(c1),
                        java.util.Arrays.toString(java.util.Arrays.copyOfRange(cm, s * n * n, (s + 1) * n * n)), loss + " C");
            }
        }
    }

    @Test
    void badInputIsRejectedWithItsName() {
        var e = assertThrows(IllegalArgumentException.class, () -> RankingGaussNewton.of(new MseLoss()));
        assertTrue(e.getMessage().contains("mse"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RankingGaussNewton.of(null));
        for (AlgorithmicLoss loss : List.of(new DiffSortLoss(), new NeuralSortLoss(1), new SoftSortLoss(1, 1))) {
            RankingGaussNewton gn = RankingGaussNewton.of(loss);
            double[] x = {0.1, Double.NaN, 0.3}, t = {1, 2, 3}, g = new double[3], cm = new double[9];
            e = assertThrows(IllegalArgumentException.class, () -> gn.evaluate(0, 3, x, t, g, cm));
            assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("1"), loss + ": " + e.getMessage());
            double[] ok = {0.1, 0.2, 0.3}, tNaN = {1, Double.NaN, 3};
            e = assertThrows(IllegalArgumentException.class, () -> gn.evaluate(0, 3, ok, tNaN, g, cm));
            assertTrue(e.getMessage().contains("NaN"), loss + ": " + e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> gn.evaluate(0, 1, ok, t, g, cm));
            assertTrue(e.getMessage().contains("1"), loss + ": " + e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> gn.evaluate(0, 3, ok, t, g, new double[8]));
            assertTrue(e.getMessage().contains("gaussNewton") && e.getMessage().contains("8"), loss + ": " + e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> gn.evaluate(1, 3, ok, t, g, cm));
            assertTrue(e.getMessage().contains("y.length"), loss + ": " + e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> gn.jacobian(ok, 0, 3, new double[9], new double[26]));
            assertTrue(e.getMessage().contains("jac") && e.getMessage().contains("26"), loss + ": " + e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> gn.jacobian(new double[] {0, Double.POSITIVE_INFINITY}, 0, 2, new double[4], new double[8]));
            assertTrue(e.getMessage().contains("Infinity"), loss + ": " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- helpers

    static void permutationMatrix(AlgorithmicLoss loss, double[] x, double[] p) {
        switch (loss) {
            case DiffSortLoss d -> d.permutationMatrix(x, 0, x.length, p);
            case SoftPermutationLoss s -> s.permutationMatrix(x, 0, x.length, p);
            default -> throw new IllegalArgumentException(loss.spec());
        }
    }

    /** The scale of the scores' derivatives: DSN steepness, 1/τ for the softmax families. */
    static double steepness(AlgorithmicLoss loss) {
        return switch (loss) {
            case DiffSortLoss d -> d.steepness();
            case NeuralSortLoss ns -> 1 / ns.tau();
            case SoftSortLoss ss -> 1 / ss.tau();
            default -> 1;
        };
    }

    /** Logits z[k*n + j] of ascending rank k, from the definitions (original coordinates). */
    static double[] logits(SoftPermutationLoss loss, double[] x) {
        int n = x.length;
        double[] z = new double[n * n];
        double[] sorted = x.clone();
        java.util.Arrays.sort(sorted);
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < n; j++) {
                if (loss instanceof NeuralSortLoss ns) {
                    double abs = 0;
                    for (int m = 0; m < n; m++) abs += Math.abs(x[j] - x[m]);
                    z[k * n + j] = ((n - 1 - 2 * k) * -x[j] - abs) / ns.tau();
                } else {
                    SoftSortLoss ss = (SoftSortLoss) loss;
                    z[k * n + j] = -Math.pow(Math.abs(sorted[k] - x[j]), ss.power()) / ss.tau();
                }
            }
        }
        return z;
    }

    static double[] rankOneReference(SoftPermutationLoss loss, double[] x, double[] t) {
        int n = x.length;
        double[] z = logits(loss, x);
        double[][] dz = new double[n][]; // dz[t'][k*n + j] = ∂z_kj/∂x_t'
        double h = 1e-3 * minGap(x);
        for (int u = 0; u < n; u++) {
            double[] xp = x.clone(), xm = x.clone();
            xp[u] += h;
            xm[u] -= h;
            double[] zp = logits(loss, xp), zm = logits(loss, xm);
            dz[u] = new double[n * n];
            for (int e = 0; e < n * n; e++) dz[u][e] = (zp[e] - zm[e]) / (xp[u] - xm[u]);
        }
        int[] rank = new int[n];
        Ranks.stableAscendingRanks(t, 0, n, rank);
        double[] c = new double[n * n], b = new double[n], v = new double[n];
        for (int k = 0; k < n; k++) {
            double mx = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) mx = Math.max(mx, z[k * n + j]);
            double[] e = new double[n];
            double sum = 0;
            for (int j = 0; j < n; j++) sum += e[j] = Math.exp(z[k * n + j] - mx);
            double[] p = new double[n];
            for (int j = 0; j < n; j++) p[j] = e[j] / sum;
            for (int l = 0; l < n; l++) {
                boolean target = rank[l] == k;
                double rest = 0; // 1 − p_l as a sum, without cancellation
                for (int m = 0; m < n; m++) if (m != l) rest += p[m];
                if (target ? p[l] <= Bce.P_CLAMP : rest <= Bce.P_CLAMP) continue;
                // b = √f'' · p_l (e_l − p) / n: (e_l − p)/n on the target; p_l (e_l − π)/n off it, π = p_{−l}/(1 − p_l);
                // 1 − p_l is the sum of the other p's throughout (1 − p_l itself cancels when p_l ≈ 1).
                for (int m = 0; m < n; m++) {
                    b[m] = target ? (m == l ? rest : -p[m]) : p[l] * (m == l ? 1 : -p[m] / rest);
                    b[m] /= n;
                }
                for (int u = 0; u < n; u++) {
                    double s = 0;
                    for (int m = 0; m < n; m++) s += dz[u][k * n + m] * b[m];
                    v[u] = s;
                }
                for (int a = 0; a < n; a++) for (int d = 0; d < n; d++) c[a * n + d] += v[a] * v[d];
            }
        }
        return c;
    }

    static double minGap(double[] x) {
        double[] s = x.clone();
        java.util.Arrays.sort(s);
        double gap = Double.POSITIVE_INFINITY;
        for (int i = 1; i < s.length; i++) gap = Math.min(gap, s[i] - s[i - 1]);
        return gap;
    }
}
