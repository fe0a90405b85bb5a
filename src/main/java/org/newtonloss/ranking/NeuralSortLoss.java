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
 * <p>The logit Jacobian of row k is J_k = −E_k/τ with E_k = diag(c_k + r) − S, c_k = n−1−2k, S_jl = sgn(x_j − x_l)
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

    public double tau() { return tau; }

    @Override String family() { return "neuralsort"; }

    @Override public String spec() { return "neuralsort:tau=" + tau; }

    @Override
    void prepare(Workspace ws, int n) {
        double[] xs = ws.xs, absSum = ws.aux1;
        java.util.Arrays.fill(absSum, 0, n, 0.0);
        for (int j = 0; j < n; j++) {
            for (int m = j + 1; m < n; m++) {
                double d = xs[m] - xs[j]; // ≥ 0: sorted
                absSum[j] += d;
                absSum[m] += d;
            }
        }
        java.util.Arrays.fill(ws.aux2, 0, n, 0.0);
        java.util.Arrays.fill(ws.aux3, 0, n, 0.0);
        java.util.Arrays.fill(ws.aux4, 0, n, 0.0);
    }

    @Override
    void logits(Workspace ws, int n, int k, double[] z) {
        double c = n - 1 - 2 * k;
        double[] xs = ws.xs, absSum = ws.aux1;
        for (int j = 0; j < n; j++) z[j] = (-c * xs[j] - absSum[j]) * invTau;
    }

    /** out = J_kᵀ v = −((c_k + r)∘v + S v)/τ (S antisymmetric, so −Sᵀv = S v). */
    @Override
    void mapTranspose(Workspace ws, int n, int k, double[] v, double[] out) {
        double c = n - 1 - 2 * k;
        double[] pre = ws.pre;
        int[] lo = ws.lo, hi = ws.hi;
        pre[0] = 0;
        for (int i = 0; i < n; i++) pre[i + 1] = pre[i] + v[i];
        double tot = pre[n];
        for (int j = 0; j < n; j++) {
            double rj = lo[j] - (n - hi[j]); // #smaller − #larger
            double sv = pre[lo[j]] - (tot - pre[hi[j]]);
            out[j] = -((c + rj) * v[j] + sv) * invTau;
        }
    }

    /** Accumulates ψ = Σ t_k, φ = Σ d_k∘t_k, χ = Σ d_k²∘t_k with d_k = c_k + r (finished in finishCurvature). */
    @Override
    void addRowCurvature(Workspace ws, int n, int k, double[] t, double[] u, double[] hd) {
        double c = n - 1 - 2 * k;
        double[] psi = ws.aux2, phi = ws.aux3, chi = ws.aux4;
        int[] lo = ws.lo, hi = ws.hi;
        for (int j = 0; j < n; j++) {
            double d = c + lo[j] - (n - hi[j]);
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
