package org.newtonloss.ranking;

import java.util.Arrays;

/**
 * Gauss-Newton form of NeuralSort and SoftSort ({@link SoftPermutationLoss}) in O(n³) per sample.
 *
 * <p>Both relaxations take, for each ascending rank k, logits z_k(x) and P̂[k][·] = p_k = softmax(z_k), with
 * P[i][k] = P̂[k][i] (column convention). With the softmax Jacobian D_k = diag(p_k) − p_k p_kᵀ and the logit Jacobian
 * J_k = ∂z_k/∂x, the rows of ∂P/∂x belonging to rank k are D_k J_k, so
 * <pre>
 *   C = Σ_k J_kᵀ G_k J_k,   G_k = D_k diag(f''_k) D_k = Σ_l c_l (e_l − p)(e_l − p)ᵀ = diag(c) − c pᵀ − p cᵀ + γ p pᵀ
 * </pre>
 * with c_l = p_l² f''_l / n² (1/n² on the target entry, (p_l/(1−p_l))²/n² elsewhere) and γ = Σ_l c_l. This is the
 * Hessian's logit curvature without the gradient terms (the u's of {@link SoftPermutationLoss}) and without
 * Σ u ∇²z. When one entry * dominates (1 − p* &lt; ¼), its term c*(e* − p)(e* − p)ᵀ is kept apart as
 * c*(1−p*)² (e* − π)(e* − π)ᵀ, π = the softmax without *: bounded (c* ~ 1/(1−p*)² off target), and free of the
 * cancellation that would otherwise leave indefinite rounding errors (G_k = 0 exactly for a one-hot row).
 *
 * <p>Work happens in sorted coordinates (stable ascending order of the scores), where J_kᵀv costs O(n) and
 * Σ_k J_kᵀ diag(c_k) J_k costs O(n²) in all; per rank there is one symmetric rank-2 update (two with a saturated
 * entry), as in the Hessian. {@link #jacobian} builds the explicit n²×n Jacobian D_k J_k (O(n³)) for tests and
 * tools. P, the value and the gradient are the loss's own ({@link SoftPermutationLoss#permutationMatrix},
 * {@link SoftPermutationLoss#evaluate}); only C and the logit Jacobians J_k are computed here.
 */
public final class SoftPermutationGaussNewton implements RankingGaussNewton {
    /** A row whose largest off-target probability exceeds 1 − SATURATION keeps that entry's term apart. */
    private static final double SATURATION = 0.25;

    private final SoftPermutationLoss loss;
    // Built on first use in each thread: the loss may still be under construction when this object is made.
    private final ThreadLocal<Work> works;

    /** @param loss a NeuralSort or SoftSort loss (its parameters are read when a thread first evaluates) */
    public SoftPermutationGaussNewton(SoftPermutationLoss loss) {
        if (loss == null) throw new IllegalArgumentException("loss must not be null");
        this.loss = loss;
        this.works = ThreadLocal.withInitial(() -> new Work(logitsOf(loss)));
    }

    private static Logits logitsOf(SoftPermutationLoss loss) {
        return switch (loss) {
            case NeuralSortLoss ns -> new NeuralSortLogits(ns.tau());
            case SoftSortLoss ss -> new SoftSortLogits(ss.tau(), ss.power());
        };
    }

    @Override
    public void jacobian(double[] x, int off, int n, double[] p, double[] jac) {
        loss.checkDimension(n);
        ArrayLengths.check("x", x, (long) off + n);
        ArrayLengths.check("p", p, (long) n * n);
        ArrayLengths.check("jac", jac, (long) n * n * n);
        Work w = works.get();
        w.ensure(n);
        System.arraycopy(x, off, w.xraw, 0, n);
        loss.permutationMatrix(w.xraw, 0, n, p); // validates the scores
        sortScores(w, n);
        Logits rows = w.logits;
        rows.prepare(w, n);
        int[] order = w.order;
        for (int k = 0; k < n; k++) {
            rows.row(w, n, k);
            for (int j = 0; j < n; j++) w.p[j] = p[order[j] * n + k];
            rows.mapTranspose(w, n, k, w.p, w.v1); // J_kᵀ p
            for (int j = 0; j < n; j++) {
                Arrays.fill(w.unit, 0, n, 0.0);
                w.unit[j] = 1;
                rows.mapTranspose(w, n, k, w.unit, w.v2); // row j of J_k
                double pj = w.p[j];
                int row = (order[j] * n + k) * n;
                for (int l = 0; l < n; l++) jac[row + order[l]] = pj * (w.v2[l] - w.v1[l]);
            }
        }
    }

    @Override
    public double evaluate(int sample, int m, double[] y, double[] target, double[] grad, double[] gaussNewton) {
        loss.checkDimension(m);
        int n = m, off = sample * n;
        ArrayLengths.check("y", y, (long) off + n);
        ArrayLengths.check("target", target, (long) off + n);
        ArrayLengths.check("grad", grad, (long) off + n);
        ArrayLengths.check("gaussNewton", gaussNewton, (long) sample * n * n + (long) n * n);
        double value = loss.evaluate(sample, m, y, target, grad, null); // validates; value and gradient as the loss's
        Work w = works.get();
        w.ensure(n);
        for (int i = 0; i < n; i++) {
            w.xraw[i] = y[off + i];
            w.traw[i] = target[off + i];
        }
        loss.permutationMatrix(w.xraw, 0, n, w.pm);
        sortScores(w, n);
        IndexSort.stableArgsort(w.traw, 0, n, w.perm, w.itmp);
        for (int k = 0; k < n; k++) w.tgt[k] = w.inv[w.perm[k]];
        curvature(w, n);
        int[] order = w.order;
        int cb = sample * n * n;
        double[] hd = w.hd;
        for (int i = 0; i < n; i++) {
            int row = cb + order[i] * n;
            for (int j = 0; j < n; j++) gaussNewton[row + order[j]] = hd[i * n + j] + hd[j * n + i];
        }
        return value;
    }

    /** The half-stored C (w.hd, C = hd + hdᵀ) in sorted coordinates, from P in w.pm and the targets in w.tgt. */
    private static void curvature(Work w, int n) {
        Logits rows = w.logits;
        rows.prepare(w, n);
        Arrays.fill(w.hd, 0, n * n, 0.0);
        w.pairs = 0;
        double inv = 1.0 / ((double) n * n);
        double[] p = w.p, c = w.c, pi = w.pi, v1 = w.v1, v2 = w.v2;
        int[] order = w.order;
        for (int k = 0; k < n; k++) {
            rows.row(w, n, k);
            int star = 0;
            for (int l = 0; l < n; l++) {
                p[l] = w.pm[order[l] * n + k];
                if (p[l] > p[star]) star = l;
            }
            double rStar = 0; // 1 − p* as the sum of the others, without cancellation
            for (int l = 0; l < n; l++) if (l != star) rStar += p[l];
            double pStar = p[star];
            int j0 = w.tgt[k];
            // c_l = p_l² f''_l / n²: 1/n² on the target, (p/(1−p))²/n² elsewhere, 0 where the log clamp is active.
            for (int l = 0; l < n; l++) {
                double pl = p[l];
                if (l == j0) c[l] = pl > Bce.P_CLAMP ? inv : 0;
                else {
                    double r = l == star ? rStar : 1 - pl;
                    double q = pl / r;
                    c[l] = r > Bce.P_CLAMP ? q * q * inv : 0;
                }
            }
            // A dominant entry's term c*(e* − p)(e* − p)ᵀ = c*(1−p*)² (e* − π)(e* − π)ᵀ is kept apart: in the compact
            // formula it would cancel (off target c* ~ 1/(1−p*)²; on target to exactly 0 for a one-hot row).
            double kappa = 0;
            if (rStar < SATURATION && c[star] != 0) {
                kappa = star == j0 ? rStar * rStar * inv : pStar * pStar * inv;
                c[star] = 0;
            }
            if (kappa != 0) {
                double invR = 1 / rStar;
                for (int l = 0; l < n; l++) pi[l] = l == star ? 0 : p[l] * invR;
            }
            double gamma = 0;
            for (int l = 0; l < n; l++) gamma += c[l];
            // G_k = diag(c) + (½γp − c)pᵀ + p(½γp − c)ᵀ [+ κ(e* − π)(e* − π)ᵀ].
            rows.addDiagonalCurvature(w, n, k, c, w.hd);
            for (int l = 0; l < n; l++) w.b[l] = 0.5 * gamma * p[l] - c[l];
            rows.mapTranspose(w, n, k, w.b, v1);
            rows.mapTranspose(w, n, k, p, v2);
            addOuter(w, n, v1, v2, 1.0);
            if (kappa != 0) {
                for (int l = 0; l < n; l++) w.b[l] = -pi[l];
                w.b[star] = 1;
                rows.mapTranspose(w, n, k, w.b, v1);
                addOuter(w, n, v1, v1, 0.5 * kappa);
            }
        }
        flushOuter(w, n);
        rows.finishCurvature(w, n, w.hd);
    }

    /**
     * hd += s·x yᵀ (half storage: the completion hd + hdᵀ gives s(x yᵀ + y xᵀ)), buffered: pairs are collected and
     * added {@link Work#PAIRS} at a time, so that each pass over hd does that many multiply-adds per load and store.
     */
    private static void addOuter(Work w, int n, double[] x, double[] y, double s) {
        double[] bx = w.bx[w.pairs], by = w.by[w.pairs];
        for (int j = 0; j < n; j++) {
            bx[j] = s * x[j];
            by[j] = y[j];
        }
        if (++w.pairs == Work.PAIRS) flushOuter(w, n);
    }

    /** Adds the buffered pairs to hd. */
    private static void flushOuter(Work w, int n) {
        double[] hd = w.hd;
        double[][] bx = w.bx, by = w.by;
        if (w.pairs == Work.PAIRS) {
            double[] x0 = bx[0], x1 = bx[1], x2 = bx[2], x3 = bx[3], y0 = by[0], y1 = by[1], y2 = by[2], y3 = by[3];
            for (int j = 0; j < n; j++) {
                double a0 = x0[j], a1 = x1[j], a2 = x2[j], a3 = x3[j];
                int r = j * n;
                for (int l = 0; l < n; l++) hd[r + l] += a0 * y0[l] + a1 * y1[l] + a2 * y2[l] + a3 * y3[l];
            }
        } else {
            for (int q = 0; q < w.pairs; q++) {
                double[] x = bx[q], y = by[q];
                for (int j = 0; j < n; j++) {
                    double xj = x[j];
                    if (xj == 0) continue;
                    int r = j * n;
                    for (int l = 0; l < n; l++) hd[r + l] += xj * y[l];
                }
            }
        }
        w.pairs = 0;
    }

    /** Stable ascending order of w.xraw: w.order, w.inv, sorted scores w.xs and tie groups [w.lo, w.hi). */
    private static void sortScores(Work w, int n) {
        IndexSort.stableArgsort(w.xraw, 0, n, w.order, w.itmp);
        for (int k = 0; k < n; k++) {
            w.xs[k] = w.xraw[w.order[k]];
            w.inv[w.order[k]] = k;
        }
        int start = 0;
        for (int k = 1; k <= n; k++) {
            if (k == n || w.xs[k] != w.xs[start]) {
                for (int q = start; q < k; q++) {
                    w.lo[q] = start;
                    w.hi[q] = k;
                }
                start = k;
            }
        }
    }

    /** The logits of one family in sorted coordinates, and the products with their Jacobian J_k = ∂z_k/∂x. */
    private sealed interface Logits permits NeuralSortLogits, SoftSortLogits {
        /** Per-sample precomputation from the sorted scores w.xs. */
        void prepare(Work w, int n);

        /** Prepares what {@link #mapTranspose} needs for ascending rank k. */
        void row(Work w, int n, int k);

        /** out = J_kᵀ v for the row last passed to {@link #row}. */
        void mapTranspose(Work w, int n, int k, double[] v, double[] out);

        /** Adds J_kᵀ diag(t) J_k to the half-stored hd, or accumulates what {@link #finishCurvature} needs. */
        void addDiagonalCurvature(Work w, int n, int k, double[] t, double[] hd);

        /** Adds what {@link #addDiagonalCurvature} deferred. */
        void finishCurvature(Work w, int n, double[] hd);
    }

    /**
     * NeuralSort: z_kj = (−c_k x_j − Σ_m |x_j − x_m|)/τ, c_k = n−1−2k, so J_k = −(diag(c_k + r) − S)/τ with
     * S_jl = sgn(x_j − x_l), r = S·1 (sign of 0 is 0, as torch's |·|' at 0).
     */
    private record NeuralSortLogits(double tau) implements Logits {
        @Override public void prepare(Work w, int n) {
            Arrays.fill(w.psi, 0, n, 0.0);
            Arrays.fill(w.phi, 0, n, 0.0);
            Arrays.fill(w.chi, 0, n, 0.0);
        }

        @Override public void row(Work w, int n, int k) {}

        /** J_kᵀ v = −((c_k + r)∘v + S v)/τ (S is antisymmetric); S v from prefix sums over the tie groups. */
        @Override public void mapTranspose(Work w, int n, int k, double[] v, double[] out) {
            double c = n - 1 - 2 * k, invTau = 1 / tau;
            double[] pre = w.pre;
            pre[0] = 0;
            for (int i = 0; i < n; i++) pre[i + 1] = pre[i] + v[i];
            double tot = pre[n];
            for (int j = 0; j < n; j++) {
                double rj = w.lo[j] - (n - w.hi[j]); // #smaller − #larger
                double sv = pre[w.lo[j]] - (tot - pre[w.hi[j]]);
                out[j] = -((c + rj) * v[j] + sv) * invTau;
            }
        }

        /** Accumulates ψ = Σ_k t_k, φ = Σ_k d_k∘t_k, χ = Σ_k d_k²∘t_k with d_k = c_k + r. */
        @Override public void addDiagonalCurvature(Work w, int n, int k, double[] t, double[] hd) {
            double c = n - 1 - 2 * k;
            for (int j = 0; j < n; j++) {
                double d = c + w.lo[j] - (n - w.hi[j]), dt = d * t[j];
                w.psi[j] += t[j];
                w.phi[j] += dt;
                w.chi[j] += d * dt;
            }
        }

        /**
         * Adds [diag(χ) − diag(φ)S − Sᵀdiag(φ) + Sᵀdiag(ψ)S]/τ², where (Sᵀdiag(ψ)S)_jl = Σ_m sgn(x_m − x_j)
         * sgn(x_m − x_l) ψ_m: for j before l in sorted order, ψ summed below j's group and above l's group minus ψ
         * strictly between the groups; for j, l in one tie group, ψ outside that group.
         */
        @Override public void finishCurvature(Work w, int n, double[] hd) {
            double[] psi = w.psi, phi = w.phi, chi = w.chi, pre = w.pre;
            int[] lo = w.lo, hi = w.hi;
            pre[0] = 0;
            for (int i = 0; i < n; i++) pre[i + 1] = pre[i] + psi[i];
            double tot = pre[n], s2 = 1 / (tau * tau);
            for (int j = 0; j < n; j++) {
                double below = pre[lo[j]];
                double outside = below + tot - pre[hi[j]];
                hd[j * n + j] += 0.5 * s2 * (chi[j] + outside);
                for (int l = j + 1; l < n; l++) {
                    double d = lo[l] == lo[j] ? outside
                            : (phi[j] - phi[l]) + below + (tot - pre[hi[l]]) - (pre[lo[l]] - pre[hi[j]]);
                    hd[j * n + l] += s2 * d;
                }
            }
        }
    }

    /**
     * SoftSort: z_kj = −|x_(k) − x_j|^power/τ, so with g_j = ∂z_kj/∂d_kj (d_kj = x_(k) − x_j) in sorted
     * coordinates J_k = g e_kᵀ − diag(g); |·|'(0) = 0 as in torch.
     */
    private record SoftSortLogits(double tau, int power) implements Logits {
        @Override public void prepare(Work w, int n) {}

        /** Leaves g_j = ∂z_kj/∂d_kj in w.aux. */
        @Override public void row(Work w, int n, int k) {
            double[] xs = w.xs, g = w.aux;
            double xk = xs[k], invTau = 1 / tau;
            for (int j = 0; j < n; j++) {
                double d = xk - xs[j];
                g[j] = power == 1 ? -Math.signum(d) * invTau : -2 * d * invTau;
            }
        }

        /** J_kᵀ v = e_k (g·v) − g∘v. */
        @Override public void mapTranspose(Work w, int n, int k, double[] v, double[] out) {
            double[] g = w.aux;
            double s = 0;
            for (int j = 0; j < n; j++) {
                double gv = g[j] * v[j];
                s += gv;
                out[j] = -gv;
            }
            out[k] += s;
        }

        /** J_kᵀ diag(t) J_k = Σ_{j≠k} g_j² t_j (e_k − e_j)(e_k − e_j)ᵀ. */
        @Override public void addDiagonalCurvature(Work w, int n, int k, double[] t, double[] hd) {
            double[] g = w.aux;
            double sum = 0;
            int rk = k * n;
            for (int j = 0; j < n; j++) {
                if (j == k) continue;
                double mj = g[j] * g[j] * t[j];
                sum += mj;
                hd[rk + j] -= mj; // the completion hd + hdᵀ adds the (j, k) entry
                hd[j * n + j] += 0.5 * mj;
            }
            hd[rk + k] += 0.5 * sum;
        }

        @Override public void finishCurvature(Work w, int n, double[] hd) {}
    }

    /** Per-thread scratch, grown to the largest n seen. */
    private static final class Work {
        /** Outer products buffered per pass over the half-stored matrix. */
        static final int PAIRS = 4;
        final Logits logits;
        int n = -1;
        int pairs;
        double[][] bx, by;
        double[] xraw, traw, xs, p, c, b, pi, v1, v2, unit, hd, pm, aux, psi, phi, chi, pre;
        int[] order, inv, perm, tgt, itmp, lo, hi;

        Work(Logits logits) { this.logits = logits; }

        void ensure(int size) {
            if (size <= n) return;
            n = size;
            xraw = new double[n]; traw = new double[n]; xs = new double[n]; pm = new double[n * n];
            p = new double[n]; c = new double[n]; b = new double[n];
            pi = new double[n]; v1 = new double[n]; v2 = new double[n]; unit = new double[n];
            hd = new double[n * n]; aux = new double[n]; psi = new double[n]; phi = new double[n];
            chi = new double[n]; pre = new double[n + 1];
            order = new int[n]; inv = new int[n]; perm = new int[n]; tgt = new int[n]; itmp = new int[n];
            lo = new int[n]; hi = new int[n];
            bx = new double[PAIRS][n]; by = new double[PAIRS][n];
        }
    }

    @Override public String toString() { return "SoftPermutationGaussNewton(" + loss.spec() + ")"; }
}
