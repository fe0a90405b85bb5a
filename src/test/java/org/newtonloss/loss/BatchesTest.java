package org.newtonloss.loss;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.newtonloss.testing.Tolerances.assertAllClose;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.newtonloss.testing.FiniteDifferences;
import org.newtonloss.testing.Tolerances;

class BatchesTest {
    @Test
    void parallelBatchEqualsSampleBySample() {
        int batch = 300, m = 4;
        Random r = new Random(1);
        double[] y = new double[batch * m], t = new double[batch * m];
        for (int k = 0; k < y.length; k++) { y[k] = r.nextGaussian(); t[k] = 0.25; }
        AlgorithmicLoss loss = new SoftmaxCrossEntropyLoss();
        Evaluation e = Batches.evaluate(loss, y, t, batch, m, true);
        for (int i = 0; i < batch; i += 37) {
            double[] yi = java.util.Arrays.copyOfRange(y, i * m, i * m + m);
            double[] ti = java.util.Arrays.copyOfRange(t, i * m, i * m + m);
            double[] g = new double[m], h = new double[m * m];
            double v = loss.evaluate(0, m, yi, ti, g, h);
            Tolerances.assertClose(v, e.loss()[i], Tolerances.F64, "loss " + i);
            assertAllClose(g, java.util.Arrays.copyOfRange(e.grad(), i * m, i * m + m), Tolerances.F64, "grad " + i);
            assertAllClose(h, java.util.Arrays.copyOfRange(e.hess(), i * m * m, (i + 1) * m * m), Tolerances.F64, "hess " + i);
        }
    }

    @Test
    void closedFormLossesMatchFiniteDifferences() {
        Random r = new Random(2);
        int m = 5;
        double[] y = new double[m], t = new double[m];
        for (int k = 0; k < m; k++) { y[k] = r.nextGaussian(); t[k] = 0.2; }
        for (AlgorithmicLoss loss : new AlgorithmicLoss[] {new MseLoss(), new SoftmaxCrossEntropyLoss()}) {
            double[] g = new double[m], h = new double[m * m];
            loss.evaluate(0, m, y, t, g, h);
            assertAllClose(FiniteDifferences.gradient(loss, y, t, m, 1e-5), g, Tolerances.FINITE_DIFFERENCE, loss.spec() + " grad");
            assertAllClose(FiniteDifferences.hessian(loss, y, t, m, 1e-5), h, Tolerances.FINITE_DIFFERENCE, loss.spec() + " hess");
        }
    }

    @Test
    void shapeErrorsNameTheNumbers() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Batches.evaluate(new MseLoss(), new double[7], new double[8], 2, 4, false));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("7"), e.getMessage());
    }
}
