package org.newtonloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.newtonloss.linalg.DenseReference;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.spec.Losses;
import org.newtonloss.testing.Tolerances;

/**
 * With a curvature, the per-row gradient the adapter hands to DL4J is n·(C_s + λI)⁻¹ g_s (so that DL4J's division
 * by the N·n rows gives the Newton loss's (1/N)(C + λI)⁻¹ g), C_s the Hessian, the batch-mean Hessian, the Fisher or
 * the Gauss-Newton matrix. Checked against an independent dense solve; λ is large enough that every C + λI is
 * positive definite, so no safeguard changes the step.
 */
class NewtonGradientTest {
    record Case(String spec, String curvature, double lambda, int n, int sets) {
        @Override public String toString() { return spec + " " + curvature + " λ=" + lambda + " n=" + n; }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("neuralsort:tau=1", "hessian", 5, 5, 4),
                new Case("softsort:tau=1", "hessian-mean", 5, 4, 6),
                new Case("dsn:sigmoid=cauchy,steepness=10", "hessian", 10, 5, 3),
                new Case("dsn:sigmoid=logistic,steepness=10", "fisher", 0.1, 5, 4),
                new Case("neuralsort:tau=1", "fisher", 0.01, 3, 2),
                new Case("mse", "hessian", 0.5, 3, 2),
                new Case("dsn:sigmoid=cauchy,steepness=10", "gauss-newton", 1, 5, 3),
                new Case("neuralsort:tau=1", "gauss-newton", 0.1, 4, 3));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void rowGradientIsTheScaledNewtonDirection(Case c) {
        int rows = c.sets() * c.n();
        SplittableRandom r = new SplittableRandom(11);
        double[] y = new double[rows], t = new double[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextGaussian();
            t[i] = r.nextInt(10_000);
        }
        NewtonRankingLoss loss = new NewtonRankingLoss(c.spec(), c.curvature(), c.lambda(), c.n());
        INDArray g = loss.computeGradient(Nd4j.createFromArray(t).reshape(rows, 1), Nd4j.createFromArray(y).reshape(rows, 1),
                Activation.IDENTITY.getActivationFunction(), null);
        double[] actual = g.reshape(rows).toDoubleVector();

        Evaluation e = Batches.evaluate(Losses.parse(c.spec()), y, t, c.sets(), c.n(), true);
        Evaluation gn = c.curvature().equals("gauss-newton")
                ? Batches.evaluateGaussNewton(Losses.parse(c.spec()), y, t, c.sets(), c.n()) : null;
        int n = c.n();
        double[] meanH = new double[n * n], fisher = new double[n * n];
        for (int s = 0; s < c.sets(); s++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    meanH[i * n + j] += e.hess()[s * n * n + i * n + j] / c.sets();
                    fisher[i * n + j] += e.grad()[s * n + i] * e.grad()[s * n + j] / c.sets();
                }
        for (int s = 0; s < c.sets(); s++) {
            double[] a = new double[n * n];
            for (int k = 0; k < n * n; k++)
                a[k] = switch (c.curvature()) {
                    case "hessian" -> 0.5 * (e.hess()[s * n * n + k] + e.hess()[s * n * n + (k % n) * n + k / n]);
                    case "hessian-mean" -> 0.5 * (meanH[k] + meanH[(k % n) * n + k / n]);
                    case "gauss-newton" -> 0.5 * (gn.hess()[s * n * n + k] + gn.hess()[s * n * n + (k % n) * n + k / n]);
                    default -> fisher[k];
                };
            for (int i = 0; i < n; i++) a[i * n + i] += c.lambda();
            double[] b = new double[n];
            System.arraycopy(e.grad(), s * n, b, 0, n);
            double[] x = DenseReference.solve(a, 0, n, b, 0);  // independent of the engine's Cholesky
            for (int i = 0; i < n; i++)
                Tolerances.assertClose(n * x[i], actual[s * n + i], new Tolerances.Tol(1e-8, 1e-12), c + " set " + s + " row " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void scoreIsTheRelaxationsMeanSetLossWhateverTheCurvature(Case c) {
        int rows = c.sets() * c.n();
        double[] y = new double[rows], t = new double[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = Math.sin(i);
            t[i] = (i * 37) % 11;
        }
        double expected = 0;
        for (double v : Batches.evaluate(Losses.parse(c.spec()), y, t, c.sets(), c.n(), false).loss()) expected += v / c.sets();
        double score = new NewtonRankingLoss(c.spec(), c.curvature(), c.lambda(), c.n()).computeScore(
                Nd4j.createFromArray(t).reshape(rows, 1), Nd4j.createFromArray(y).reshape(rows, 1),
                Activation.IDENTITY.getActivationFunction(), null, true);
        assertEquals(expected, score, 1e-12 * Math.max(1, Math.abs(expected)));
    }
}
