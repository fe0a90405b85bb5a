package org.newtonloss.cuda;

/**
 * Launchers of the stochastic path-loss kernels ({@code nl_paths_*} in kernels/newtonloss.cu, math in
 * kernels/nl_paths.cuh). A batch is evaluated by up to five launches on the device's stream, all with one argument
 * list ({@code NL_PATH_PARAMS}):
 * <ol>
 *   <li>{@code nl_paths_solve}: a warp per (sample, draw d ∈ [0, S]), Dijkstra on max(y + σε_d, 0), d = S the
 *       unperturbed costs (the lanes split the O(m) scan and the relaxations); O(m) scratch per warp;</li>
 *   <li>{@code nl_paths_prepare}: a thread per sample, the loss and per-draw coefficients;</li>
 *   <li>{@code nl_paths_gram} (smoothing of the algorithm with the L2 loss only): a thread per (sample, draw);</li>
 *   <li>{@code nl_paths_grad}: a thread per (sample, cell);</li>
 *   <li>{@code nl_paths_hessian} (when a Hessian buffer is given): a thread per (sample, i, j).</li>
 * </ol>
 * Inputs y and truth and the outputs loss, grad, hess are float or double ({@code dbl}); the noise (S·m doubles per
 * sample, drawn by the host) and all arithmetic are double.
 */
public final class PathKernels {
    /** Per-launch scratch cap of the path kernels (the shortest-path workspaces are small: 1 GiB is ample). */
    static final long SCRATCH_BUDGET = 1L << 30;

    private final Kernels kernels;

    public PathKernels(Kernels kernels) { this.kernels = kernels; }

    public Kernels kernels() { return kernels; }

    /** Bytes of Dijkstra scratch per solve warp: distances (double), predecessors and settled flags (int). */
    static long solveScratchBytes(int m) { return 16L * m; }

    /** Lanes of the solve kernel's teams. */
    static final int WARP = 32;

    /**
     * Device memory for one batch shape: the S + 1 maps and costs per sample, coefficients, Gram rows and the
     * Dijkstra scratch. Reusable across launches of the same shape (timed launches allocate nothing).
     */
    public final class Workspace implements AutoCloseable {
        final PathKernel kernel;
        final int batch, rows, columns, m;
        final int solveThreads, gramThreads;
        final DeviceBuffer maps, optimal, coef, gram, f, dist, pred, done;

        private Workspace(PathKernel kernel, int batch, int rows, int columns) {
            if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
            if (rows < 1 || columns < 1) throw new IllegalArgumentException("grid must be at least 1x1, got " + rows + "x" + columns);
            this.kernel = kernel;
            this.batch = batch;
            this.rows = rows;
            this.columns = columns;
            this.m = rows * columns;
            int s = kernel.samples();
            solveThreads = Kernels.threads((long) batch * (s + 1) * WARP, Kernels.BLOCK, solveScratchBytes(m) / WARP + 1, SCRATCH_BUDGET);
            long warps = solveThreads / WARP;
            gramThreads = kernel.needsGram() ? Kernels.threads((long) batch * s, Kernels.BLOCK, 8L * s, SCRATCH_BUDGET) : 0;
            DeviceBuffer[] b = new DeviceBuffer[8];
            try {
                b[0] = DeviceBuffer.allocate(8L * batch * (s + 1) * m);
                b[1] = DeviceBuffer.allocate(8L * batch * (s + 1));
                b[2] = DeviceBuffer.allocate(8L * batch * kernel.coefficients(m));
                b[3] = kernel.needsGram() ? DeviceBuffer.allocate(8L * gramThreads * s) : null;
                b[4] = kernel.needsGram() ? DeviceBuffer.allocate(8L * batch * s * m) : null;
                b[5] = DeviceBuffer.allocate(8L * warps * m);
                b[6] = DeviceBuffer.allocate(4L * warps * m);
                b[7] = DeviceBuffer.allocate(4L * warps * m);
            } catch (RuntimeException e) {
                for (DeviceBuffer d : b) if (d != null) d.close();
                throw e;
            }
            maps = b[0];
            optimal = b[1];
            coef = b[2];
            gram = b[3];
            f = b[4];
            dist = b[5];
            pred = b[6];
            done = b[7];
        }

        public int batch() { return batch; }

        public int cells() { return m; }

        /** Waits for the stream, then frees the buffers. */
        @Override public void close() {
            kernels.device().synchronize();
            for (DeviceBuffer d : new DeviceBuffer[] {maps, optimal, coef, gram, f, dist, pred, done}) if (d != null) d.close();
        }
    }

    private DeviceBuffer bfScratch, bfInts;

    /**
     * Relaxed Bellman-Ford, For loop ({@code nl_bf_eval} / {@code nl_bf_hessian}): loss and gradient with a thread per
     * sample, or, when {@code hess} is not null, also the exact Hessian with a thread per (sample, direction)
     * writing one column. {@code truth} is the batch's 0/1 maps as ints. Scratch is cached between launches.
     */
    public void bellmanFord(BellmanFordKernel k, boolean dbl, int batch, int rows, int columns, DeviceBuffer y,
                            DeviceBuffer truth, DeviceBuffer loss, DeviceBuffer grad, DeviceBuffer hess) {
        int m = rows * columns, block = Kernels.BLOCK;
        long valueBytes = hess == null ? 8 : 16, perThread = k.scratch(rows, columns) * valueBytes;
        long items = hess == null ? batch : (long) batch * m;
        // dual scratch is ~254 KB per thread at 12×12, N = 25: the device's scratch budget (a quarter of free memory)
        int threads = kernels.threads(items, block, perThread);
        DeviceBuffer ws, iws;
        synchronized (this) {
            if (bfScratch == null || bfScratch.bytes() < perThread * threads) {
                kernels.device().synchronize();
                if (bfScratch != null) bfScratch.close();
                bfScratch = DeviceBuffer.allocate(perThread * threads);
            }
            if (bfInts == null) bfInts = DeviceBuffer.allocate(4);  // the bodies' int scratch, unused by this family
            ws = bfScratch;
            iws = bfInts;
        }
        // kernels/newtonloss.cu NL_BF_KERNELS: 9 scalars (beta and p double for both precisions), then pointers
        Kernels.Args args = new Kernels.Args().i(batch).i(rows).i(columns).i(k.iterations()).t(true, k.beta()).i(k.tconorm())
                .t(true, k.p()).i(k.absorb() ? 1 : 0).i(k.l2() ? 1 : 0).p(y).p(truth).p(loss).p(grad);
        if (hess != null) args.p(hess);
        args.p(ws).p(iws);
        kernels.launch("nl_bf_" + (hess == null ? "eval_" : "hessian_") + Kernels.suffix(dbl), threads / block, block, 0, args);
    }

    /** Frees the cached Bellman-Ford scratch. */
    public synchronized void releaseScratch() {
        kernels.device().synchronize();
        if (bfScratch != null) bfScratch.close();
        if (bfInts != null) bfInts.close();
        bfScratch = bfInts = null;
    }

    /** A workspace for {@code batch} samples of {@code kernel} on a rows×columns grid. */
    public Workspace workspace(PathKernel kernel, int batch, int rows, int columns) {
        return new Workspace(kernel, batch, rows, columns);
    }

    /**
     * Loss, gradient and (when {@code hess} is not null) Hessian estimate of every sample; asynchronous.
     *
     * @param y     batch × m costs (float or double as {@code dbl})
     * @param truth batch × m true 0/1 maps, same type
     * @param eps   batch × S × m doubles: sample b's draws as {@code Smoothing.noise(b, m, ..)} gives them
     * @param loss  receives batch values; {@code grad} batch × m; {@code hess} batch × m × m (or null)
     */
    public void evaluate(Workspace ws, boolean dbl, DeviceBuffer y, DeviceBuffer truth, DeviceBuffer eps, DeviceBuffer loss,
                         DeviceBuffer grad, DeviceBuffer hess) {
        PathKernel k = ws.kernel;
        int s = k.samples(), m = ws.m, block = Kernels.BLOCK;
        // NL_PATH_PARAMS, in order: 8 scalars (sigma a double for both precisions), then 14 pointers
        Kernels.Args args = new Kernels.Args().i(ws.batch).i(ws.rows).i(ws.columns).i(s).t(true, k.smoothing().sigma())
                .i(k.family()).i(k.smoothing().baseline() ? 1 : 0).i(k.l2() ? 1 : 0)
                .p(y).p(truth).p(eps).p(ws.maps).p(ws.optimal).p(ws.coef).p(ws.gram).p(ws.f)
                .p(loss).p(grad).p(hess).p(ws.dist).p(ws.pred).p(ws.done);
        String sfx = Kernels.suffix(dbl);
        kernels.launch("nl_paths_solve_" + sfx, ws.solveThreads / block, block, 0, args);
        kernels.launch("nl_paths_prepare_" + sfx, Kernels.threads(ws.batch, block, 0, SCRATCH_BUDGET) / block, block, 0, args);
        if (k.needsGram()) kernels.launch("nl_paths_gram", ws.gramThreads / block, block, 0, args);
        kernels.launch("nl_paths_grad_" + sfx, Kernels.threads((long) ws.batch * m, block, 0, SCRATCH_BUDGET) / block, block, 0, args);
        if (hess != null)
            kernels.launch("nl_paths_hessian_" + sfx, Kernels.threads((long) ws.batch * m * m, block, 0, SCRATCH_BUDGET) / block, block, 0, args);
    }
}
