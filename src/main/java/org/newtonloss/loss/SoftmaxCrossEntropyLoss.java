package org.newtonloss.loss;

/**
 * Softmax cross-entropy on logits y with a target distribution t (rows summing to 1):
 * ℓ = −Σ t_k log softmax(y)_k, ∇ℓ = p − t, ∇²ℓ = diag(p) − ppᵀ. SPEC {@code softmax-ce}.
 */
public record SoftmaxCrossEntropyLoss() implements AlgorithmicLoss {
    @Override public String spec() { return "softmax-ce"; }

    @Override public void checkDimension(int m) {
        if (m < 2) throw new IllegalArgumentException("m must be >= 2 for softmax-ce, got " + m);
    }

    @Override public double evaluate(int sample, int m, double[] y, double[] target, double[] grad, double[] hess) {
        int o = sample * m;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < m; k++) max = Math.max(max, y[o + k]);
        double sum = 0;
        for (int k = 0; k < m; k++) sum += Math.exp(y[o + k] - max);
        double logSum = Math.log(sum) + max;
        double value = 0;
        for (int k = 0; k < m; k++) {
            double p = Math.exp(y[o + k] - logSum);
            value -= target[o + k] * (y[o + k] - logSum);
            grad[o + k] = p - target[o + k];
        }
        if (hess != null) {
            int h = sample * m * m;
            for (int a = 0; a < m; a++) {
                double pa = Math.exp(y[o + a] - logSum);
                for (int b = 0; b < m; b++) {
                    double pb = Math.exp(y[o + b] - logSum);
                    hess[h + a * m + b] = (a == b ? pa : 0) - pa * pb;
                }
            }
        }
        return value;
    }
}
