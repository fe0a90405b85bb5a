package org.newtonloss.loss;

/**
 * A loss ℓ = ℓ_out(P(y)) built from a relaxation P (the relaxed permutation matrix, or a path map) and an outer loss
 * convex in P, that can also give the generalised Gauss-Newton matrix {@code C_i = J_iᵀ (∇²_P ℓ_out) J_i} with
 * {@code J_i = ∂P/∂y_i}. C_i is positive semi-definite whenever ℓ_out is convex in P (BCE is), so Newton steps with
 * it need no safeguard beyond λ > 0 (METHOD.md §1).
 */
public interface GaussNewtonLoss extends AlgorithmicLoss {

    /**
     * Loss, gradient and Gauss-Newton matrix of one sample, in double; layout as in
     * {@link #evaluate(int, int, double[], double[], double[], double[])} with {@code gaussNewton} in place of the
     * Hessian (row-major m×m at {@code sample*m*m}).
     */
    double evaluateGaussNewton(int sample, int m, double[] y, double[] target, double[] grad, double[] gaussNewton);
}
