package org.newtonloss.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.backend.AbstractRankingBackendContract;
import org.newtonloss.backend.CpuBackend;
import org.newtonloss.backend.LossBackend;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.spec.Losses;
import org.newtonloss.testing.Tolerances;

/**
 * The ranking backend contract on the GPU, plus per-sample agreement with the CPU backend. Skipped (not failed)
 * where {@link CudaProbe} says CUDA is not usable; run by failsafe ({@code mvn verify}).
 */
class CudaBackendIT extends AbstractRankingBackendContract {
    private static CudaBackend cuda;

    /** Per test, so that every test is reported as skipped (with the reason) where CUDA is not usable. */
    @BeforeEach
    void requireCuda() {
        assumeTrue(CudaProbe.usable(), () -> "CUDA not usable: " + CudaProbe.result().summary());
        synchronized (CudaBackendIT.class) {
            if (cuda == null) cuda = CudaBackend.open();
        }
    }

    @AfterAll
    static void close() {
        if (cuda != null) cuda.close();
    }

    @Override protected LossBackend backend() { return cuda; }

    @ParameterizedTest
    @MethodSource("cases")
    void agreesWithTheCpuBackend(Case c) {
        AlgorithmicLoss loss = Losses.parse(c.spec());
        int n = c.n(), batch = 64;
        double[][] xt = batch(c, batch, 11);
        Evaluation gpu = cuda.evaluate(loss, xt[0], xt[1], batch, n, true);
        Evaluation cpu = CpuBackend.instance().evaluate(loss, xt[0], xt[1], batch, n, true);
        Tolerances.assertAllClose(cpu.loss(), gpu.loss(), Tolerances.F64, c + " loss");
        Tolerances.assertAllCloseScaled(cpu.grad(), gpu.grad(), 1e-9, c + " gradient");
        Tolerances.assertAllCloseScaled(cpu.hess(), gpu.hess(), 1e-8, c + " Hessian");
    }
}
