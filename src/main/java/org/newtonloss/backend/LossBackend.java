package org.newtonloss.backend;

import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.EvaluationF32;
import org.newtonloss.newton.NewtonOptions;

/**
 * The batched primitives a device implements: evaluate a batch (per-sample loss, gradient, optionally the
 * exact Hessian) and take a Newton step (evaluate + curvature + regularised solve), in double and float.
 * Batches are flat row-major arrays as in {@link AlgorithmicLoss}: sample i's m inputs at {@code y[i*m ..]},
 * its ground truth at {@code target[i*m ..]}.
 *
 * <p>Implementations are thread-safe. Inputs are not modified; results are freshly allocated.
 */
public interface LossBackend extends AutoCloseable {

    /** The name used by {@code --backend} ({@code cpu}, {@code cuda}). */
    String name();

    /**
     * Whether this backend implements {@code loss} in {@code precision}. {@code --backend auto} falls back to the
     * CPU backend when the preferred one does not; an explicit choice fails with a message instead.
     */
    default boolean supports(AlgorithmicLoss loss, Precision precision) { return true; }

    /** Per-sample loss, gradient and (when {@code hessian}) Hessian of a batch, in double. */
    Evaluation evaluate(AlgorithmicLoss loss, double[] y, double[] target, int batch, int m, boolean hessian);

    /** The same in float. */
    EvaluationF32 evaluate(AlgorithmicLoss loss, float[] y, float[] target, int batch, int m, boolean hessian);

    /**
     * One Newton step for a batch in double: evaluates loss and gradient, the curvature of {@code options}
     * (per-sample Hessians or Gauss-Newton matrices; none for Fisher) and solves the damped systems.
     *
     * @throws IllegalArgumentException for bad shapes, or a curvature the loss does not provide
     */
    NewtonOutcome newton(AlgorithmicLoss loss, NewtonOptions options, double[] y, double[] target, int batch, int m);

    /** The same in float. */
    NewtonOutcomeF32 newton(AlgorithmicLoss loss, NewtonOptions options, float[] y, float[] target, int batch, int m);

    /** Releases device resources; the CPU backend holds none. */
    @Override default void close() {}
}
