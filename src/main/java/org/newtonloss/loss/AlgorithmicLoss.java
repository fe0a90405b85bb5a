package org.newtonloss.loss;

/**
 * A per-sample algorithmic loss ℓ_i(y_i) with its exact gradient and Hessian with respect to the sample's own
 * m values (no 1/N factor). Batches are flat row-major arrays: sample i's values at {@code y[i*m .. i*m+m)},
 * its ground truth at {@code target[i*m .. i*m+m)}, its gradient at {@code grad[i*m ..]} and its m×m Hessian at
 * {@code hess[i*m*m ..]} (row-major, symmetric).
 *
 * <p>What "target" means is the loss's own convention: for ranking losses, the true values whose stable
 * ascending argsort is the true order; for path losses, the 0/1 map of the true path. Implementations are
 * immutable and thread-safe: a batch is evaluated by several threads at once, each on its own samples.
 */
public interface AlgorithmicLoss {

    /** The SPEC string ({@code family:key=value,...}) that recreates this loss. */
    String spec();

    /** Throws {@link IllegalArgumentException} naming {@code m} when this loss cannot take m values per sample. */
    void checkDimension(int m);

    /**
     * Loss, gradient and (when {@code hess != null}) exact Hessian of one sample of a batch, in double.
     *
     * @param sample index i of the sample in the batch (stochastic losses derive their noise from it)
     * @param m      values per sample
     * @param y      batch inputs, not modified
     * @param target batch ground truth, not modified
     * @param grad   modified: receives ∇ℓ_i at {@code i*m}
     * @param hess   modified if not null: receives ∇²ℓ_i at {@code i*m*m}
     * @return ℓ_i
     */
    double evaluate(int sample, int m, double[] y, double[] target, double[] grad, double[] hess);

    /**
     * The same in float. This default computes in double and rounds the results; fast implementations override
     * it with float arithmetic of their own.
     */
    default float evaluate(int sample, int m, float[] y, float[] target, float[] grad, float[] hess) {
        double[] yd = new double[m];
        double[] td = new double[m];
        for (int k = 0; k < m; k++) {
            yd[k] = y[sample * m + k];
            td[k] = target[sample * m + k];
        }
        double[] gd = new double[m];
        double[] hd = hess == null ? null : new double[m * m];
        double value = evaluate(0, m, yd, td, gd, hd);
        for (int k = 0; k < m; k++) grad[sample * m + k] = (float) gd[k];
        if (hess != null) {
            int base = sample * m * m;
            for (int k = 0; k < m * m; k++) hess[base + k] = (float) hd[k];
        }
        return (float) value;
    }
}
