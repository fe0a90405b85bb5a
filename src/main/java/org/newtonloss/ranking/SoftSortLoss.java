package org.newtonloss.ranking;

import org.newtonloss.spec.Spec;

/**
 * SoftSort (Prillo &amp; Eisenschlos, ICML 2020) with a BCE loss against the true permutation matrix. SPEC
 * {@code softsort:tau=T,power=1|2} (defaults τ = 1, power 1).
 *
 * <p>P̂[k][j] = softmax_j(−|x_(k) − x_j|^p / τ) with x_(k) the k-th smallest score (ascending, stable at ties),
 * gradients flowing through the sorted values; P = P̂ᵀ (column convention). |·|'(0) = 0 as in torch, so with
 * p = 1 an entry at distance 0 (its own input, or a tie) passes no gradient.
 *
 * <p>The logits of row k depend on x only through d_kj = x_(k) − x_j, so in sorted coordinates
 * J_k = g_k e_kᵀ − diag(g_k) with g_kj = ∂z_kj/∂d_kj, and ∇²z_kj = h (e_k − e_j)(e_k − e_j)ᵀ with h = −2/τ for p = 2
 * (0 for p = 1). J_kᵀv and J_kᵀ diag(t) J_k therefore cost O(n) per row.
 */
public final class SoftSortLoss extends SoftPermutationLoss {
    /** τ when the SPEC does not give one. */
    public static final double DEFAULT_TAU = 1.0;
    /** The exponent when the SPEC does not give one. */
    public static final int DEFAULT_POWER = 1;

    private final double tau;
    private final int power;
    private final double invTau;

    /**
     * @param tau   temperature, finite and &gt; 0
     * @param power exponent of the distance, 1 or 2
     */
    public SoftSortLoss(double tau, int power) {
        if (!(tau > 0) || !Double.isFinite(tau))
            throw new IllegalArgumentException("softsort: tau must be finite and > 0, got " + tau);
        if (power != 1 && power != 2)
            throw new IllegalArgumentException("softsort: power must be 1 or 2, got " + power);
        this.tau = tau;
        this.power = power;
        this.invTau = 1 / tau;
    }

    /** Parses the keys of a {@code softsort} SPEC (tau, power); unknown keys are an error. */
    public static SoftSortLoss fromSpec(Spec spec) {
        double tau = spec.positive("tau", DEFAULT_TAU);
        int power = spec.integer("power", DEFAULT_POWER, 1);
        spec.requireAllUsed("tau", "power");
        if (power > 2)
            throw new org.newtonloss.spec.SpecException("SPEC '" + spec.text() + "': power must be 1 or 2, got " + power);
        return new SoftSortLoss(tau, power);
    }

    public double tau() { return tau; }

    public int power() { return power; }

    @Override String family() { return "softsort"; }

    @Override public String spec() { return "softsort:tau=" + tau + ",power=" + power; }

    @Override void prepare(Workspace ws, int n) {}

    /** Also leaves g_kj = ∂z_kj/∂d_kj in ws.aux1 for the mapping of this row. */
    @Override
    void logits(Workspace ws, int n, int k, double[] z) {
        double[] xs = ws.xs, g = ws.aux1;
        double xk = xs[k];
        if (power == 1) {
            for (int j = 0; j < n; j++) {
                double d = xk - xs[j];
                z[j] = -Math.abs(d) * invTau;
                g[j] = -Math.signum(d) * invTau;
            }
        } else {
            for (int j = 0; j < n; j++) {
                double d = xk - xs[j];
                z[j] = -d * d * invTau;
                g[j] = -2 * d * invTau;
            }
        }
    }

    /** out = J_kᵀ v = e_k (g·v) − g∘v. */
    @Override
    void mapTranspose(Workspace ws, int n, int k, double[] v, double[] out) {
        double[] g = ws.aux1;
        double s = 0;
        for (int j = 0; j < n; j++) {
            double gv = g[j] * v[j];
            s += gv;
            out[j] = -gv;
        }
        out[k] += s;
    }

    /**
     * Adds J_kᵀ diag(t) J_k + Σ_j u_j h (e_k − e_j)(e_k − e_j)ᵀ = (ΣM) e_k e_kᵀ − e_k Mᵀ − M e_kᵀ + diag(M) with
     * M_j = g_j² t_j + h u_j (j ≠ k), M_k = 0.
     */
    @Override
    void addRowCurvature(Workspace ws, int n, int k, double[] t, double[] u, double[] hd) {
        double[] g = ws.aux1;
        double h = power == 2 ? -2 * invTau : 0;
        double sum = 0;
        int rk = k * n;
        for (int j = 0; j < n; j++) {
            if (j == k) continue;
            double mj = g[j] * g[j] * t[j] + h * u[j];
            sum += mj;
            hd[rk + j] -= mj; // the symmetric completion hd + hdᵀ adds the (j, k) entry
            hd[j * n + j] += 0.5 * mj;
        }
        hd[rk + k] += 0.5 * sum;
    }

    @Override void finishCurvature(Workspace ws, int n, double[] hd) {}

    @Override public boolean equals(Object o) {
        return o instanceof SoftSortLoss other && other.tau == tau && other.power == power;
    }
    @Override public int hashCode() { return 31 * Double.hashCode(tau) + power; }
    @Override public String toString() { return "SoftSortLoss(tau=" + tau + ", power=" + power + ")"; }
}
