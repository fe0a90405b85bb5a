package org.newtonloss.paths;

import java.util.Arrays;

/**
 * Stein (score-function) estimators of a Gaussian-smoothed function f_σ(θ) = E f(θ + σε), ε ~ N(0, I), from S
 * values f_s = f(θ + σε_s) and a baseline b (f(θ), or 0 for none):
 * <pre>
 *   ∇f_σ  ≈ (1/S) Σ_s (f_s − b) ε_s / σ
 *   ∇²f_σ ≈ (1/S) Σ_s (f_s − b) (ε_s ε_sᵀ − I) / σ²          (symmetric by construction)
 *   J     ≈ (1/S) Σ_s (F_s − B) ε_sᵀ / σ                      (vector-valued F: the Jacobian, k×m)
 * </pre>
 * All are unbiased for any constant baseline, since E ε = 0 and E(εεᵀ − I) = 0. For a loss φ(F) on the smoothed
 * output, {@link #addGaussNewton} gives the Gauss-Newton matrix 2·JᵀJ of φ = ‖F − t‖² from the same draws.
 */
public final class Stein {
    private Stein() {}

    /** Adds the gradient estimate into {@code grad[go .. go+m)}. {@code eps} holds S rows of m. */
    public static void gradient(double[] eps, int samples, int m, double[] values, double baseline, double sigma,
                                double[] grad, int go) {
        Arrays.fill(grad, go, go + m, 0.0);
        for (int s = 0; s < samples; s++) {
            double a = (values[s] - baseline) / (samples * sigma);
            if (a == 0) continue;
            for (int k = 0; k < m; k++) grad[go + k] += a * eps[s * m + k];
        }
    }

    /** Writes the Hessian estimate (row-major m×m) into {@code hess[ho ..]}. */
    public static void hessian(double[] eps, int samples, int m, double[] values, double baseline, double sigma,
                               double[] hess, int ho) {
        double[] a = new double[samples];
        double diagonal = 0;
        for (int s = 0; s < samples; s++) {
            a[s] = (values[s] - baseline) / (samples * sigma * sigma);
            diagonal += a[s];
        }
        // row by row, so that each row stays in cache while the S rank-one terms are added to it
        for (int i = 0; i < m; i++) {
            int row = ho + i * m;
            Arrays.fill(hess, row, row + m, 0.0);
            for (int s = 0; s < samples; s++) {
                double ai = a[s] * eps[s * m + i];
                if (ai == 0) continue;
                int r = s * m;
                for (int j = 0; j < m; j++) hess[row + j] += ai * eps[r + j];
            }
            hess[row + i] -= diagonal;
        }
    }

    /**
     * Writes the Jacobian estimate of a vector-valued F (k outputs) into {@code jac[0 .. k·m)}, row-major
     * (row i = ∂F_i/∂θ). {@code outputs} holds S rows of k, {@code base} the k baseline values.
     */
    public static void jacobian(double[] eps, int samples, int m, double[] outputs, double[] base, int k,
                                double sigma, double[] jac) {
        Arrays.fill(jac, 0, k * m, 0.0);
        double scale = 1.0 / (samples * sigma);
        for (int i = 0; i < k; i++) {
            int row = i * m;
            for (int s = 0; s < samples; s++) {
                double a = (outputs[s * k + i] - (base == null ? 0 : base[i])) * scale;
                if (a == 0) continue;
                int r = s * m;
                for (int j = 0; j < m; j++) jac[row + j] += a * eps[r + j];
            }
        }
    }

    /**
     * Adds 2·JᵀJ, J = (1/(Sσ)) Σ_s δ_s ε_sᵀ the Stein Jacobian of a vector-valued F with k outputs
     * (δ_s = F_s − baseline, S rows of k in {@code deltas}), into the m×m matrix at {@code out[off ..]}, which must
     * be exactly symmetric on entry. Computed as (2/(Sσ)²) Σ_{s,t} (δ_s·δ_t) ε_s ε_tᵀ through the S×S Gram matrix
     * of the δ's (O(S²k + S·m²) instead of O(m²k)); the upper triangle is accumulated and mirrored, so the result
     * is exactly symmetric, and positive semi-definite up to rounding (a Gram matrix congruence).
     */
    public static void addGaussNewton(double[] eps, int samples, int m, double[] deltas, int k, double sigma,
                                      double[] out, int off) {
        double scale = 2.0 / ((double) samples * samples * sigma * sigma);
        double[] f = new double[samples * m]; // row s: Σ_t scale·(δ_s·δ_t) ε_t
        for (int s = 0; s < samples; s++)
            for (int t = s; t < samples; t++) {
                double g = 0;
                for (int i = 0; i < k; i++) g += deltas[s * k + i] * deltas[t * k + i];
                if (g == 0) continue;
                g *= scale;
                for (int j = 0; j < m; j++) f[s * m + j] += g * eps[t * m + j];
                if (t != s) for (int j = 0; j < m; j++) f[t * m + j] += g * eps[s * m + j];
            }
        for (int i = 0; i < m; i++) {
            int row = off + i * m;
            for (int s = 0; s < samples; s++) {
                double e = eps[s * m + i];
                if (e == 0) continue;
                int fr = s * m;
                for (int j = i; j < m; j++) out[row + j] += e * f[fr + j];
            }
        }
        for (int i = 0; i < m; i++)
            for (int j = i + 1; j < m; j++) out[off + j * m + i] = out[off + i * m + j];
    }
}
