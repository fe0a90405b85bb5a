package org.newtonloss.ranking;

import java.util.Arrays;
import org.newtonloss.loss.GaussNewtonLoss;

/**
 * BCE loss of a softmax-row relaxed permutation matrix (NeuralSort, SoftSort) against the true permutation
 * matrix, with its exact gradient and n×n Hessian in O(n³) per sample.
 *
 * <p>Both relaxations build, for each ascending rank k, a row of logits z_k (a function of the scores x) and
 * take P̂[k][·] = softmax(z_k); in our column convention P[i][k] = P̂[k][i] (weight of input i at ascending rank
 * k). The loss ℓ = (1/n²) Σ_k Σ_j BCE(P̂[k][j], Q[j][k]) is a sum of row losses ℓ_k(z_k), so
 * <pre>
 *   ∇ℓ  = Σ_k J_kᵀ u_k,                      u_k = ∇_z ℓ_k,  J_k = ∂z_k/∂x
 *   ∇²ℓ = Σ_k J_kᵀ H_k J_k + Σ_kj u_kj ∇²z_kj,  H_k = ∇²_z ℓ_k
 * </pre>
 * Per row, H_k = diag(t) + w pᵀ + p wᵀ (softmax Jacobian algebra with a diagonal BCE curvature), so
 * J_kᵀ H_k J_k = J_kᵀ diag(t) J_k + (J_kᵀw)(J_kᵀp)ᵀ + (J_kᵀp)(J_kᵀw)ᵀ: the families apply J_kᵀ to a vector in
 * O(n) and add J_kᵀ diag(t) J_k in O(n) (amortised), so the only O(n²) work per row is one outer product — O(n³)
 * per sample. Rows where an off-target entry saturates (p near 1) use a second, bounded basis (see
 * docs/ranking-softmax.md) instead of terms of size 1/(1−p)² that would cancel.
 *
 * <p>All work happens in sorted coordinates (scores in stable ascending order), which turns the sign
 * matrices of NeuralSort into prefix sums and makes SoftSort's sorted values x_(k) plain coordinates; results
 * are scattered back at the end. Workspaces are per thread, so a sample allocates nothing. The float entry
 * point computes in double and rounds the results.
 */
public abstract sealed class SoftPermutationLoss implements GaussNewtonLoss permits NeuralSortLoss, SoftSortLoss {

    /** Rows whose largest off-target probability exceeds 1 − SATURATION switch to the saturated basis. */
    private static final double SATURATION = 0.25;
    /**
     * Rows whose target is their maximum with 1 − p* below this get the target's share in bounded form (two outer
     * products instead of one): the compact form's error there is ε/(1 − p*) of the row's curvature, ≤ 1e-10 above.
     */
    private static final double TARGET_SATURATION = 1e-6;
    /** Exponentials below this are flushed to 0: far below anything that reaches a result, above subnormals. */
    static final double TINY = 1e-300;
    /** log(TINY): logits this far below the row maximum need no exp call. */
    static final double LOG_TINY = Math.log(TINY);
    /** Row entries whose complements are multiplied before one log (each complement ≥ 1/2: no underflow). */
    private static final int LOG_CHUNK = 256;
    /** Outer products buffered per pass over the Hessian. */
    private static final int PAIR_BLOCK = 4;

    /** One scratch per thread, shared by all instances (evaluations never nest), grown to the largest n seen. */
    private static final ThreadLocal<Workspace> WORKSPACES = ThreadLocal.withInitial(Workspace::new);
    /** Only stores this loss: its parameters are read on first use, after construction. */
    private final SoftPermutationGaussNewton gaussNewtonForm = new SoftPermutationGaussNewton(this);

    SoftPermutationLoss() {}

    /** The family name used in messages and SPECs. */
    abstract String family();

    /** Per-sample precomputation from the sorted scores {@code ws.xs}. */
    abstract void prepare(Workspace ws, int n);

    /**
     * Fills e with the row-k exponentials relative to the diagonal, e_j = exp(z_kj − z_kk) ∈ [0, 1] (sorted
     * coordinates). For both families the row maximum sits on the diagonal, so e_k = 1 and no shift is needed;
     * values below {@link #TINY} are flushed to 0 (they cannot matter, and subnormals are slow).
     */
    abstract void exponentials(Workspace ws, int n, int k, double[] e);

    /** out = J_kᵀ v for the row last passed to {@link #exponentials}. */
    abstract void mapTranspose(Workspace ws, int n, int k, double[] v, double[] out);

    /**
     * Adds J_kᵀ diag(t) J_k + Σ_j u_j ∇²z_kj to the half-stored Hessian {@code hd} (the result is hd + hdᵀ), or
     * accumulates what {@link #finishCurvature} needs.
     */
    abstract void addRowCurvature(Workspace ws, int n, int k, double[] t, double[] u, double[] hd);

    /** Adds whatever {@link #addRowCurvature} deferred to hd. */
    abstract void finishCurvature(Workspace ws, int n, double[] hd);

    @Override
    public void checkDimension(int m) {
        if (m < 2) throw new IllegalArgumentException("n (values per sample) must be >= 2 for " + family() + ", got " + m);
    }

    @Override
    public double evaluate(int sample, int m, double[] y, double[] target, double[] grad, double[] hess) {
        return evaluateDouble(sample, m, y, target, grad, hess, false);
    }

    /**
     * The generalised Gauss-Newton matrix C = Σ_k J_kᵀ (S_kᵀ diag(BCE''/n²) S_k) J_k (S_k the softmax Jacobian of
     * row k) instead of the Hessian, positive semi-definite (BCE is convex in P). Computed by
     * {@link SoftPermutationGaussNewton}, which keeps a dominant entry's term apart: on one-hot rows the compact
     * row formula (this class's kernel without u) cancels to rounding of either sign and C came out indefinite
     * (docs/gauss-newton.md).
     */
    @Override
    public double evaluateGaussNewton(int sample, int m, double[] y, double[] target, double[] grad, double[] gaussNewton) {
        return gaussNewtonForm.evaluate(sample, m, y, target, grad, gaussNewton);
    }

    private double evaluateDouble(int sample, int m, double[] y, double[] target, double[] grad, double[] hess,
                                  boolean gaussNewton) {
        checkDimension(m);
        int n = m;
        int o = sample * n;
        Workspace ws = WORKSPACES.get();
        ws.ensure(n);
        for (int i = 0; i < n; i++) {
            ws.xraw[i] = y[o + i];
            ws.traw[i] = target[o + i];
        }
        load(ws, n, sample);
        double value = kernel(ws, n, hess != null, gaussNewton);
        for (int i = 0; i < n; i++) grad[o + ws.order[i]] = ws.grad[i];
        if (hess != null) {
            symmetrize(ws.hd, n);
            int hb = sample * n * n;
            double[] hd = ws.hd;
            int[] inv = ws.inv;
            for (int a = 0; a < n; a++) {
                int src = inv[a] * n, dst = hb + a * n;
                for (int b = 0; b < n; b++) hess[dst + b] = hd[src + inv[b]];
            }
        }
        return value;
    }

    /**
     * Float entry point: reads floats, computes in double (per-thread workspace, no allocation) and rounds the
     * results. Accumulating the outer products in float was measured to lose up to 11 % of a Hessian entry on
     * saturated rows, where O(1/(nτ)²) pieces cancel (see docs/ranking-softmax.md).
     */
    @Override
    public float evaluate(int sample, int m, float[] y, float[] target, float[] grad, float[] hess) {
        checkDimension(m);
        int n = m;
        int o = sample * n;
        Workspace ws = WORKSPACES.get();
        ws.ensure(n);
        for (int i = 0; i < n; i++) {
            ws.xraw[i] = y[o + i];
            ws.traw[i] = target[o + i];
        }
        load(ws, n, sample);
        double value = kernel(ws, n, hess != null, false);
        for (int i = 0; i < n; i++) grad[o + ws.order[i]] = (float) ws.grad[i];
        if (hess != null) {
            symmetrize(ws.hd, n);
            int hb = sample * n * n;
            double[] hd = ws.hd;
            int[] inv = ws.inv;
            for (int a = 0; a < n; a++) {
                int src = inv[a] * n, dst = hb + a * n;
                for (int b = 0; b < n; b++) hess[dst + b] = (float) hd[src + inv[b]];
            }
        }
        return (float) value;
    }

    /** Turns the half-stored Hessian hd into the full symmetric hd + hdᵀ, in place (results are then gathered). */
    private static void symmetrize(double[] hd, int n) {
        for (int i = 0; i < n; i++) {
            hd[i * n + i] *= 2;
            for (int j = i + 1; j < n; j++) {
                double v = hd[i * n + j] + hd[j * n + i];
                hd[i * n + j] = v;
                hd[j * n + i] = v;
            }
        }
    }

    /**
     * The relaxed permutation matrix of scores x[off .. off+n) in the column convention: p[i*n + k] = weight of
     * input i at ascending rank k (each column sums to 1).
     *
     * @param p modified: receives the n×n matrix, row-major
     */
    public void permutationMatrix(double[] x, int off, int n, double[] p) {
        checkDimension(n);
        if (p.length < n * n) throw new IllegalArgumentException("p must hold n*n = " + n * n + " values, got " + p.length);
        Workspace ws = WORKSPACES.get();
        ws.ensure(n);
        for (int i = 0; i < n; i++) {
            double v = x[off + i];
            if (!Double.isFinite(v)) throw new IllegalArgumentException("scores[" + i + "] must be finite, got " + v);
            ws.xraw[i] = v;
        }
        sortScores(ws, n);
        prepare(ws, n);
        for (int k = 0; k < n; k++) {
            exponentials(ws, n, k, ws.e);
            softmax(ws, n, k);
            for (int j = 0; j < n; j++) p[ws.order[j] * n + k] = ws.p[j];
        }
    }

    /** Validates the sample and sets up sorted scores and, per row, the sorted position of its true input. */
    private void load(Workspace ws, int n, int sample) {
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(ws.xraw[i]))
                throw new IllegalArgumentException("scores[sample " + sample + "][" + i + "] must be finite, got " + ws.xraw[i]);
            if (Double.isNaN(ws.traw[i]))
                throw new IllegalArgumentException("targets[sample " + sample + "][" + i + "] must not be NaN");
        }
        sortScores(ws, n);
        IndexSort.stableArgsort(ws.traw, 0, n, ws.perm, ws.itmp);
        for (int k = 0; k < n; k++) ws.tgt[k] = ws.inv[ws.perm[k]];
    }

    private static void sortScores(Workspace ws, int n) {
        IndexSort.stableArgsort(ws.xraw, 0, n, ws.order, ws.itmp);
        for (int k = 0; k < n; k++) {
            ws.xs[k] = ws.xraw[ws.order[k]];
            ws.inv[ws.order[k]] = k;
        }
        // Tie groups in sorted order: positions lo[k] .. hi[k]-1 hold the value xs[k].
        ws.hasTies = false;
        int start = 0;
        for (int k = 1; k <= n; k++) {
            if (k == n || ws.xs[k] != ws.xs[start]) {
                for (int q = start; q < k; q++) {
                    ws.lo[q] = start;
                    ws.hi[q] = k;
                }
                if (k - start > 1) ws.hasTies = true;
                start = k;
            }
        }
    }

    /**
     * Loss in sorted coordinates; fills ws.grad and (when hessian) the half-stored Hessian ws.hd — or, with
     * gaussNewton, the Gauss-Newton matrix (row curvature without u, no logit curvature term).
     */
    private double kernel(Workspace ws, int n, boolean hessian, boolean gaussNewton) {
        prepare(ws, n);
        Arrays.fill(ws.grad, 0, n, 0.0);
        ws.pending = 0;
        if (hessian) Arrays.fill(ws.hd, 0, n * n, 0.0);
        double value = 0;
        for (int k = 0; k < n; k++) {
            exponentials(ws, n, k, ws.e);
            value += row(ws, n, k, ws.tgt[k], hessian, gaussNewton);
            addGradient(ws, n, k, ws.u, ws.grad);
            if (!hessian) continue;
            addRowCurvature(ws, n, k, ws.t, gaussNewton ? ws.zero : ws.u, ws.hd);
            if (ws.extended) {
                pair(ws, n, k, ws.wt, ws.pi);
                Arrays.fill(ws.m2, 0, n, 0.0);
                ws.m2[ws.star] = 1;
                pair(ws, n, k, ws.m2, ws.yv);
            } else if (ws.onTarget) {
                targetPairs(ws, n, k);
            } else {
                pair(ws, n, k, ws.w, ws.p);
            }
        }
        finishGradient(ws, n, ws.grad);
        if (hessian) {
            flushPairs(ws, n);
            finishCurvature(ws, n, ws.hd);
        }
        return value;
    }

    /**
     * The outer products of a row whose target is its saturated maximum (see {@link #row}): w pᵀ + p wᵀ of the other
     * entries plus r*[−ππᵀ + p*(π − e*)(π − e*)ᵀ]/n², written with p = r*π + p*e* as two pairs in π and e*.
     */
    private void targetPairs(Workspace ws, int n, int k) {
        int star = ws.star;
        double rStar = ws.rStar, pStar = ws.p[star], s = rStar / ((double) n * n);
        double[] w = ws.w, pi = ws.pi, a = ws.yv, b = ws.wt;
        for (int l = 0; l < n; l++) {
            a[l] = rStar * w[l] - 0.5 * s * rStar * pi[l];
            b[l] = pStar * w[l];
        }
        a[star] -= s * pStar;
        b[star] += 0.5 * s * pStar;
        pair(ws, n, k, a, pi);
        Arrays.fill(ws.m2, 0, n, 0.0);
        ws.m2[star] = 1;
        pair(ws, n, k, ws.m2, b);
    }

    /** Adds (J_kᵀa)(J_kᵀb)ᵀ to the half-stored Hessian (its symmetric completion gives both cross terms). */
    private void pair(Workspace ws, int n, int k, double[] a, double[] b) {
        mapTranspose(ws, n, k, a, ws.m1);
        mapTranspose(ws, n, k, b, ws.m2);
        System.arraycopy(ws.m1, 0, ws.pairA, ws.pending * n, n);
        System.arraycopy(ws.m2, 0, ws.pairB, ws.pending * n, n);
        if (++ws.pending == PAIR_BLOCK) flushPairs(ws, n);
    }

    /** hd += Σ_q A_q B_qᵀ over the buffered pairs: four FMAs per load and store of hd instead of one. */
    private static void flushPairs(Workspace ws, int n) {
        if (ws.pending == 0) return;
        double[] a = ws.pairA, b = ws.pairB, hd = ws.hd;
        Arrays.fill(a, ws.pending * n, PAIR_BLOCK * n, 0.0); // unused slots add nothing
        Arrays.fill(b, ws.pending * n, PAIR_BLOCK * n, 0.0);
        int n2 = 2 * n, n3 = 3 * n;
        for (int j = 0; j < n; j++) {
            double a0 = a[j], a1 = a[n + j], a2 = a[n2 + j], a3 = a[n3 + j];
            int r = j * n;
            for (int l = 0; l < n; l++) hd[r + l] += a0 * b[l] + a1 * b[n + l] + a2 * b[n2 + l] + a3 * b[n3 + l];
        }
        ws.pending = 0;
    }

    /** grad += J_kᵀ u (families may instead accumulate and finish in {@link #finishGradient}). */
    void addGradient(Workspace ws, int n, int k, double[] u, double[] grad) {
        mapTranspose(ws, n, k, u, ws.m1);
        for (int j = 0; j < n; j++) grad[j] += ws.m1[j];
    }

    /** Completes what {@link #addGradient} deferred. */
    void finishGradient(Workspace ws, int n, double[] grad) {}

    /**
     * Fills ws.emat row by row from the gap factors γ_j = exp(−(x_(j+1) − x_(j))/τ) (in ws.gap), with n − 1 exp calls
     * in all and no serial chains (each row is an element-wise update of the previous one):
     * <ul>
     * <li>{@code neural == false}: D[k][j] = exp(−|x_(k) − x_(j)|/τ), using D[k+1][j] = D[k][j]·γ_k for j ≤ k
     * (and the mirror image for j ≥ k);</li>
     * <li>{@code neural == true}: NeuralSort's E[k][j] = exp(z_kj − z_kk), using
     * E[k+1][j] = E[k][j]·D[k][j]·D[k+1][j] for j ≤ k (z_k+1,j − z_k,j = 2x_(j)/τ) and the mirror image.</li>
     * </ul>
     * Entries below {@link #TINY} are flushed to 0; they only shrink further away from the diagonal, so each pass
     * keeps a boundary past which nothing needs computing.
     */
    static void rowExponentials(Workspace ws, int n, boolean neural) {
        double[] gamma = ws.gap, emat = ws.emat, dv = ws.powL, ev = ws.powR;
        // Left of the diagonal (j ≤ k), rows in increasing k.
        int lb = 0;
        dv[0] = 1;
        ev[0] = 1;
        emat[0] = 1;
        for (int k = 0; k + 1 < n; k++) {
            double g = gamma[k];
            if (neural) {
                for (int j = lb; j <= k; j++) {
                    double d = dv[j];
                    double nd = d * g;
                    dv[j] = nd;
                    ev[j] *= d * nd;
                }
            } else {
                for (int j = lb; j <= k; j++) dv[j] *= g;
            }
            double[] kept = neural ? ev : dv;
            while (lb <= k && kept[lb] < TINY) kept[lb++] = 0;
            dv[k + 1] = 1;
            ev[k + 1] = 1;
            int row = (k + 1) * n;
            java.util.Arrays.fill(emat, row, row + lb, 0.0);
            System.arraycopy(kept, lb, emat, row + lb, k + 2 - lb);
        }
        // Right of the diagonal (j ≥ k), rows in decreasing k.
        int rb = n - 1;
        dv[n - 1] = 1;
        ev[n - 1] = 1;
        for (int k = n - 1; k > 0; k--) {
            double g = gamma[k - 1];
            if (neural) {
                for (int j = k; j <= rb; j++) {
                    double d = dv[j];
                    double nd = d * g;
                    dv[j] = nd;
                    ev[j] *= d * nd;
                }
            } else {
                for (int j = k; j <= rb; j++) dv[j] *= g;
            }
            double[] kept = neural ? ev : dv;
            while (rb >= k && kept[rb] < TINY) kept[rb--] = 0;
            dv[k - 1] = 1;
            ev[k - 1] = 1;
            int row = (k - 1) * n;
            // Row k−1 already holds its left part and diagonal from the first pass.
            System.arraycopy(kept, k, emat, row + k, rb + 1 - k);
            java.util.Arrays.fill(emat, row + rb + 1, row + n, 0.0);
        }
    }

    /** γ_j = exp(−(x_(j+1) − x_(j))/τ) into ws.gap (flushed to 0 below TINY). */
    static void gapFactors(Workspace ws, int n, double invTau) {
        double[] xs = ws.xs, gamma = ws.gap;
        for (int j = 0; j + 1 < n; j++) {
            double d = -(xs[j + 1] - xs[j]) * invTau;
            gamma[j] = d < LOG_TINY ? 0 : Math.exp(d);
        }
    }

    /** Normalises ws.e (row maximum e_k = 1) into ws.p; returns Σ_{l≠k} e_l and sets ws.star = k. */
    private static double softmax(Workspace ws, int n, int k) {
        double[] e = ws.e, p = ws.p;
        double sx = 0;
        for (int l = 0; l < k; l++) sx += e[l];
        for (int l = k + 1; l < n; l++) sx += e[l];
        double invS = 1 / (1 + sx);
        for (int l = 0; l < n; l++) p[l] = e[l] * invS;
        ws.star = k;
        return sx;
    }

    /**
     * One row: p = softmax(z), its BCE value against the one-hot target j0 (scaled by 1/n²), the logit gradient
     * u and, when asked for, the pieces of the logit Hessian H = diag(t) + w pᵀ + p wᵀ — or, for a saturated
     * row, H = diag(t) + w̃ πᵀ + π w̃ᵀ + e* yᵀ + y e*ᵀ with π the softmax without the saturated entry *.
     */
    private static double row(Workspace ws, int n, int k, int j0, boolean hessian, boolean gaussNewton) {
        double sx = softmax(ws, n, k);
        int star = ws.star;
        double[] e = ws.e, p = ws.p, pa = ws.pa, ppc = ws.ppc, u = ws.u;
        double pStar = 1 / (1 + sx);
        double rStar = sx * pStar; // 1 − p*, without cancellation
        double inv = 1.0 / ((double) n * n);
        boolean extended = star != j0 && rStar < SATURATION && rStar > Bce.P_CLAMP;
        // The target is the saturated maximum: its share is added below in a bounded form (it cancels otherwise).
        boolean onTarget = star == j0 && rStar < TARGET_SATURATION && sx > 0;
        double value = 0, sumPa = 0, gamma = 0;
        // Only the target and the row maximum can reach the log clamp; every other complement is ≥ 1/2, so their
        // logs are summed as the log of a product (one log per LOG_CHUNK entries instead of one per entry).
        double product = 1;
        int inProduct = 0;
        for (int l = 0; l < n; l++) {
            double pl = p[l];
            double a = 0, c = 0;
            if (l == j0) {
                if (pl > Bce.P_CLAMP) {
                    value -= Math.log(pl);
                    if (!onTarget) { a = -inv; c = inv; }
                }
                else value -= Bce.LOG_CLAMP;
            } else if (l == star) {
                if (rStar > Bce.P_CLAMP) {
                    value -= Math.log(rStar);
                    if (!extended) {
                        double q = pl / rStar;
                        a = q * inv;
                        c = q * q * inv;
                    }
                } else value -= Bce.LOG_CLAMP;
            } else {
                double r = 1 - pl;
                product *= r;
                if (++inProduct == LOG_CHUNK) {
                    value -= Math.log(product);
                    product = 1;
                    inProduct = 0;
                }
                double q = pl / r;
                a = q * inv;
                c = q * q * inv;
            }
            pa[l] = a; // p·∂ℓ/∂p
            ppc[l] = c; // p²·∂²ℓ/∂p²
            sumPa += a;
            gamma += c;
        }
        value -= Math.log(product);
        for (int l = 0; l < n; l++) u[l] = pa[l] - p[l] * sumPa;
        double kappa = 0;
        double[] pi = ws.pi;
        if (extended) {
            // The saturated entry's share: u += (p*/n²)(e* − π); H += (p*²/n²)(e* − π)(e* − π)ᵀ.
            double sigma = pStar * inv;
            kappa = pStar * pStar * inv;
            double invSx = 1 / sx;
            for (int l = 0; l < n; l++) {
                pi[l] = l == star ? 0 : e[l] * invSx;
                u[l] -= sigma * pi[l];
            }
            u[star] += sigma;
        }
        ws.extended = extended;
        ws.onTarget = onTarget;
        ws.rStar = rStar;
        if (hessian) {
            double[] t = ws.t, w = ws.w;
            for (int l = 0; l < n; l++) {
                t[l] = gaussNewton ? ppc[l] : ppc[l] + u[l];
                w[l] = 0.5 * gamma * p[l] - t[l];
            }
            if (onTarget) {
                // −log p* = log(1 + sx): Hessian diag(p) − ppᵀ = r*[diag(π) − ππᵀ + p*(π − e*)(π − e*)ᵀ], with
                // r*π = p off the maximum; the outer products are added by targetPairs. Folded into diag(t) + w pᵀ
                // + p wᵀ it left O(1/n²) terms that cancel to ~1e-17 in a Hessian whose exact entries are ~1e-44.
                double invSx = 1 / sx;
                for (int l = 0; l < n; l++) pi[l] = l == star ? 0 : e[l] * invSx;
                for (int l = 0; l < n; l++) if (l != star) t[l] += p[l] * inv;
            }
            if (extended) {
                // p = r*·π + p*·e*: rewrite w pᵀ + p wᵀ + κ(e*−π)(e*−π)ᵀ in the bounded vectors π and e*.
                double[] wt = ws.wt, yv = ws.yv;
                for (int l = 0; l < n; l++) {
                    wt[l] = rStar * w[l] + 0.5 * kappa * pi[l];
                    yv[l] = pStar * w[l] - kappa * pi[l];
                }
                yv[star] += 0.5 * kappa;
            }
        }
        if (onTarget) {
            // the target's logit gradient p − e* = r*(π − e*), without cancellation
            for (int l = 0; l < n; l++) if (l != star) u[l] += p[l] * inv;
            u[star] -= rStar * inv;
        }
        return value * inv;
    }

    /** Per-thread scratch, grown to the largest n seen. */
    static final class Workspace {
        int n = -1;
        int star, pending;
        boolean extended, onTarget, hasTies;
        double rStar;
        double[] xraw, traw, xs, e, p, pa, ppc, u, t, w, wt, yv, pi, m1, m2, grad, hd;
        double[] aux1, aux2, aux3, aux4, aux5, aux6, zero, pre, emat, gap, powL, powR, pairA, pairB;
        int[] order, inv, perm, tgt, itmp, lo, hi;

        void ensure(int size) {
            if (size <= n) return;
            n = size;
            xraw = new double[n]; traw = new double[n]; xs = new double[n]; e = new double[n];
            emat = new double[n * n]; gap = new double[n]; powL = new double[n]; powR = new double[n];
            p = new double[n]; pa = new double[n]; ppc = new double[n]; u = new double[n]; t = new double[n];
            w = new double[n]; wt = new double[n]; yv = new double[n]; pi = new double[n]; m1 = new double[n];
            m2 = new double[n]; grad = new double[n]; hd = new double[n * n];
            aux1 = new double[n]; aux2 = new double[n]; aux3 = new double[n]; aux4 = new double[n];
            aux5 = new double[n]; aux6 = new double[n]; zero = new double[n];
            pairA = new double[PAIR_BLOCK * n]; pairB = new double[PAIR_BLOCK * n];
            pre = new double[n + 1];
            order = new int[n]; inv = new int[n]; perm = new int[n]; tgt = new int[n]; itmp = new int[n];
            lo = new int[n]; hi = new int[n];
        }
    }
}
