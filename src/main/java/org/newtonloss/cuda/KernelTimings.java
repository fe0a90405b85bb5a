package org.newtonloss.cuda;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.newtonloss.cuda.ffm.CuSolver;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.newton.Safeguard;
import org.newtonloss.ranking.Ranks;

/**
 * Device-resident kernel timings of one ranking loss with CUDA events: the inputs are on the GPU before the clock
 * starts and the results stay there, so the figures are kernel time only (no PCIe, no JVM). For each n it times
 * <ul>
 *   <li>{@code eval}: loss + gradient;</li>
 *   <li>{@code hessian}: loss + gradient + exact Hessian written to global memory;</li>
 *   <li>{@code fused_newton}: Hessian and damped Cholesky step in one kernel (n ≤ {@link Kernels#WARP_LIMIT});</li>
 *   <li>{@code hessian_per_thread_kernel}, {@code fused_newton_per_lane_kernel}, {@code hessian_rows_kernel},
 *       {@code fused_newton_rows_kernel} (DSN, n ≤ 32): both kernel layouts, of which {@code hessian} and
 *       {@code fused_newton} use the faster at this n;</li>
 *   <li>{@code hessian_own_cholesky}: the Hessian kernel, then the batched Cholesky kernel;</li>
 *   <li>{@code hessian_cusolver}: the Hessian kernel, then cuSOLVER potrfBatched/potrsBatched with the engine's
 *       escalation (includes the host round trip that reads potrf's info).</li>
 * </ul>
 * Each figure is samples per second: the median of {@link #REPEATS} timed launches after one warm-up. The batch is
 * given, or chosen per n so that one Hessian launch takes about {@link #TARGET_MS} ms (between 1,024 and the given
 * maximum), which keeps a whole device check short whatever the kernels' speed.
 */
public final class KernelTimings {
    static final int REPEATS = 5;
    static final double TARGET_MS = 40;
    static final double LAMBDA = 0.1;

    private KernelTimings() {}

    /**
     * Times {@code loss} at {@code n} scores per sample.
     *
     * @param solver   cuSOLVER, or null to skip that path
     * @param maxBatch the largest batch to time (the calibrated batch never exceeds it)
     * @param calibrate whether to choose the batch by calibration (else exactly {@code maxBatch} samples)
     * @return an ordered map: spec, precision, n, batch, and samples/s per path ({@code error} instead when a launch
     *         failed)
     */
    public static Map<String, Object> ranking(CudaBackend cuda, CuSolver solver, AlgorithmicLoss loss, int n, boolean dbl,
                                              int maxBatch, boolean calibrate) {
        if (n < 2) throw new IllegalArgumentException("n must be >= 2, got " + n);
        if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        Kernels k = cuda.kernels();
        RankingKernel kernel = RankingKernels.of(loss, n)
                .orElseThrow(() -> new IllegalArgumentException("loss has no CUDA kernel: " + loss.spec()));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("spec", loss.spec());
        row.put("precision", dbl ? "double" : "float");
        row.put("n", n);
        int batch = calibrate ? calibrate(k, kernel, dbl, n, maxBatch) : maxBatch;
        row.put("batch", batch);
        int size = dbl ? 8 : 4;
        double[][] xt = randomBatch(n, batch, 99);
        int[] rank = new int[batch * n], r = new int[n];
        for (int s = 0; s < batch; s++) {
            Ranks.stableAscendingRanks(xt[1], s * n, n, r);
            System.arraycopy(r, 0, rank, s * n, n);
        }
        try (DeviceBuffer x = dbl ? DeviceBuffer.of(xt[0]) : DeviceBuffer.of(toFloat(xt[0])); DeviceBuffer rk = DeviceBuffer.of(rank);
             DeviceBuffer lossB = DeviceBuffer.allocate((long) batch * size); DeviceBuffer grad = DeviceBuffer.allocate((long) batch * n * size);
             DeviceBuffer hess = DeviceBuffer.allocate((long) batch * n * n * size); DeviceBuffer step = DeviceBuffer.allocate((long) batch * n * size);
             DeviceBuffer z = DeviceBuffer.allocate((long) batch * n * size); DeviceBuffer lam = DeviceBuffer.allocate((long) batch * size);
             DeviceBuffer st = DeviceBuffer.allocate(4L * batch)) {
            int b = batch;
            int maxEsc = Safeguard.MAX_ESCALATIONS;
            Map<String, Double> rates = new LinkedHashMap<>();
            rates.put("eval", rate(b, k.device(), () -> k.eval(kernel, dbl, b, n, x, rk, lossB, grad)));
            rates.put("hessian", rate(b, k.device(), () -> k.hessian(kernel, dbl, b, n, x, rk, lossB, grad, hess)));
            if (n <= Kernels.WARP_LIMIT)
                rates.put("fused_newton", rate(b, k.device(),
                        () -> k.newton(kernel, dbl, b, n, x, rk, LAMBDA, maxEsc, lossB, grad, step, z, lam, st)));
            if (kernel instanceof RankingKernel.Dsn d && n <= Kernels.WARP_LIMIT) {
                // Both DSN kernel layouts, whichever hessian() and newton() choose at this n.
                rates.put("hessian_per_thread_kernel", rate(b, k.device(), () -> k.hessianPerThread(kernel, dbl, b, n, x, rk, lossB, grad, hess)));
                rates.put("fused_newton_per_lane_kernel", rate(b, k.device(),
                        () -> k.newtonPerLane(kernel, dbl, b, n, x, rk, LAMBDA, maxEsc, lossB, grad, step, z, lam, st)));
                rates.put("hessian_rows_kernel", rate(b, k.device(), () -> k.hessianRows(d, dbl, b, n, x, rk, lossB, grad, hess)));
                rates.put("fused_newton_rows_kernel", rate(b, k.device(),
                        () -> k.newtonRows(d, dbl, b, n, x, rk, LAMBDA, maxEsc, lossB, grad, step, z, lam, st)));
            }
            rates.put("hessian_own_cholesky", rate(b, k.device(), () -> {
                k.hessian(kernel, dbl, b, n, x, rk, lossB, grad, hess);
                k.solve(dbl, b, n, hess, (long) n * n, grad, x, LAMBDA, maxEsc, step, z, lam, st);
            }));
            if (solver != null) {
                int[] status = new int[b];
                double[] lambdas = new double[b];
                rates.put("hessian_cusolver", rate(b, k.device(), () -> {
                    k.hessian(kernel, dbl, b, n, x, rk, lossB, grad, hess);
                    CuSolverPath.solve(k, solver, dbl, b, n, hess, grad, step, LAMBDA, maxEsc, status, lambdas);
                }));
            }
            row.put("samples_per_s", rates);
        } catch (RuntimeException e) {
            row.put("error", e.toString());
        }
        return row;
    }

    /**
     * Times {@code loss} at exactly {@code batch} samples, with cuSOLVER when it is available (for
     * {@code bench --backend cuda}).
     */
    public static Map<String, Object> ranking(CudaBackend cuda, AlgorithmicLoss loss, int n, boolean dbl, int batch) {
        CuSolver solver = CuSolver.available() ? CuSolver.open(cuda.kernels().device().streamAddress()) : null;
        try {
            return ranking(cuda, solver, loss, n, dbl, batch, false);
        } finally {
            if (solver != null) solver.close();
        }
    }

    /** A batch for which one Hessian launch takes about TARGET_MS, from a timed launch of 1,024 samples. */
    static int calibrate(Kernels k, RankingKernel kernel, boolean dbl, int n, int maxBatch) {
        int probe = Math.min(1024, maxBatch), size = dbl ? 8 : 4;
        double[][] xt = randomBatch(n, probe, 7);
        int[] rank = new int[probe * n];
        for (int s = 0; s < probe; s++) for (int i = 0; i < n; i++) rank[s * n + i] = i;
        try (DeviceBuffer x = dbl ? DeviceBuffer.of(xt[0]) : DeviceBuffer.of(toFloat(xt[0])); DeviceBuffer rk = DeviceBuffer.of(rank);
             DeviceBuffer lossB = DeviceBuffer.allocate((long) probe * size); DeviceBuffer grad = DeviceBuffer.allocate((long) probe * n * size);
             DeviceBuffer hess = DeviceBuffer.allocate((long) probe * n * n * size)) {
            Runnable launch = () -> k.hessian(kernel, dbl, probe, n, x, rk, lossB, grad, hess);
            k.device().elapsedMillis(launch);
            double ms = Math.max(1e-3, k.device().elapsedMillis(launch));
            long want = (long) (probe * TARGET_MS / ms);
            return (int) Math.max(probe, Math.min(maxBatch, want));
        }
    }

    /** Samples per second: median of REPEATS timed runs of {@code launches} after one warm-up (CUDA events). */
    static double rate(int batch, CudaDevice device, Runnable launches) {
        device.elapsedMillis(launches);
        float[] ms = new float[REPEATS];
        for (int i = 0; i < ms.length; i++) ms[i] = device.elapsedMillis(launches);
        Arrays.sort(ms);
        return batch / (ms[ms.length / 2] / 1000.0);
    }

    /**
     * A batch of scores and targets mixing random (scale 1 and 0.25), tied (every score repeated), wide (×100) and
     * tiny (×1e-6) samples; the scores are rounded to float so float and double kernels see the same inputs.
     */
    static double[][] randomBatch(int n, int batch, long seed) {
        Random rnd = new Random(seed);
        double[] x = new double[batch * n], t = new double[batch * n];
        for (int s = 0; s < batch; s++) {
            int kind = s % 5;
            double scale = switch (kind) { case 2 -> 100; case 3 -> 1e-6; case 4 -> 0.25; default -> 1; };
            for (int i = 0; i < n; i++) {
                x[s * n + i] = (float) (scale * rnd.nextGaussian());
                t[s * n + i] = rnd.nextGaussian();
            }
            if (kind == 1) for (int i = 1; i < n; i += 2) x[s * n + i] = x[s * n + i - 1];  // exact ties
        }
        return new double[][] {x, t};
    }

    static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }
}
