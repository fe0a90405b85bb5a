package org.newtonloss.cuda;

import org.newtonloss.cuda.ffm.CuSolver;

/**
 * The damped batched solve through cuSOLVER ({@code potrfBatched} + {@code potrsBatched}) with the engine's
 * escalation: systems whose factor fails are re-prepared with λ·10^k and factored again, up to
 * {@code maxEscalations}; the rest get status {@link CudaBackend#KERNEL_NOT_SOLVED}. Serves any m; the device
 * check times it against the own Cholesky kernels.
 */
public final class CuSolverPath {
    private CuSolverPath() {}

    /**
     * step_s = (sym(C_s) + λ_s I)⁻¹ g_s on the device.
     *
     * @param c       N m×m matrices (not modified)
     * @param g       N right-hand sides (not modified)
     * @param step    receives the N solutions
     * @param lambda  the damping λ
     * @param status  filled on the host: escalations used, or KERNEL_NOT_SOLVED
     * @param lambdas filled on the host: λ used per system
     */
    public static void solve(Kernels kernels, CuSolver solver, boolean dbl, int batch, int m, DeviceBuffer c, DeviceBuffer g,
                             DeviceBuffer step, double lambda, int maxEscalations, int[] status, double[] lambdas) {
        int size = dbl ? 8 : 4;
        long mm = (long) m * m;
        int[] active = new int[batch];
        java.util.Arrays.fill(active, 1);
        java.util.Arrays.fill(status, CudaBackend.KERNEL_NOT_SOLVED);
        try (DeviceBuffer a = DeviceBuffer.allocate(batch * mm * size); DeviceBuffer dLam = DeviceBuffer.allocate((long) batch * size);
             DeviceBuffer dActive = DeviceBuffer.allocate(4L * batch); DeviceBuffer aPtrs = DeviceBuffer.allocate(8L * batch);
             DeviceBuffer bPtrs = DeviceBuffer.allocate(8L * batch); DeviceBuffer info = DeviceBuffer.allocate(4L * batch)) {
            int remaining = batch;
            for (int k = 0; k <= maxEscalations && remaining > 0; k++) {
                double lam = lambda * Math.pow(10, k);
                writeLambdas(dLam, dbl, batch, lam);
                dActive.write(active);
                kernels.prepareSpd(dbl, batch, m, c, mm, g, dLam, dActive, a, step);
                long[] ptrs = new long[remaining];
                int[] which = new int[remaining];
                for (int s = 0, j = 0; s < batch; s++)
                    if (active[s] != 0) {
                        which[j] = s;
                        ptrs[j++] = a.address() + s * mm * size;
                    }
                aPtrs.write(ptrs);
                solver.potrfBatched(dbl, m, aPtrs.address(), m, info.address(), remaining);
                int[] inf = new int[remaining];
                info.read(inf);
                int ok = 0;
                for (int j = 0; j < remaining; j++) if (inf[j] == 0) ok++;
                long[] okA = new long[ok], okB = new long[ok];
                for (int j = 0, q = 0; j < remaining; j++) {
                    int s = which[j];
                    if (inf[j] == 0) {
                        okA[q] = a.address() + s * mm * size;
                        okB[q++] = step.address() + (long) s * m * size;
                        status[s] = k;
                        lambdas[s] = lam;
                        active[s] = 0;
                    }
                }
                if (ok > 0) {
                    aPtrs.write(okA);
                    bPtrs.write(okB);
                    solver.potrsBatched(dbl, m, aPtrs.address(), m, bPtrs.address(), m, info.address(), ok);
                }
                remaining -= ok;
            }
            kernels.device().synchronize();
        }
    }

    private static void writeLambdas(DeviceBuffer d, boolean dbl, int batch, double lam) {
        if (dbl) {
            double[] v = new double[batch];
            java.util.Arrays.fill(v, lam);
            try (DeviceBuffer tmp = DeviceBuffer.of(v)) { copy(tmp, d); }
        } else {
            float[] v = new float[batch];
            java.util.Arrays.fill(v, (float) lam);
            try (DeviceBuffer tmp = DeviceBuffer.of(v)) { copy(tmp, d); }
        }
    }

    private static void copy(DeviceBuffer from, DeviceBuffer to) {
        CudaCalls.check(jcuda.driver.JCudaDriver.cuMemcpyDtoD(to.pointer(), from.pointer(), from.bytes()), "cuMemcpyDtoD");
    }
}
