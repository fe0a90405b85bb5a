package org.newtonloss.ranking;

import org.newtonloss.loss.AlgorithmicLoss;

/**
 * The generalised Gauss-Newton form of a ranking loss ℓ(x) = (1/n²) Σ_ij BCE(P_ij(x), Q_ij) (METHOD.md §1, fourth
 * curvature): the relaxed permutation matrix P with its exact Jacobian J = ∂P/∂x, and per sample the loss, its
 * gradient Jᵀf' and the positive semi-definite matrix C = Jᵀ diag(f'') J (f', f'' from {@link Bce}, divided by n²).
 *
 * <p>C is the Hessian without the term Σ_ij f'_ij ∇²P_ij, the only part that can be indefinite: BCE is convex in
 * P, so C is PSD and a Newton step with C + λI needs no safeguard. Conventions are those of the losses: P in the
 * column convention ({@code p[i*n + j]} = weight of input i at ascending rank j) and the true order the stable
 * ascending argsort of the targets. Implementations are thread-safe (per-thread workspaces).
 */
public sealed interface RankingGaussNewton permits DsnGaussNewton, SoftPermutationGaussNewton {

    /**
     * The Gauss-Newton form of a ranking loss.
     *
     * @throws IllegalArgumentException naming the SPEC when the loss is not a ranking relaxation
     */
    static RankingGaussNewton of(AlgorithmicLoss loss) {
        return switch (loss) {
            case DiffSortLoss dsn -> new DsnGaussNewton(dsn);
            case SoftPermutationLoss soft -> new SoftPermutationGaussNewton(soft);
            case null -> throw new IllegalArgumentException("loss must not be null");
            default -> throw new IllegalArgumentException("loss '" + loss.spec()
                    + "' is not a ranking relaxation (dsn, neuralsort, softsort): no Gauss-Newton form");
        };
    }

    /**
     * The relaxed permutation matrix of the scores {@code x[off .. off+n)} and its exact Jacobian.
     *
     * @param p   modified: receives P row-major, {@code p[i*n + j]} = P[i][j] (equal to the loss's own
     *            {@code permutationMatrix})
     * @param jac modified: receives {@code jac[(i*n + j)*n + t]} = ∂P[i][j]/∂x_t (an n²×n matrix)
     * @throws IllegalArgumentException for n &lt; 2, a non-finite score or arrays too short
     */
    void jacobian(double[] x, int off, int n, double[] p, double[] jac);

    /**
     * Loss, gradient and Gauss-Newton matrix of one sample; the contract of
     * {@link org.newtonloss.loss.GaussNewtonLoss#evaluateGaussNewton}.
     */
    double evaluate(int sample, int m, double[] y, double[] target, double[] grad, double[] gaussNewton);
}
