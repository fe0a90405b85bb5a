package org.newtonloss.cuda;

import java.util.concurrent.locks.ReentrantLock;
import org.newtonloss.backend.BackendUnavailableException;
import org.newtonloss.backend.CpuBackend;
import org.newtonloss.backend.LossBackend;
import org.newtonloss.backend.NewtonOutcome;
import org.newtonloss.backend.NewtonOutcomeF32;
import org.newtonloss.backend.Precision;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.EvaluationF32;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonEngine;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.NewtonResult;
import org.newtonloss.newton.NewtonResultF32;
import org.newtonloss.newton.NewtonStats;
import org.newtonloss.newton.Safeguard;
import org.newtonloss.ranking.Ranks;

/**
 * The CUDA backend for the ranking losses (DSN, NeuralSort, SoftSort) and the path losses (smoothing of the loss,
 * smoothing of the algorithm, Fenchel-Young, relaxed Bellman-Ford with the For loop; {@link CudaPaths}), float and
 * double. Loss, gradient and exact
 * Hessian are computed by the kernels; the per-sample Hessian curvature with the escalate safeguard is solved on
 * the GPU by the damped batched Cholesky kernel (warp per system for m ≤ 32, block per system above), and systems
 * without a factor up to λ·10^{@value Safeguard#MAX_ESCALATIONS} are finished by the CPU engine's spectral fallback.
 * The other curvatures and safeguards take the GPU's gradients and Hessians and solve on the CPU
 * ({@link NewtonEngine}); the Gauss-Newton curvature runs on the CPU backend entirely. Calls are serialised.
 */
public final class CudaBackend implements LossBackend {
    /** The name used by {@code --backend cuda}. */
    public static final String NAME = "cuda";

    private final CudaDevice device;
    private final Kernels kernels;
    private final CudaPaths paths;
    private final NewtonEngine engine = new NewtonEngine();
    private final ReentrantLock lock = new ReentrantLock();

    private CudaBackend(CudaDevice device) {
        this.device = device;
        this.kernels = new Kernels(device);
        this.paths = new CudaPaths(new PathKernels(kernels));
    }

    /**
     * Opens device 0.
     *
     * @throws IllegalStateException when CUDA is not usable here (the message gives the probe's reasons)
     */
    public static CudaBackend open() { return new CudaBackend(CudaDevice.open()); }

    /** The launchers, for benchmarks and the device check. */
    public Kernels kernels() { return kernels; }

    @Override public String name() { return NAME; }

    @Override public boolean supports(AlgorithmicLoss loss, Precision precision) {
        return RankingKernels.supports(loss) || PathKernel.supports(loss) || BellmanFordKernel.of(loss).isPresent();
    }

    // ------------------------------------------------------------------------------------------------ evaluate

    @Override
    public Evaluation evaluate(AlgorithmicLoss loss, double[] y, double[] target, int batch, int m, boolean hessian) {
        var path = PathKernel.of(loss);
        if (path.isPresent()) return paths.evaluate(path.get(), loss, y, target, batch, m, hessian, this::locked);
        var bf = BellmanFordKernel.of(loss);
        if (bf.isPresent()) return paths.evaluate(bf.get(), loss, y, target, batch, m, hessian, this::locked);
        RankingKernel k = kernel(loss, y.length, target.length, batch, m);
        for (int i = 0; i < y.length; i++) finite(y[i], i, m);
        int[] rank = ranks(target, batch, m);
        double[] l = new double[batch], g = new double[batch * m], h = hessian ? new double[Math.multiplyExact(batch, m * m)] : null;
        locked(() -> {
            try (DeviceBuffer x = DeviceBuffer.of(y); DeviceBuffer r = DeviceBuffer.of(rank);
                 DeviceBuffer dl = DeviceBuffer.allocate(8L * batch); DeviceBuffer dg = DeviceBuffer.allocate(8L * batch * m);
                 DeviceBuffer dh = hessian ? DeviceBuffer.allocate(8L * h.length) : null) {
                if (hessian) kernels.hessian(k, true, batch, m, x, r, dl, dg, dh);
                else kernels.eval(k, true, batch, m, x, r, dl, dg);
                dl.read(l);
                dg.read(g);
                if (hessian) dh.read(h);
            }
        });
        return new Evaluation(batch, m, l, g, h);
    }

    @Override
    public EvaluationF32 evaluate(AlgorithmicLoss loss, float[] y, float[] target, int batch, int m, boolean hessian) {
        var path = PathKernel.of(loss);
        if (path.isPresent()) return paths.evaluate(path.get(), loss, y, target, batch, m, hessian, this::locked);
        var bf = BellmanFordKernel.of(loss);
        if (bf.isPresent()) return paths.evaluate(bf.get(), loss, y, target, batch, m, hessian, this::locked);
        RankingKernel k = kernel(loss, y.length, target.length, batch, m);
        for (int i = 0; i < y.length; i++) finite(y[i], i, m);
        int[] rank = ranks(target, batch, m);
        float[] l = new float[batch], g = new float[batch * m], h = hessian ? new float[Math.multiplyExact(batch, m * m)] : null;
        locked(() -> {
            try (DeviceBuffer x = DeviceBuffer.of(y); DeviceBuffer r = DeviceBuffer.of(rank);
                 DeviceBuffer dl = DeviceBuffer.allocate(4L * batch); DeviceBuffer dg = DeviceBuffer.allocate(4L * batch * m);
                 DeviceBuffer dh = hessian ? DeviceBuffer.allocate(4L * h.length) : null) {
                if (hessian) kernels.hessian(k, false, batch, m, x, r, dl, dg, dh);
                else kernels.eval(k, false, batch, m, x, r, dl, dg);
                dl.read(l);
                dg.read(g);
                if (hessian) dh.read(h);
            }
        });
        return new EvaluationF32(batch, m, l, g, h);
    }

    // ------------------------------------------------------------------------------------------------ newton

    @Override
    public NewtonOutcome newton(AlgorithmicLoss loss, NewtonOptions options, double[] y, double[] target, int batch, int m) {
        if (options.curvature() == Curvature.GAUSS_NEWTON) return CpuBackend.instance().newton(loss, options, y, target, batch, m);
        Evaluation ev = evaluate(loss, y, target, batch, m, options.curvature().needsMatrices());
        if (!gpuSolve(options)) return new NewtonOutcome(ev, engine.step(options, y, ev.grad(), ev.hess(), batch, m));
        double[] step = new double[batch * m], z = new double[batch * m], lam = new double[batch];
        int[] status = new int[batch];
        locked(() -> {
            try (DeviceBuffer c = DeviceBuffer.of(ev.hess()); DeviceBuffer g = DeviceBuffer.of(ev.grad());
                 DeviceBuffer yy = DeviceBuffer.of(y); DeviceBuffer ds = DeviceBuffer.allocate(8L * step.length);
                 DeviceBuffer dz = DeviceBuffer.allocate(8L * z.length); DeviceBuffer dl = DeviceBuffer.allocate(8L * batch);
                 DeviceBuffer st = DeviceBuffer.allocate(4L * batch)) {
                kernels.solve(true, batch, m, c, (long) m * m, g, yy, options.lambda(), Safeguard.MAX_ESCALATIONS, ds, dz, dl, st);
                ds.read(step);
                dz.read(z);
                dl.read(lam);
                st.read(status);
            }
        });
        NewtonStats fallback = finishUnsolved(options, y, ev.grad(), ev.hess(), batch, m, step, z, lam, status);
        return new NewtonOutcome(ev, new NewtonResult(batch, m, step, z, lam, status,
                stats(ev.grad(), step, batch, m, status, fallback)));
    }

    @Override
    public NewtonOutcomeF32 newton(AlgorithmicLoss loss, NewtonOptions options, float[] y, float[] target, int batch, int m) {
        if (options.curvature() == Curvature.GAUSS_NEWTON) return CpuBackend.instance().newton(loss, options, y, target, batch, m);
        EvaluationF32 ev = evaluate(loss, y, target, batch, m, options.curvature().needsMatrices());
        if (!gpuSolve(options)) return new NewtonOutcomeF32(ev, engine.step(options, y, ev.grad(), ev.hess(), batch, m));
        float[] step = new float[batch * m], z = new float[batch * m], lamF = new float[batch];
        int[] status = new int[batch];
        locked(() -> {
            try (DeviceBuffer c = DeviceBuffer.of(ev.hess()); DeviceBuffer g = DeviceBuffer.of(ev.grad());
                 DeviceBuffer yy = DeviceBuffer.of(y); DeviceBuffer ds = DeviceBuffer.allocate(4L * step.length);
                 DeviceBuffer dz = DeviceBuffer.allocate(4L * z.length); DeviceBuffer dl = DeviceBuffer.allocate(4L * batch);
                 DeviceBuffer st = DeviceBuffer.allocate(4L * batch)) {
                kernels.solve(false, batch, m, c, (long) m * m, g, yy, options.lambda(), Safeguard.MAX_ESCALATIONS, ds, dz, dl, st);
                ds.read(step);
                dz.read(z);
                dl.read(lamF);
                st.read(status);
            }
        });
        double[] lam = new double[batch];
        for (int i = 0; i < batch; i++) lam[i] = lamF[i];
        NewtonStats fallback = null;
        int unsolved = count(status);
        if (unsolved > 0) {
            int[] idx = unsolvedIndices(status, unsolved);
            NewtonResultF32 r = engine.step(options, gatherF(y, idx, m), gatherF(ev.grad(), idx, m), gatherF(ev.hess(), idx, m * m), unsolved, m);
            for (int j = 0; j < unsolved; j++) {
                int i = idx[j];
                System.arraycopy(r.step(), j * m, step, i * m, m);
                System.arraycopy(r.z(), j * m, z, i * m, m);
                lam[i] = r.lambda()[j];
                status[i] = r.status()[j];
            }
            fallback = r.stats();
        }
        double[] gd = new double[ev.grad().length], sd = new double[step.length];
        for (int i = 0; i < gd.length; i++) {
            gd[i] = ev.grad()[i];
            sd[i] = step[i];
        }
        return new NewtonOutcomeF32(ev, new NewtonResultF32(batch, m, step, z, lam, status, stats(gd, sd, batch, m, status, fallback)));
    }

    /** The GPU solves per-sample Hessian systems with the escalate safeguard; everything else is solved on the CPU. */
    static boolean gpuSolve(NewtonOptions o) {
        return o.curvature() == Curvature.HESSIAN && o.safeguard() == Safeguard.ESCALATE;
    }

    /** Systems the kernel could not factor go to the CPU engine (its spectral fallback); returns its stats or null. */
    private NewtonStats finishUnsolved(NewtonOptions options, double[] y, double[] grad, double[] hess, int batch, int m,
                                       double[] step, double[] z, double[] lam, int[] status) {
        int unsolved = count(status);
        if (unsolved == 0) return null;
        int[] idx = unsolvedIndices(status, unsolved);
        NewtonResult r = engine.step(options, gather(y, idx, m), gather(grad, idx, m), gather(hess, idx, m * m), unsolved, m);
        for (int j = 0; j < unsolved; j++) {
            int i = idx[j];
            System.arraycopy(r.step(), j * m, step, i * m, m);
            System.arraycopy(r.z(), j * m, z, i * m, m);
            lam[i] = r.lambda()[j];
            status[i] = r.status()[j];
        }
        return r.stats();
    }

    /** kernels/nl_linalg.cuh STATUS_NOT_SOLVED. */
    static final int KERNEL_NOT_SOLVED = -100;

    private static int count(int[] status) {
        int c = 0;
        for (int s : status) if (s == KERNEL_NOT_SOLVED) c++;
        return c;
    }

    private static int[] unsolvedIndices(int[] status, int count) {
        int[] idx = new int[count];
        for (int i = 0, j = 0; i < status.length; i++) if (status[i] == KERNEL_NOT_SOLVED) idx[j++] = i;
        return idx;
    }

    private static double[] gather(double[] a, int[] idx, int block) {
        double[] out = new double[idx.length * block];
        for (int j = 0; j < idx.length; j++) System.arraycopy(a, idx[j] * block, out, j * block, block);
        return out;
    }

    private static float[] gatherF(float[] a, int[] idx, int block) {
        float[] out = new float[idx.length * block];
        for (int j = 0; j < idx.length; j++) System.arraycopy(a, idx[j] * block, out, j * block, block);
        return out;
    }

    /** The engine's statistics for the escalate safeguard (per-sample systems), merged with the CPU-finished ones. */
    static NewtonStats stats(double[] grad, double[] step, int batch, int m, int[] status, NewtonStats fallback) {
        int escalated = 0, maxEscalation = 0, fallbacks = 0;
        for (int s : status) {
            if (s > 0) {
                escalated++;
                maxEscalation = Math.max(maxEscalation, s);
            } else if (s == NewtonResult.STATUS_FALLBACK) {
                escalated++;
                fallbacks++;
                maxEscalation = Safeguard.MAX_ESCALATIONS;
            }
        }
        double maxRatio = 0;
        for (int i = 0; i < batch; i++) {
            double gn = 0, sn = 0;
            for (int k = i * m; k < i * m + m; k++) {
                gn += grad[k] * grad[k];
                sn += step[k] * step[k];
            }
            if (gn > 0) maxRatio = Math.max(maxRatio, Math.sqrt(sn / gn));
        }
        return new NewtonStats(batch, escalated, maxEscalation, fallbacks, 0,
                fallback == null ? 0 : fallback.eigenvaluesModified(), fallback == null ? Double.NaN : fallback.minEigenvalue(),
                maxRatio);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private RankingKernel kernel(AlgorithmicLoss loss, int yLength, int targetLength, int batch, int m) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        loss.checkDimension(m);
        if (yLength != batch * m)
            throw new IllegalArgumentException("inputs: expected batch*m = " + batch + "*" + m + " = " + batch * m + " values, got " + yLength);
        if (targetLength != batch * m)
            throw new IllegalArgumentException("targets: expected batch*m = " + batch + "*" + m + " = " + batch * m + " values, got " + targetLength);
        return RankingKernels.of(loss, m).orElseThrow(() ->
                new BackendUnavailableException("the cuda backend has no kernel for loss '" + loss.spec() + "' (ranking families, the stochastic path losses and bellman-ford with loop=for)"));
    }

    private static void finite(double v, int i, int m) {
        if (!Double.isFinite(v))
            throw new IllegalArgumentException("scores[sample " + i / m + "][" + i % m + "] must be finite, got " + v);
    }

    private static int[] ranks(double[] target, int batch, int m) {
        int[] rank = new int[batch * m], r = new int[m];
        for (int s = 0; s < batch; s++) {
            Ranks.stableAscendingRanks(target, s * m, m, r);
            System.arraycopy(r, 0, rank, s * m, m);
        }
        return rank;
    }

    private static int[] ranks(float[] target, int batch, int m) {
        int[] rank = new int[batch * m], r = new int[m];
        for (int s = 0; s < batch; s++) {
            Ranks.stableAscendingRanks(target, s * m, m, r);
            System.arraycopy(r, 0, rank, s * m, m);
        }
        return rank;
    }

    private void locked(Runnable body) {
        lock.lock();
        try {
            device.makeCurrent();
            body.run();
        } finally {
            lock.unlock();
        }
    }

    @Override public void close() {
        kernels.releaseScratch();
        paths.kernels().releaseScratch();
        device.close();
    }
}
