package org.newtonloss.dl4j;

import java.util.Arrays;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;

/**
 * The per-row score and gradient that {@link NewtonRankingLoss} hands to DL4J, in plain Java (no ND4J): rows
 * are items, each n consecutive rows one set (one sample of the algorithmic loss, m = n).
 *
 * <p>DL4J averages per-row scores over the R = N·n rows and divides per-row gradients by R. So that the network
 * sees the mean set loss (1/N) Σ ℓ_s and its gradient (1/N) g_s, every row of set s scores ℓ_s and gets the
 * gradient n·g_s[k]; with a Newton curvature, n·[(C_s + λI)⁻¹ g_s]_k, the gradient of the Newton loss.
 *
 * @param rowScore    per row: the loss of its set (length R)
 * @param rowGradient per row: n × the set's (preconditioned) gradient entry (length R)
 * @param setLoss     per set: ℓ_s (length N)
 * @param newtonInfo  what the Newton step did, or null for curvature none
 */
public record SetGradients(double[] rowScore, double[] rowGradient, double[] setLoss, NewtonInfo newtonInfo) {

    /** Counts reported by a Newton step: systems solved, escalated or modified, and the largest step / gradient. */
    public record NewtonInfo(int systems, int escalated, int modified, double maxStepRatio) {}

    /** Mean set loss (1/N) Σ ℓ_s. */
    public double meanSetLoss() { return Arrays.stream(setLoss).average().orElse(Double.NaN); }

    /**
     * Evaluates the loss on every set and the gradient DL4J needs.
     *
     * @param loss   the algorithmic loss (m = n)
     * @param scores network outputs, one per row, R = N·n values, finite
     * @param truth  true values per row (the set's true order is their stable ascending order)
     * @param n      items per set
     * @param newton curvature and λ
     * @throws IllegalArgumentException when R is not a multiple of n (naming both) or a score is not finite
     */
    public static SetGradients compute(AlgorithmicLoss loss, double[] scores, double[] truth, int n, NewtonSettings newton) {
        int rows = scores.length;
        if (truth.length != rows)
            throw new IllegalArgumentException("labels: expected one true value per row, " + rows + " rows, got " + truth.length);
        if (n < 1) throw new IllegalArgumentException("setSize must be >= 1, got " + n);
        if (rows == 0 || rows % n != 0)
            throw new IllegalArgumentException("batch of " + rows + " rows is not a whole number of sets of setSize " + n
                    + " (each " + n + " consecutive rows form one set)");
        for (int r = 0; r < rows; r++) {
            if (!Double.isFinite(scores[r]))
                throw new NonFiniteOutputException("network output row " + r + " (set " + r / n + ") is " + scores[r]
                        + ": training diverged; lower the learning rate or raise lambda");
            if (!Double.isFinite(truth[r]))
                throw new IllegalArgumentException("labels row " + r + " is " + truth[r] + ", must be finite");
        }
        int sets = rows / n;
        // Gauss-Newton: the loss's own value and gradient with the generalised Gauss-Newton matrix as the curvature.
        Evaluation e = newton.curvature() == NewtonSettings.Kind.GAUSS_NEWTON
                ? Batches.evaluateGaussNewton(loss, scores, truth, sets, n)
                : Batches.evaluate(loss, scores, truth, sets, n, newton.curvature().needsHessian());
        double[] direction = e.grad();
        NewtonInfo info = null;
        if (newton.curvature() != NewtonSettings.Kind.NONE) {
            NewtonSettings.Step step = newton.solve(scores, e.grad(), e.hess(), sets, n);
            direction = step.direction();
            info = step.info();
        }
        double[] rowScore = new double[rows];
        double[] rowGradient = new double[rows];
        for (int r = 0; r < rows; r++) {
            rowScore[r] = e.loss()[r / n];
            rowGradient[r] = n * direction[r];
        }
        for (int r = 0; r < rows; r++)
            if (!Double.isFinite(rowGradient[r]))
                throw new NonFiniteOutputException("loss gradient of row " + r + " (set " + r / n + ") is " + rowGradient[r]
                        + " for " + loss.spec() + " with " + newton);
        return new SetGradients(rowScore, rowGradient, e.loss(), info);
    }
}
