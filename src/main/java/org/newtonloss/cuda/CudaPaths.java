package org.newtonloss.cuda;

import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.newtonloss.backend.CpuBackend;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.EvaluationF32;
import org.newtonloss.paths.GridShape;
import org.newtonloss.paths.PathMaps;

/**
 * The host side of the path losses on the GPU. Stochastic losses: checks a batch as the CPU classes do (finite costs,
 * true maps that are connected start→target paths), draws every sample's noise with the CPU's own
 * {@code Smoothing.noise} (so both backends see the same draws), uploads, runs {@link PathKernels} and reads back. Relaxed Bellman-Ford (For loop): the same checks, then the
 * {@code nl_bf_*} kernels.
 */
final class CudaPaths {
    private final PathKernels kernels;

    CudaPaths(PathKernels kernels) { this.kernels = kernels; }

    PathKernels kernels() { return kernels; }

    /**
     * Double batches. {@code locked} runs the device part under the backend's lock with its context current.
     *
     * @throws IllegalArgumentException for a non-square m, bad lengths, a non-finite cost or an invalid true map
     */
    Evaluation evaluate(PathKernel k, AlgorithmicLoss loss, double[] y, double[] target, int batch, int m, boolean hessian,
                        Consumer<Runnable> locked) {
        GridShape grid = check(loss, y.length, target.length, batch, m);
        for (int i = 0; i < y.length; i++) finite(loss, y[i], i, m);
        for (int b = 0; b < batch; b++) PathMaps.validate(grid, target, b * m);
        double[] eps = noise(k, batch, m);
        double[] l = new double[batch], g = new double[batch * m], h = hessian ? new double[Math.multiplyExact(batch, m * m)] : null;
        locked.accept(() -> {
            try (PathKernels.Workspace ws = kernels.workspace(k, batch, grid.rows(), grid.columns());
                 DeviceBuffer dy = DeviceBuffer.of(y); DeviceBuffer dt = DeviceBuffer.of(target); DeviceBuffer de = DeviceBuffer.of(eps);
                 DeviceBuffer dl = DeviceBuffer.allocate(8L * batch); DeviceBuffer dg = DeviceBuffer.allocate(8L * batch * m);
                 DeviceBuffer dh = hessian ? DeviceBuffer.allocate(8L * h.length) : null) {
                kernels.evaluate(ws, true, dy, dt, de, dl, dg, dh);
                dl.read(l);
                dg.read(g);
                if (hessian) dh.read(h);
            }
        });
        return new Evaluation(batch, m, l, g, h);
    }

    /** Float batches: float in and out, double inside (as the CPU's float path). */
    EvaluationF32 evaluate(PathKernel k, AlgorithmicLoss loss, float[] y, float[] target, int batch, int m, boolean hessian,
                           Consumer<Runnable> locked) {
        GridShape grid = check(loss, y.length, target.length, batch, m);
        for (int i = 0; i < y.length; i++) finite(loss, y[i], i, m);
        double[] sampleMap = new double[m];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < m; i++) sampleMap[i] = target[b * m + i];
            PathMaps.validate(grid, sampleMap, 0);
        }
        double[] eps = noise(k, batch, m);
        float[] l = new float[batch], g = new float[batch * m], h = hessian ? new float[Math.multiplyExact(batch, m * m)] : null;
        locked.accept(() -> {
            try (PathKernels.Workspace ws = kernels.workspace(k, batch, grid.rows(), grid.columns());
                 DeviceBuffer dy = DeviceBuffer.of(y); DeviceBuffer dt = DeviceBuffer.of(target); DeviceBuffer de = DeviceBuffer.of(eps);
                 DeviceBuffer dl = DeviceBuffer.allocate(4L * batch); DeviceBuffer dg = DeviceBuffer.allocate(4L * batch * m);
                 DeviceBuffer dh = hessian ? DeviceBuffer.allocate(4L * h.length) : null) {
                kernels.evaluate(ws, false, dy, dt, de, dl, dg, dh);
                dl.read(l);
                dg.read(g);
                if (hessian) dh.read(h);
            }
        });
        return new EvaluationF32(batch, m, l, g, h);
    }

    /**
     * Relaxed Bellman-Ford (For loop), double. In the INFTY regime ({@link BellmanFordKernel#infinityRegime}) the CPU
     * backend evaluates it.
     */
    Evaluation evaluate(BellmanFordKernel k, AlgorithmicLoss loss, double[] y, double[] target, int batch, int m, boolean hessian,
                        Consumer<Runnable> locked) {
        GridShape grid = check(loss, y.length, target.length, batch, m);
        if (k.infinityRegime(grid.rows(), grid.columns())) return CpuBackend.instance().evaluate(loss, y, target, batch, m, hessian);
        for (int i = 0; i < y.length; i++) finiteBf(y[i], i, m);
        for (int b = 0; b < batch; b++) PathMaps.validate(grid, target, b * m);
        int[] truth = new int[target.length];
        for (int i = 0; i < truth.length; i++) truth[i] = (int) target[i];
        double[] l = new double[batch], g = new double[batch * m], h = hessian ? new double[Math.multiplyExact(batch, m * m)] : null;
        locked.accept(() -> {
            try (DeviceBuffer dy = DeviceBuffer.of(y); DeviceBuffer dt = DeviceBuffer.of(truth);
                 DeviceBuffer dl = DeviceBuffer.allocate(8L * batch); DeviceBuffer dg = DeviceBuffer.allocate(8L * batch * m);
                 DeviceBuffer dh = hessian ? DeviceBuffer.allocate(8L * h.length) : null) {
                kernels.bellmanFord(k, true, batch, grid.rows(), grid.columns(), dy, dt, dl, dg, dh);
                dl.read(l);
                dg.read(g);
                if (hessian) dh.read(h);
            }
        });
        return new Evaluation(batch, m, l, g, h);
    }

    /** Relaxed Bellman-Ford (For loop), float in and out, double inside (as the CPU's float path). */
    EvaluationF32 evaluate(BellmanFordKernel k, AlgorithmicLoss loss, float[] y, float[] target, int batch, int m, boolean hessian,
                           Consumer<Runnable> locked) {
        GridShape grid = check(loss, y.length, target.length, batch, m);
        if (k.infinityRegime(grid.rows(), grid.columns())) return CpuBackend.instance().evaluate(loss, y, target, batch, m, hessian);
        for (int i = 0; i < y.length; i++) finiteBf(y[i], i, m);
        double[] sampleMap = new double[m];
        int[] truth = new int[target.length];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < m; i++) sampleMap[i] = target[b * m + i];
            PathMaps.validate(grid, sampleMap, 0);
            for (int i = 0; i < m; i++) truth[b * m + i] = (int) sampleMap[i];
        }
        float[] l = new float[batch], g = new float[batch * m], h = hessian ? new float[Math.multiplyExact(batch, m * m)] : null;
        locked.accept(() -> {
            try (DeviceBuffer dy = DeviceBuffer.of(y); DeviceBuffer dt = DeviceBuffer.of(truth);
                 DeviceBuffer dl = DeviceBuffer.allocate(4L * batch); DeviceBuffer dg = DeviceBuffer.allocate(4L * batch * m);
                 DeviceBuffer dh = hessian ? DeviceBuffer.allocate(4L * h.length) : null) {
                kernels.bellmanFord(k, false, batch, grid.rows(), grid.columns(), dy, dt, dl, dg, dh);
                dl.read(l);
                dg.read(g);
                if (hessian) dh.read(h);
            }
        });
        return new EvaluationF32(batch, m, l, g, h);
    }

    /** RelaxedBellmanFord's message for a non-finite cost. */
    private static void finiteBf(double v, int i, int m) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException("bellman-ford: cost of cell " + i % m + " must be finite, got " + v);
    }

    /** Every sample's S×m noise, sample b at {@code eps[b·S·m ..]}: the draws the CPU classes make for batch index b. */
    static double[] noise(PathKernel k, int batch, int m) {
        int sm = Math.multiplyExact(k.samples(), m);
        double[] eps = new double[Math.multiplyExact(batch, sm)];
        IntStream.range(0, batch).parallel().forEach(b -> {
            double[] one = new double[sm];
            k.smoothing().noise(b, m, one);
            System.arraycopy(one, 0, eps, b * sm, sm);
        });
        return eps;
    }

    private static GridShape check(AlgorithmicLoss loss, int yLength, int targetLength, int batch, int m) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        loss.checkDimension(m);
        if (yLength != (long) batch * m)
            throw new IllegalArgumentException("inputs: expected batch*m = " + batch + "*" + m + " = " + (long) batch * m + " values, got " + yLength);
        if (targetLength != (long) batch * m)
            throw new IllegalArgumentException("targets: expected batch*m = " + batch + "*" + m + " = " + (long) batch * m + " values, got " + targetLength);
        return GridShape.square(m);
    }

    /** The CPU classes' message for a non-finite cost. */
    private static void finite(AlgorithmicLoss loss, double v, int i, int m) {
        if (!Double.isFinite(v))
            throw new IllegalArgumentException(loss.spec().substring(0, loss.spec().indexOf(':')) + ": cost of cell " + i % m
                    + " of sample " + i / m + " must be finite, got " + v);
    }
}
