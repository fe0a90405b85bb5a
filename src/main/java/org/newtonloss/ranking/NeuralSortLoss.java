package org.newtonloss.ranking;

import org.newtonloss.spec.Spec;

/**
 * NeuralSort (Grover et al., ICLR 2019) with a BCE loss against the true permutation matrix. SPEC
 * {@code neuralsort:tau=T} (default τ = 1).
 *
 * <p>With s = −x (so the paper's descending sort of s is the ascending sort of x) and ascending rank k = 0..n−1
 * (the paper's i = k+1): P̂[k][j] = softmax_j(((n−1−2k) s_j − Σ_m |s_j − s_m|)/τ), computed in the O(n²) form
 * (A_s 1), not the original code's O(n³) matmul; P = P̂ᵀ (column convention). |·|'(0) = 0 as in torch.
 *
 * <p>Row exponentials come from n − 1 exp calls per sample (see {@link #prepare}). The logit Jacobian of row k is J_k = −E_k/τ with E_k = diag(c_k + r) − S, c_k = n−1−2k, S_jl = sgn(x_j − x_l)
 * and r = S·1: one sign matrix S shared by all rows. In sorted coordinates S·v is a prefix-sum difference, so
 * J_kᵀv costs O(n), and Σ_k E_kᵀ diag(t_k) E_k reduces to three accumulated vectors plus an O(n²) pass.
 */
public final class NeuralSortLoss extends SoftPermutationLoss {
    /** τ when the SPEC does not give one. */
    public static final double DEFAULT_TAU = 1.0;

    private final double tau;
    private final double invTau;

    /** @param tau temperature, finite and &gt; 0 */
    public NeuralSortLoss(double tau) {
        if (!(tau > 0) || !Double.isFinite(tau))
            throw new IllegalArgumentException("neuralsort: tau must be finite and > 0, got " + tau);
        this.tau = tau;
        this.invTau = 1 / tau;
    }

    /** Parses the keys of a {@code neuralsort} SPEC (tau); unknown keys are an error. */
    public static NeuralSortLoss fromSpec(Spec spec) {
        double tau = spec.positive("tau", DEFAULT_TAU);
        spec.requireAllUsed("tau");
        return new NeuralSortLoss(tau);
    }

    /** The temperature τ. */
    public double tau() { return tau; }

    @Override String family() { return "neuralsort"; }

    @Override public String spec() { return "neuralsort:tau=" + tau; }

    /**
     * Builds the matrix of row exponentials E[k][j] = exp(z_kj − z_kk) without n² exp calls. In sorted order,
     * with gaps g_j = x_(j+1) − x_(j): Σ_m |x_j − x_m| grows by g_j (2j + 2 − n) from j to j+1, so
     * z_k,j+1 − z_k,j = −g_j (2(j − k) + 1)/τ: every row peaks on the diagonal (E[k][k] = 1, the maximum the softmax
     * needs) and decays on both sides; {@link SoftPermutationLoss#rowExponentials} builds it from n − 1 exps.
     */
    @Override
    void prepare(Workspace ws, int n) {
        gapFactors(ws, n, invTau);
        rowExponentials(ws, n, true);
        double[] r = ws.aux1; // r_j = Σ_m sgn(x_j − x_m) = #smaller − #larger
        for (int j = 0; j < n; j++) r[j] = ws.lo[j] - (n - ws.hi[j]);
        java.util.Arrays.fill(ws.aux5, 0, n, 0.0);
        java.util.Arrays.fill(ws.aux6, 0, n, 0.0);
        java.util.Arrays.fill(ws.aux2, 0, n, 0.0);
        java.util.Arrays.fill(ws.aux3, 0, n, 0.0);
        java.util.Arrays.fill(ws.aux4, 0, n, 0.0);
    }

    @Override
    void exponentials(Workspace ws, int n, int k, double[] e) {
        System.arraycopy(ws.emat, k * n, e, 0, n);
    }

    /** out = J_kᵀ v = −((c_k + r)∘v + S v)/τ (S antisymmetric, so −Sᵀv = S v). */
    @Override
    void mapTranspose(Workspace ws, int n, int k, double[] v, double[] out) {
        signTimes(ws, n, v, out);
        double c = n - 1 - 2 * k;
        double[] r = ws.aux1;
        for (int j = 0; j < n; j++) out[j] = -((c + r[j]) * v[j] + out[j]) * invTau;
    }

    /** out = S v, (S v)_j = Σ_{x_m < x_j} v_m − Σ_{x_m > x_j} v_m, by prefix sums in sorted order. */
    private static void signTimes(Workspace ws, int n, double[] v, double[] out) {
        double tot = 0;
        for (int i = 0; i < n; i++) tot += v[i];
        if (!ws.hasTies) {
            double below = 0;
            for (int j = 0; j < n; j++) {
                double vj = v[j];
                out[j] = 2 * below + vj - tot; // below − (tot − below − v_j)
                below += vj;
            }
            return;
        }
        double[] pre = ws.pre;
        int[] lo = ws.lo, hi = ws.hi;
        pre[0] = 0;
        for (int i = 0; i < n; i++) pre[i + 1] = pre[i] + v[i];
        for (int j = 0; j < n; j++) out[j] = pre[lo[j]] - (tot - pre[hi[j]]);
    }

    /** ∇ = −(1/τ)[Σ_k (c_k + r)∘u_k + S Σ_k u_k]: accumulate both sums, apply S once in finishGradient. */
    @Override
    void addGradient(Workspace ws, int n, int k, double[] u, double[] grad) {
        double c = n - 1 - 2 * k;
        double[] r = ws.aux1, weighted = ws.aux5, sum = ws.aux6;
        for (int j = 0; j < n; j++) {
            weighted[j] += (c + r[j]) * u[j];
            sum[j] += u[j];
        }
    }

    @Override
    void finishGradient(Workspace ws, int n, double[] grad) {
        signTimes(ws, n, ws.aux6, ws.m1);
        for (int j = 0; j < n; j++) grad[j] = -(ws.aux5[j] + ws.m1[j]) * invTau;
    }

    /** Accumulates ψ = Σ t_k, φ = Σ d_k∘t_k, χ = Σ d_k²∘t_k with d_k = c_k + r (finished in finishCurvature). */
    @Override
    void addRowCurvature(Workspace ws, int n, int k, double[] t, double[] u, double[] hd) {
        double c = n - 1 - 2 * k;
        double[] psi = ws.aux2, phi = ws.aux3, chi = ws.aux4, r = ws.aux1;
        for (int j = 0; j < n; j++) {
            double d = c + r[j];
            double dt = d * t[j];
            psi[j] += t[j];
            phi[j] += dt;
            chi[j] += d * dt;
        }
    }

    /**
     * Adds Σ_k E_kᵀ diag(t_k) E_k / τ² = [diag(χ) − diag(φ)S − Sᵀdiag(φ) + Sᵀdiag(ψ)S] / τ², where
     * (Sᵀdiag(ψ)S)_jl = Σ_m sgn(x_m − x_j) sgn(x_m − x_l) ψ_m comes from prefix sums of ψ in sorted order.
     */
    @Override
    void finishCurvature(Workspace ws, int n, double[] hd) {
        double[] psi = ws.aux2, phi = ws.aux3, chi = ws.aux4, pre = ws.pre;
        int[] lo = ws.lo, hi = ws.hi;
        pre[0] = 0;
        for (int i = 0; i < n; i++) pre[i + 1] = pre[i] + psi[i];
        double tot = pre[n];
        double s2 = invTau * invTau;
        if (!ws.hasTies) {
            // lo[j] = j, hi[j] = j + 1: G_jl = pre[j] + (tot − pre[l+1]) − (pre[l] − pre[j+1]) for j < l.
            for (int j = 0; j < n; j++) {
                double outsideJ = pre[j] + pre[j + 1];
                hd[j * n + j] += 0.5 * s2 * (chi[j] + pre[j] + tot - pre[j + 1]);
                double pj = phi[j];
                int r = j * n;
                for (int l = j + 1; l < n; l++)
                    hd[r + l] += s2 * ((pj - phi[l]) + outsideJ + tot - pre[l + 1] - pre[l]);
            }
            return;
        }
        for (int j = 0; j < n; j++) {
            double below = pre[lo[j]];
            double sameGroup = below + tot - pre[hi[j]];
            hd[j * n + j] += 0.5 * s2 * (chi[j] + sameGroup);
            for (int l = j + 1; l < n; l++) {
                double d;
                if (lo[l] == lo[j]) d = sameGroup; // tie: S_jl = 0
                else d = (phi[j] - phi[l]) + below + (tot - pre[hi[l]]) - (pre[lo[l]] - pre[hi[j]]);
                hd[j * n + l] += s2 * d;
            }
        }
    }

    @Override public boolean equals(Object o) { return o instanceof NeuralSortLoss other && other.tau == tau; }
    @Override public int hashCode() { return Double.hashCode(tau); }
    @Override public String toString() { return "NeuralSortLoss(tau=" + tau + ")"; }
}
