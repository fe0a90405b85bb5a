package org.newtonloss.ranking;

/**
 * The BCE loss of a relaxed permutation matrix, its gradient and its generalised Gauss-Newton matrix, from the
 * entries of P and their exact Jacobian rows. With ℓ = (1/n²) Σ_e f(P_e; Q_e), f = {@link Bce}:
 * <pre>
 *   ∇ℓ = (1/n²) Σ_e f'(P_e) ∇P_e,       C = (1/n²) Σ_e f''(P_e) ∇P_e ∇P_eᵀ = Σ_e w_e w_eᵀ,  w_e = √f''(P_e) ∇P_e / n
 * </pre>
 * C is accumulated as a sum of outer products of the whitened rows w_e, so it is positive semi-definite by
 * construction (up to rounding in the additions only), whatever the relaxation. √f'' is 1/p on the target entry
 * and 1/(1−p) elsewhere; where torch's log clamp is active f' = f'' = 0 and the entry contributes nothing.
 *
 * <p>Cost O(E·n²) for E entries (n⁴ for a full n×n matrix); the softmax relaxations have an O(n³) path of their own
 * ({@link SoftPermutationGaussNewton}) and use this class only as the reference in tests.
 */
public final class BceGaussNewton {
    private BceGaussNewton() {}

    /**
     * Loss, gradient and Gauss-Newton matrix from {@code entries} entries of P.
     *
     * @param n       number of scores (length of each Jacobian row; C is n×n)
     * @param entries number of entries of P that enter the loss (n² for a ranking loss)
     * @param p       not modified: entry e's value at {@code p[e]}
     * @param target  not modified: whether entry e's target Q_e is 1
     * @param jac     not modified: ∂P_e/∂x_t at {@code jac[e*n + t]}
     * @param scale   the loss's normalisation (1/n² for the ranking losses)
     * @param grad    modified: receives ∇ℓ at {@code grad[gOff .. gOff+n)}
     * @param c       modified: receives the row-major n×n matrix C at {@code c[cOff ..]} (exactly symmetric)
     * @param w       scratch of at least n doubles
     * @return ℓ
     */
    public static double evaluate(int n, int entries, double[] p, boolean[] target, double[] jac, double scale,
                                  double[] grad, int gOff, double[] c, int cOff, double[] w) {
        java.util.Arrays.fill(grad, gOff, gOff + n, 0.0);
        java.util.Arrays.fill(c, cOff, cOff + n * n, 0.0);
        double sqrtScale = Math.sqrt(scale);
        double value = 0;
        for (int e = 0; e < entries; e++) {
            double pe = p[e];
            boolean q = target[e];
            value += Bce.value(pe, q);
            double d1 = Bce.d1(pe, q);
            if (d1 == 0) continue; // clamped: no gradient, no curvature
            int row = e * n;
            double g = d1 * scale;
            // √f'' = |f'|: 1/p on the target entry, 1/(1−p) elsewhere.
            double s = Math.abs(d1) * sqrtScale;
            for (int t = 0; t < n; t++) {
                double j = jac[row + t];
                grad[gOff + t] += g * j;
                w[t] = s * j;
            }
            for (int a = 0; a < n; a++) {
                double wa = w[a];
                if (wa == 0) continue;
                int ra = cOff + a * n;
                for (int b = a; b < n; b++) c[ra + b] += wa * w[b];
            }
        }
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++) c[cOff + b * n + a] = c[cOff + a * n + b];
        return value * scale;
    }

    /** Throws naming the array when it is null or cannot hold {@code need} values. */
    static void checkLength(String name, double[] a, long need) {
        if (a == null) throw new IllegalArgumentException(name + " must not be null");
        if (a.length < need)
            throw new IllegalArgumentException(name + ".length must be >= " + need + ", got " + a.length);
    }
}
