package org.newtonloss.paths;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Stein estimators against functions whose Gaussian smoothing is known in closed form. Each case averages R
 * independent estimates (seeds 0..R−1, each from S draws) and requires every entry of the mean to lie within
 * 5 standard errors (sample standard deviation of the R estimates / √R) of the exact value — the CLT bound;
 * with ≤ 16 entries per check a false alarm has probability below 1e-5, and the seeds are fixed.
 */
class SteinTest {
    static final int R = 4000;

    record Case(String name, int m, double[] theta, double sigma, int samples, boolean antithetic,
                ToDoubleFunction<double[]> f, double[] gradient, double[] hessian) {
        @Override public String toString() { return name + (antithetic ? " antithetic" : ""); }
    }

    static Stream<Case> cases() {
        // quadratic ½xᵀAx + bᵀx: smoothed gradient Aθ + b, Hessian A (σ-independent)
        double[] a = {2, 0.5, -1, 0.5, 1, 0.3, -1, 0.3, 3};
        double[] b = {1, -2, 0.5};
        double[] theta = {0.3, -0.7, 1.1};
        ToDoubleFunction<double[]> quadratic = x -> {
            double v = 0;
            for (int i = 0; i < 3; i++) {
                v += b[i] * x[i];
                for (int j = 0; j < 3; j++) v += 0.5 * x[i] * a[i * 3 + j] * x[j];
            }
            return v;
        };
        double[] qGrad = new double[3];
        for (int i = 0; i < 3; i++) {
            qGrad[i] = b[i];
            for (int j = 0; j < 3; j++) qGrad[i] += a[i * 3 + j] * theta[j];
        }
        // linear threshold 1[wᵀx > t]: smoothed Φ(z), z = (wᵀθ − t)/(σ‖w‖); ∇ = φ(z) w/(σ‖w‖); ∇² = −zφ(z) wwᵀ/(σ‖w‖)²
        double[] w = {1, -2, 0.5, 1};
        double t = 0.4, sigma = 0.8;
        double[] th = {0.2, -0.1, 0.3, 0.1};
        double norm = Math.sqrt(1 + 4 + 0.25 + 1);
        double z = (dot(w, th) - t) / (sigma * norm);
        double pdf = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
        double[] tGrad = new double[4], tHess = new double[16];
        for (int i = 0; i < 4; i++) {
            tGrad[i] = pdf * w[i] / (sigma * norm);
            for (int j = 0; j < 4; j++) tHess[i * 4 + j] = -z * pdf * w[i] * w[j] / (sigma * sigma * norm * norm);
        }
        ToDoubleFunction<double[]> threshold = x -> dot(w, x) > t ? 1 : 0;
        return Stream.of(
                new Case("quadratic", 3, theta, 0.5, 10, false, quadratic, qGrad, a),
                new Case("quadratic", 3, theta, 0.5, 10, true, quadratic, qGrad, a),
                new Case("threshold", 4, th, sigma, 30, false, threshold, tGrad, tHess),
                new Case("threshold", 4, th, sigma, 30, true, threshold, tGrad, tHess));
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void meanOfManySeedsMatchesTheClosedFormWithinTheCltBound(Case c) {
        int m = c.m(), s = c.samples();
        double[] sumG = new double[m], sumG2 = new double[m], sumH = new double[m * m], sumH2 = new double[m * m];
        double[] eps = new double[s * m], values = new double[s], g = new double[m], h = new double[m * m];
        double[] x = new double[m];
        for (int r = 0; r < R; r++) {
            Smoothing smoothing = new Smoothing(s, c.sigma(), 12345, c.antithetic(), true);
            smoothing.noise(r, m, eps);
            for (int k = 0; k < s; k++) {
                for (int i = 0; i < m; i++) x[i] = c.theta()[i] + c.sigma() * eps[k * m + i];
                values[k] = c.f().applyAsDouble(x);
            }
            double base = c.f().applyAsDouble(c.theta());
            Stein.gradient(eps, s, m, values, base, c.sigma(), g, 0);
            Stein.hessian(eps, s, m, values, base, c.sigma(), h, 0);
            for (int i = 0; i < m; i++) { sumG[i] += g[i]; sumG2[i] += g[i] * g[i]; }
            for (int i = 0; i < m * m; i++) { sumH[i] += h[i]; sumH2[i] += h[i] * h[i]; }
        }
        check(c + " gradient", c.gradient(), sumG, sumG2);
        check(c + " Hessian", c.hessian(), sumH, sumH2);
    }

    private static void check(String what, double[] exact, double[] sum, double[] sumSquares) {
        for (int i = 0; i < exact.length; i++) {
            double mean = sum[i] / R;
            double var = Math.max(0, sumSquares[i] / R - mean * mean) * R / (R - 1);
            double bound = 5 * Math.sqrt(var / R) + 1e-12;
            assertTrue(Math.abs(mean - exact[i]) <= bound,
                    what + "[" + i + "]: mean " + mean + ", exact " + exact[i] + ", CLT bound " + bound);
        }
    }
}
