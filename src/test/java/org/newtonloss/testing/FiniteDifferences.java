package org.newtonloss.testing;

import org.newtonloss.loss.AlgorithmicLoss;

/**
 * Central finite differences of an {@link AlgorithmicLoss} in double: the gradient from values, the Hessian
 * from gradients (column j = (g(y + h e_j) − g(y − h e_j)) / 2h), for one sample at a time.
 */
public final class FiniteDifferences {
    private FiniteDifferences() {}

    /** ∂ℓ/∂y_k by central differences of the value, step h·max(1, |y_k|). */
    public static double[] gradient(AlgorithmicLoss loss, double[] y, double[] target, int m, double h) {
        double[] g = new double[m];
        double[] scratch = new double[m];
        for (int k = 0; k < m; k++) {
            double step = h * Math.max(1, Math.abs(y[k]));
            double[] yp = y.clone();
            double[] ym = y.clone();
            yp[k] += step;
            ym[k] -= step;
            double fp = loss.evaluate(0, m, yp, target, scratch, null);
            double fm = loss.evaluate(0, m, ym, target, scratch, null);
            g[k] = (fp - fm) / ((yp[k] - y[k]) + (y[k] - ym[k]));
        }
        return g;
    }

    /** Row-major m×m Hessian by central differences of the analytic gradient (not symmetrised). */
    public static double[] hessian(AlgorithmicLoss loss, double[] y, double[] target, int m, double h) {
        double[] hess = new double[m * m];
        double[] gp = new double[m];
        double[] gm = new double[m];
        for (int j = 0; j < m; j++) {
            double step = h * Math.max(1, Math.abs(y[j]));
            double[] yp = y.clone();
            double[] ym = y.clone();
            yp[j] += step;
            ym[j] -= step;
            loss.evaluate(0, m, yp, target, gp, null);
            loss.evaluate(0, m, ym, target, gm, null);
            double width = (yp[j] - y[j]) + (y[j] - ym[j]);
            for (int i = 0; i < m; i++) hess[i * m + j] = (gp[i] - gm[i]) / width;
        }
        return hess;
    }
}
