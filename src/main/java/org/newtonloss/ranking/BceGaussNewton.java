package org.newtonloss.ranking;

/**
 * The generalised Gauss-Newton matrix of the BCE loss of a relaxed permutation matrix, from the entries of P and
 * their exact Jacobian rows. With ℓ = s Σ_e f(P_e; Q_e), f = {@link Bce} and s the normalisation (1/n²):
 * <pre>
 *   C = s Σ_e f''(P_e) ∇P_e ∇P_eᵀ = Σ_e w_e w_eᵀ,   w_e = √(s f''(P_e)) ∇P_e
 * </pre>
 * C is accumulated as a sum of outer products of the whitened rows w_e, so it is positive semi-definite by
 * construction (up to rounding in the additions only), whatever the relaxation. √f'' = |f'| is 1/p on the target
 * entry and 1/(1−p) elsewhere; where torch's log clamp is active f'' = 0 and the entry contributes nothing.
 *
 * <p>Cost E·n²/2 multiply-adds for E entries (n⁴/2 for a full n×n matrix); the softmax relaxations have an O(n³)
 * path of their own ({@link SoftPermutationGaussNewton}).
 */
public final class BceGaussNewton {
    private BceGaussNewton() {}

    /**
     * The Gauss-Newton matrix from {@code entries} entries of P.
     *
     * @param n       number of scores (length of each Jacobian row; C is n×n)
     * @param entries number of entries of P that enter the loss (n² for a ranking loss)
     * @param p       not modified: entry e's value at {@code p[e]}
     * @param target  not modified: whether entry e's target Q_e is 1
     * @param jac     not modified: ∂P_e/∂x_t at {@code jac[e*n + t]}
     * @param scale   the loss's normalisation s (1/n² for the ranking losses)
     * @param c       modified: receives the row-major n×n matrix C at {@code c[cOff ..]} (exactly symmetric)
     * @param w       scratch of at least n doubles
     */
    public static void curvature(int n, int entries, double[] p, boolean[] target, double[] jac, double scale,
                                 double[] c, int cOff, double[] w) {
        java.util.Arrays.fill(c, cOff, cOff + n * n, 0.0);
        double sqrtScale = Math.sqrt(scale);
        for (int e = 0; e < entries; e++) {
            double s = Math.abs(Bce.d1(p[e], target[e])) * sqrtScale; // √f'' = |f'|; 0 where clamped
            if (s == 0) continue;
            int row = e * n;
            for (int t = 0; t < n; t++) w[t] = s * jac[row + t];
            for (int a = 0; a < n; a++) {
                double wa = w[a];
                if (wa == 0) continue;
                int ra = cOff + a * n;
                for (int b = a; b < n; b++) c[ra + b] += wa * w[b];
            }
        }
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++) c[cOff + b * n + a] = c[cOff + a * n + b];
    }

    /** Throws naming the array when it is null or cannot hold {@code need} values. */
    static void checkLength(String name, double[] a, long need) {
        if (a == null) throw new IllegalArgumentException(name + " must not be null");
        if (a.length < need)
            throw new IllegalArgumentException(name + ".length must be >= " + need + ", got " + a.length);
    }
}
