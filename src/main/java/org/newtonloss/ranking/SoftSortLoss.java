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

    /** The temperature τ. */
    public double tau() { return tau; }

    /** The exponent p of the distance (1 or 2). */
    public int power() { return power; }

    @Override String family() { return "softsort"; }

    @Override public String spec() { return "softsort:tau=" + tau + ",power=" + power; }

    /** For p = 1: D[k][j] = exp(−|x_(k) − x_(j)|/τ) for all rows from n − 1 gap factors (see rowExponentials). */
    @Override
    void prepare(Workspace ws, int n) {
        if (power != 1) return;
        gapFactors(ws, n, invTau);
        rowExponentials(ws, n, false);
    }

    /**
     * Row k: e_j = exp(−|x_(k) − x_(j)|^p/τ) (the diagonal is the maximum, 0 distance): for p = 1 a row of the
     * prepared matrix, for p = 2 one exp each. Also leaves g_j = ∂z_kj/∂d_kj in ws.aux1 for the mapping of this row.
     */
    @Override
    void exponentials(Workspace ws, int n, int k, double[] e) {
        double[] xs = ws.xs, g = ws.aux1;
        double xk = xs[k];
        if (power == 1) {
            System.arraycopy(ws.emat, k * n, e, 0, n);
            for (int j = 0; j < n; j++) g[j] = -Math.signum(xk - xs[j]) * invTau;
        } else {
            for (int j = 0; j < n; j++) {
                double d = xk - xs[j];
                double z = -d * d * invTau;
                e[j] = z < LOG_TINY ? 0 : Math.exp(z);
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
