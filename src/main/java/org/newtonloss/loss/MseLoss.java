package org.newtonloss.loss;

/** ℓ(y) = ½‖y − t‖²: H = I, so the Newton step has the closed form (ȳ − t)/(1 + λ). SPEC {@code mse}. */
public record MseLoss() implements AlgorithmicLoss {
    @Override public String spec() { return "mse"; }

    @Override public void checkDimension(int m) {
        if (m < 1) throw new IllegalArgumentException("m must be >= 1 for mse, got " + m);
    }

    @Override public double evaluate(int sample, int m, double[] y, double[] target, double[] grad, double[] hess) {
        int o = sample * m;
        double value = 0;
        for (int k = 0; k < m; k++) {
            double r = y[o + k] - target[o + k];
            value += 0.5 * r * r;
            grad[o + k] = r;
        }
        if (hess != null) {
            int h = sample * m * m;
            java.util.Arrays.fill(hess, h, h + m * m, 0.0);
            for (int k = 0; k < m; k++) hess[h + k * m + k] = 1.0;
        }
        return value;
    }
}
