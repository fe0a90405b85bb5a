package org.newtonloss.ranking;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our O(n³) gradient and Hessian against a dense O(n⁴) transcription of the textbook chain rule — explicit logit
 * Jacobians J_k, softmax Jacobian, naive BCE derivatives, sgn(0) = 0 — in the original (unsorted) coordinates.
 * It checks the structured algebra where finite differences cannot: at exact ties in the scores (kinks, where
 * the result is the torch convention |·|'(0) = 0, with SoftSort's sorted positions taken in stable order).
 */
class SoftPermutationDenseOracleTest {

    record Case(SoftPermutationLoss loss, double[] x, double[] t, String shape) {
        @Override public String toString() { return loss.spec() + " n=" + x.length + " " + shape; }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        Random rnd = new Random(17);
        for (int n : new int[] {2, 3, 6, 11}) {
            for (SoftPermutationLoss loss : List.of(new NeuralSortLoss(0.7), new SoftSortLoss(0.7, 1), new SoftSortLoss(0.7, 2))) {
                for (String shape : new String[] {"distinct", "ties", "all equal"}) {
                    double[] x = new double[n];
                    double[] t = new double[n];
                    for (int i = 0; i < n; i++) {
                        x[i] = switch (shape) {
                            case "ties" -> Math.round(1.5 * rnd.nextGaussian()) / 2.0;
                            case "all equal" -> 0.25;
                            default -> rnd.nextGaussian();
                        };
                        t[i] = rnd.nextGaussian();
                    }
                    out.add(new Case(loss, x, t, shape));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void structuredAlgebraEqualsDenseChainRule(Case c) {
        int n = c.x().length;
        double[] g = new double[n];
        double[] h = new double[n * n];
        c.loss().evaluate(0, n, c.x(), c.t(), g, h);
        double[] dg = new double[n];
        double[] dh = new double[n * n];
        dense(c.loss(), c.x(), c.t(), dg, dh);
        SoftPermutationDerivativesTest.assertScaled(dg, g, 1e-12, 1e-15, c + " gradient");
        SoftPermutationDerivativesTest.assertScaled(dh, h, 1e-12, 1e-15, c + " hessian");
    }

    /** Σ_k J_kᵀ u_k and Σ_k J_kᵀ H_k J_k + Σ_kj u_kj ∇²z_kj, all matrices explicit. */
    static void dense(SoftPermutationLoss loss, double[] x, double[] t, double[] grad, double[] hess) {
        int n = x.length;
        int[] perm = Ranks.stableArgsort(t, 0, n); // row k's target is input perm[k]
        int[] order = Ranks.stableArgsort(x, 0, n); // SoftSort's sorted value k is input order[k]
        double inv = 1.0 / (n * n);
        for (int k = 0; k < n; k++) {
            double[] z = new double[n];
            double[][] jac = new double[n][n]; // ∂z_kj/∂x_l
            double[][][] curv = new double[n][n][n]; // ∂²z_kj/∂x_l∂x_m
            for (int j = 0; j < n; j++) {
                if (loss instanceof NeuralSortLoss ns) {
                    double c = n - 1 - 2 * k;
                    double absSum = 0;
                    for (int m = 0; m < n; m++) absSum += Math.abs(x[j] - x[m]);
                    z[j] = (-c * x[j] - absSum) / ns.tau();
                    for (int l = 0; l < n; l++) {
                        double dA = l == j ? 0 : -Math.signum(x[j] - x[l]);
                        if (l == j) for (int m = 0; m < n; m++) dA += Math.signum(x[j] - x[m]);
                        jac[j][l] = (-(l == j ? c : 0) - dA) / ns.tau();
                    }
                } else {
                    SoftSortLoss ss = (SoftSortLoss) loss;
                    int src = order[k];
                    double d = x[src] - x[j];
                    double slope = ss.power() == 1 ? -Math.signum(d) / ss.tau() : -2 * d / ss.tau();
                    z[j] = -Math.pow(Math.abs(d), ss.power()) / ss.tau();
                    jac[j][src] += slope;
                    jac[j][j] -= slope;
                    if (ss.power() == 2 && src != j) {
                        double h2 = -2 / ss.tau(); // ∂²z/∂d² times (e_src − e_j)(e_src − e_j)ᵀ
                        curv[j][src][src] += h2;
                        curv[j][j][j] += h2;
                        curv[j][src][j] -= h2;
                        curv[j][j][src] -= h2;
                    }
                }
            }
            double mx = Double.NEGATIVE_INFINITY;
            for (double v : z) mx = Math.max(mx, v);
            double[] p = new double[n];
            double s = 0;
            for (int j = 0; j < n; j++) s += (p[j] = Math.exp(z[j] - mx));
            for (int j = 0; j < n; j++) p[j] /= s;
            double[] a = new double[n];
            double[] c2 = new double[n];
            for (int j = 0; j < n; j++) {
                boolean q = j == perm[k];
                a[j] = Bce.d1(p[j], q) * inv;
                c2[j] = Bce.d2(p[j], q) * inv;
            }
            double[][] sj = new double[n][n]; // softmax Jacobian ∂p_i/∂z_j
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) sj[i][j] = p[i] * ((i == j ? 1 : 0) - p[j]);
            double[] u = new double[n];
            for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) u[j] += a[i] * sj[i][j];
            double[][] hz = new double[n][n];
            for (int l = 0; l < n; l++) {
                for (int m = 0; m < n; m++) {
                    double v = 0;
                    for (int i = 0; i < n; i++) v += sj[i][l] * c2[i] * sj[i][m];
                    // Σ_i a_i ∂²p_i/∂z_l∂z_m = diag(u) − u pᵀ − p uᵀ
                    v += (l == m ? u[l] : 0) - u[l] * p[m] - p[l] * u[m];
                    hz[l][m] = v;
                }
            }
            for (int l = 0; l < n; l++) for (int j = 0; j < n; j++) grad[l] += jac[j][l] * u[j];
            for (int l = 0; l < n; l++) {
                for (int m = 0; m < n; m++) {
                    double v = 0;
                    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) v += jac[i][l] * hz[i][j] * jac[j][m];
                    for (int j = 0; j < n; j++) v += u[j] * curv[j][l][m];
                    hess[l * n + m] += v;
                }
            }
        }
    }
}
