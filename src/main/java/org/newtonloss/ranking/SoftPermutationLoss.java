package org.newtonloss.ranking;

import java.util.Arrays;
import org.newtonloss.loss.AlgorithmicLoss;

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
public abstract sealed class SoftPermutationLoss implements AlgorithmicLoss permits NeuralSortLoss, SoftSortLoss {

    /** Rows whose largest off-target probability exceeds 1 − SATURATION switch to the saturated basis. */
    private static final double SATURATION = 0.25;
    /** exp(x) underflows to 0 below this: skip the call. */
    private static final double EXP_UNDERFLOW = -746.0;

    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);

    SoftPermutationLoss() {}

    /** The family name used in messages and SPECs. */
    abstract String family();

    /** Per-sample precomputation from the sorted scores {@code ws.xs}. */
    abstract void prepare(Workspace ws, int n);

    /** Fills z with the logits of ascending rank k (sorted coordinates). */
    abstract void logits(Workspace ws, int n, int k, double[] z);

    /** out = J_kᵀ v for the row last passed to {@link #logits}. */
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
        checkDimension(m);
        int n = m;
        int o = sample * n;
        Workspace ws = workspaces.get();
        ws.ensure(n);
        for (int i = 0; i < n; i++) {
            ws.xraw[i] = y[o + i];
            ws.traw[i] = target[o + i];
        }
        load(ws, n, sample);
        double value = kernel(ws, n, hess != null);
        for (int i = 0; i < n; i++) grad[o + ws.order[i]] = ws.grad[i];
        if (hess != null) {
            int hb = sample * n * n;
            double[] hd = ws.hd;
            for (int i = 0; i < n; i++) {
                int row = hb + ws.order[i] * n;
                for (int j = 0; j < n; j++) hess[row + ws.order[j]] = hd[i * n + j] + hd[j * n + i];
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
        Workspace ws = workspaces.get();
        ws.ensure(n);
        for (int i = 0; i < n; i++) {
            ws.xraw[i] = y[o + i];
            ws.traw[i] = target[o + i];
        }
        load(ws, n, sample);
        double value = kernel(ws, n, hess != null);
        for (int i = 0; i < n; i++) grad[o + ws.order[i]] = (float) ws.grad[i];
        if (hess != null) {
            int hb = sample * n * n;
            double[] hd = ws.hd;
            for (int i = 0; i < n; i++) {
                int row = hb + ws.order[i] * n;
                for (int j = 0; j < n; j++) hess[row + ws.order[j]] = (float) (hd[i * n + j] + hd[j * n + i]);
            }
        }
        return (float) value;
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
        Workspace ws = workspaces.get();
        ws.ensure(n);
        for (int i = 0; i < n; i++) {
            double v = x[off + i];
            if (!Double.isFinite(v)) throw new IllegalArgumentException("scores[" + i + "] must be finite, got " + v);
            ws.xraw[i] = v;
        }
        sortScores(ws, n);
        prepare(ws, n);
        for (int k = 0; k < n; k++) {
            logits(ws, n, k, ws.z);
            softmax(ws, n);
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
        int start = 0;
        for (int k = 1; k <= n; k++) {
            if (k == n || ws.xs[k] != ws.xs[start]) {
                for (int q = start; q < k; q++) {
                    ws.lo[q] = start;
                    ws.hi[q] = k;
                }
                start = k;
            }
        }
    }

    /** Loss in sorted coordinates; fills ws.grad and (when hessian) the half-stored Hessian ws.hd. */
    private double kernel(Workspace ws, int n, boolean hessian) {
        prepare(ws, n);
        Arrays.fill(ws.grad, 0, n, 0.0);
        if (hessian) Arrays.fill(ws.hd, 0, n * n, 0.0);
        double value = 0;
        for (int k = 0; k < n; k++) {
            logits(ws, n, k, ws.z);
            value += row(ws, n, ws.tgt[k], hessian);
            mapTranspose(ws, n, k, ws.u, ws.m1);
            for (int j = 0; j < n; j++) ws.grad[j] += ws.m1[j];
            if (!hessian) continue;
            addRowCurvature(ws, n, k, ws.t, ws.u, ws.hd);
            if (ws.extended) {
                pair(ws, n, k, ws.wt, ws.pi);
                Arrays.fill(ws.m2, 0, n, 0.0);
                ws.m2[ws.star] = 1;
                pair(ws, n, k, ws.m2, ws.yv);
            } else {
                pair(ws, n, k, ws.w, ws.p);
            }
        }
        if (hessian) finishCurvature(ws, n, ws.hd);
        return value;
    }

    /** Adds (J_kᵀa)(J_kᵀb)ᵀ to the half-stored Hessian (its symmetric completion gives both cross terms). */
    private void pair(Workspace ws, int n, int k, double[] a, double[] b) {
        mapTranspose(ws, n, k, a, ws.m1);
        mapTranspose(ws, n, k, b, ws.m2);
        double[] ma = ws.m1, mb = ws.m2, hd = ws.hd;
        for (int j = 0; j < n; j++) {
            double aj = ma[j];
            if (aj == 0) continue;
            int r = j * n;
            for (int l = 0; l < n; l++) hd[r + l] += aj * mb[l];
        }
    }

    /** Softmax of ws.z into ws.e (shifted exponentials) and ws.p; returns Σ_{l≠star} e_l and sets ws.star. */
    private static double softmax(Workspace ws, int n) {
        double[] z = ws.z, e = ws.e, p = ws.p;
        int star = 0;
        double mx = z[0];
        for (int l = 1; l < n; l++) if (z[l] > mx) { mx = z[l]; star = l; }
        double sx = 0;
        for (int l = 0; l < n; l++) {
            double d = z[l] - mx;
            double el = l == star ? 1.0 : (d < EXP_UNDERFLOW ? 0.0 : Math.exp(d));
            e[l] = el;
            if (l != star) sx += el;
        }
        double invS = 1 / (1 + sx);
        for (int l = 0; l < n; l++) p[l] = e[l] * invS;
        ws.star = star;
        return sx;
    }

    /**
     * One row: p = softmax(z), its BCE value against the one-hot target j0 (scaled by 1/n²), the logit gradient
     * u and, when asked for, the pieces of the logit Hessian H = diag(t) + w pᵀ + p wᵀ — or, for a saturated
     * row, H = diag(t) + w̃ πᵀ + π w̃ᵀ + e* yᵀ + y e*ᵀ with π the softmax without the saturated entry *.
     */
    private static double row(Workspace ws, int n, int j0, boolean hessian) {
        double sx = softmax(ws, n);
        int star = ws.star;
        double[] e = ws.e, p = ws.p, pa = ws.pa, ppc = ws.ppc, u = ws.u;
        double pStar = 1 / (1 + sx);
        double rStar = sx * pStar; // 1 − p*, without cancellation
        double inv = 1.0 / ((double) n * n);
        boolean extended = star != j0 && rStar < SATURATION && rStar > Bce.P_CLAMP;
        double value = 0, sumPa = 0, gamma = 0;
        for (int l = 0; l < n; l++) {
            double pl = p[l];
            double a = 0, c = 0;
            if (l == j0) {
                if (pl > Bce.P_CLAMP) { value -= Math.log(pl); a = -inv; c = inv; }
                else value -= Bce.LOG_CLAMP;
            } else {
                double r = l == star ? rStar : 1 - pl;
                if (r > Bce.P_CLAMP) {
                    value -= Math.log(r);
                    if (!(extended && l == star)) {
                        double q = pl / r;
                        a = q * inv;
                        c = q * q * inv;
                    }
                } else value -= Bce.LOG_CLAMP;
            }
            pa[l] = a; // p·∂ℓ/∂p
            ppc[l] = c; // p²·∂²ℓ/∂p²
            sumPa += a;
            gamma += c;
        }
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
        if (hessian) {
            double[] t = ws.t, w = ws.w;
            for (int l = 0; l < n; l++) {
                t[l] = ppc[l] + u[l];
                w[l] = 0.5 * gamma * p[l] - t[l];
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
        return value * inv;
    }

    /** Per-thread scratch, grown to the largest n seen. */
    static final class Workspace {
        int n = -1;
        int star;
        boolean extended;
        double[] xraw, traw, xs, z, e, p, pa, ppc, u, t, w, wt, yv, pi, m1, m2, grad, hd;
        double[] aux1, aux2, aux3, aux4, pre;
        int[] order, inv, perm, tgt, itmp, lo, hi;

        void ensure(int size) {
            if (size <= n) return;
            n = size;
            xraw = new double[n]; traw = new double[n]; xs = new double[n]; z = new double[n]; e = new double[n];
            p = new double[n]; pa = new double[n]; ppc = new double[n]; u = new double[n]; t = new double[n];
            w = new double[n]; wt = new double[n]; yv = new double[n]; pi = new double[n]; m1 = new double[n];
            m2 = new double[n]; grad = new double[n]; hd = new double[n * n];
            aux1 = new double[n]; aux2 = new double[n]; aux3 = new double[n]; aux4 = new double[n];
            pre = new double[n + 1];
            order = new int[n]; inv = new int[n]; perm = new int[n]; tgt = new int[n]; itmp = new int[n];
            lo = new int[n]; hi = new int[n];
        }
    }
}
