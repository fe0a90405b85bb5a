package org.newtonloss.cuda;

import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;

/**
 * One typed launcher per kernel of kernels/newtonloss.cu. Buffers are device arrays in the layouts of
 * {@code AlgorithmicLoss} (sample-major, row-major m×m blocks); {@code dbl} chooses the _f64 or _f32 kernel, and
 * every float buffer must then hold that type. Launch shapes: grid-stride loops over at most {@link #MAX_BLOCKS}
 * blocks; per-thread scratch is allocated here, capped at a scratch budget by launching fewer threads.
 * Launches are asynchronous on the device's stream; reading a result buffer synchronises.
 */
public final class Kernels {
    /** Upper bound on blocks per launch (the grid-stride loops cover any batch). */
    static final int MAX_BLOCKS = 4096;
    /** Threads per block of the per-item kernels. */
    static final int BLOCK = 128;
    /** Threads per block of the fused (warp per sample) and warp-solve kernels: two warps. */
    static final int WARP_BLOCK = 64;
    /** Threads per block of the block-per-system solve. */
    static final int SOLVE_BLOCK = 128;
    /**
     * Largest per-thread scratch allocation per launch: a quarter of the device memory free when the kernels are
     * set up, between 256 MiB and 16 GiB. The DSN Hessian needs (4n + 5·comparators) dual numbers per thread (43 KB
     * at n = 32, 165 KB at n = 64), so this bounds how many threads run at once: with 1 GiB the H200 ran n = 32 on
     * 1.5 blocks per multiprocessor (docs/gpu-results.md).
     */
    private final long scratchBudget;
    /** Largest n of the fused kernel and m of the warp solve (one lane per column). */
    public static final int WARP_LIMIT = 32;

    private final CudaDevice device;

    public Kernels(CudaDevice device) {
        this.device = device;
        this.scratchBudget = Math.clamp(device.freeMemory() / 4, 256L << 20, 16L << 30);
    }

    public CudaDevice device() { return device; }

    // ---------------------------------------------------------------------------------------------- ranking

    /** Loss and gradient per sample ({@code nl_<family>_eval}). */
    public void eval(RankingKernel k, boolean dbl, int batch, int n, DeviceBuffer x, DeviceBuffer rank,
                     DeviceBuffer loss, DeviceBuffer grad) {
        int bytes = k.computeBytes(dbl);
        int threads = threads(batch, BLOCK, k.scratch(n) * bytes);
        try (Family f = family(k, dbl, batch, n); Scratch s = new Scratch(k, n, threads, bytes)) {
            launch(name(k, "eval", dbl), threads / BLOCK, BLOCK, 0,
                    f.args().p(x).p(rank).p(loss).p(grad).p(s.values).p(s.ints));
        }
    }

    /**
     * Loss, gradient and exact Hessian per sample: for DSN with {@link #ROWS_MIN_N} ≤ n ≤ {@link #WARP_LIMIT} the
     * row-parallel kernel
     * ({@code nl_dsn_hessian_rows}: a warp per (sample, column)), else {@code nl_<family>_hessian} (a thread per
     * (sample, column)).
     */
    public void hessian(RankingKernel k, boolean dbl, int batch, int n, DeviceBuffer x, DeviceBuffer rank,
                        DeviceBuffer loss, DeviceBuffer grad, DeviceBuffer hess) {
        if (k instanceof RankingKernel.Dsn d && usesRowKernels(n)) {
            hessianRows(d, dbl, batch, n, x, rank, loss, grad, hess);
            return;
        }
        hessianPerThread(k, dbl, batch, n, x, rank, loss, grad, hess);
    }

    /** The thread-per-(sample, column) Hessian kernel {@code nl_<family>_hessian}, any n. */
    public void hessianPerThread(RankingKernel k, boolean dbl, int batch, int n, DeviceBuffer x, DeviceBuffer rank,
                                 DeviceBuffer loss, DeviceBuffer grad, DeviceBuffer hess) {
        int dual = 2 * k.computeBytes(dbl);
        int threads = threads((long) batch * n, BLOCK, k.scratch(n) * dual);
        try (Family f = family(k, dbl, batch, n); Scratch s = new Scratch(k, n, threads, dual)) {
            launch(name(k, "hessian", dbl), threads / BLOCK, BLOCK, 0,
                    f.args().p(x).p(rank).p(loss).p(grad).p(hess).p(s.values).p(s.ints));
        }
    }

    /**
     * Fused Newton step ({@code nl_<family>_newton}, n ≤ {@link #WARP_LIMIT}): Hessian and damped Cholesky solve
     * in shared memory, one warp per sample. Outputs loss, grad, step, z = x − step, λ used and status.
     */
    public void newton(RankingKernel k, boolean dbl, int batch, int n, DeviceBuffer x, DeviceBuffer rank, double lambda,
                       int maxEscalations, DeviceBuffer loss, DeviceBuffer grad, DeviceBuffer step, DeviceBuffer z,
                       DeviceBuffer lambdaUsed, DeviceBuffer status) {
        if (n > WARP_LIMIT) throw new IllegalArgumentException("fused Newton kernel: n must be <= " + WARP_LIMIT + ", got " + n);
        if (k instanceof RankingKernel.Dsn d && usesRowKernels(n)) {
            newtonRows(d, dbl, batch, n, x, rank, lambda, maxEscalations, loss, grad, step, z, lambdaUsed, status);
            return;
        }
        newtonPerLane(k, dbl, batch, n, x, rank, lambda, maxEscalations, loss, grad, step, z, lambdaUsed, status);
    }

    /** The fused kernel with one warp per sample, lane k computing column k ({@code nl_<family>_newton}). */
    public void newtonPerLane(RankingKernel k, boolean dbl, int batch, int n, DeviceBuffer x, DeviceBuffer rank, double lambda,
                              int maxEscalations, DeviceBuffer loss, DeviceBuffer grad, DeviceBuffer step, DeviceBuffer z,
                              DeviceBuffer lambdaUsed, DeviceBuffer status) {
        if (n > WARP_LIMIT) throw new IllegalArgumentException("fused Newton kernel: n must be <= " + WARP_LIMIT + ", got " + n);
        int dual = 2 * k.computeBytes(dbl);
        int threads = threads((long) batch * 32, WARP_BLOCK, k.scratch(n) * dual);
        long shared = (WARP_BLOCK / 32) * (2L * n * n + 2L * n + 1) * k.computeBytes(dbl);
        try (Family f = family(k, dbl, batch, n); Scratch s = new Scratch(k, n, threads, dual)) {
            launch(name(k, "newton", dbl), threads / WARP_BLOCK, WARP_BLOCK, shared,
                    f.args().p(x).p(rank).t(dbl, lambda).i(maxEscalations).p(loss).p(grad).p(step).p(z)
                            .p(lambdaUsed).p(status).p(s.values).p(s.ints));
        }
    }

    /** Warps per block of the row-parallel DSN kernels (each holds 32·n dual numbers of shared memory). */
    static final int ROWS_WARPS = 4;

    /** Shared memory of the row-parallel DSN kernels' rows per block: 32·n dual numbers (16 bytes) per warp. */
    static long rowsSharedBytes(int n) { return (long) ROWS_WARPS * 32 * n * 16; }

    /** Dual numbers (16 bytes) of scratch per warp of the row-parallel DSN kernels (kernels/nl_dsn_rows.cuh). */
    static long rowsWarpScratchBytes(RankingKernel.Dsn d) { return 35L * Math.max(1, d.count()) * 16; }

    /** Row-parallel exact DSN Hessian ({@code nl_dsn_hessian_rows}, n ≤ {@link #WARP_LIMIT}): a warp per (sample, column). */
    public void hessianRows(RankingKernel.Dsn d, boolean dbl, int batch, int n, DeviceBuffer x, DeviceBuffer rank,
                            DeviceBuffer loss, DeviceBuffer grad, DeviceBuffer hess) {
        if (n > WARP_LIMIT) throw new IllegalArgumentException("row-parallel DSN kernel: n must be <= " + WARP_LIMIT + ", got " + n);
        int block = ROWS_WARPS * 32;
        int threads = threads((long) batch * n * 32, block, rowsWarpScratchBytes(d) / 32);
        DeviceBuffer ws = rowsScratch((long) threads / 32 * rowsWarpScratchBytes(d));
        try (Family f = family(d, dbl, batch, n)) {
            launch("nl_dsn_hessian_rows_" + suffix(dbl), threads / block, block, rowsSharedBytes(n),
                    f.args().p(x).p(rank).p(loss).p(grad).p(hess).p(ws));
        }
    }

    /**
     * Fused row-parallel DSN Newton step ({@code nl_dsn_newton_rows}, n ≤ {@link #WARP_LIMIT}): a block per sample, its
     * warps compute the Hessian's columns into shared memory and warp 0 solves there. Outputs as {@link #newton}.
     */
    public void newtonRows(RankingKernel.Dsn d, boolean dbl, int batch, int n, DeviceBuffer x, DeviceBuffer rank, double lambda,
                           int maxEscalations, DeviceBuffer loss, DeviceBuffer grad, DeviceBuffer step, DeviceBuffer z,
                           DeviceBuffer lambdaUsed, DeviceBuffer status) {
        if (n > WARP_LIMIT) throw new IllegalArgumentException("row-parallel DSN kernel: n must be <= " + WARP_LIMIT + ", got " + n);
        int block = ROWS_WARPS * 32;
        int threads = threads((long) batch * block, block, rowsWarpScratchBytes(d) / 32);
        long shared = rowsSharedBytes(n) + (2L * n * n + 2L * n + 1) * 8;  // H, L, g, step, λ in double
        DeviceBuffer ws = rowsScratch((long) threads / 32 * rowsWarpScratchBytes(d));
        try (Family f = family(d, dbl, batch, n)) {
            launch("nl_dsn_newton_rows_" + suffix(dbl), threads / block, block, shared,
                    f.args().p(x).p(rank).t(dbl, lambda).i(maxEscalations).p(loss).p(grad).p(step).p(z).p(lambdaUsed)
                            .p(status).p(ws));
        }
    }

    /**
     * Smallest n at which DSN uses the row-parallel kernels: below it too few of a warp's 32 lanes hold a row, and the
     * thread-per-column kernels were faster on the H200 (docs/gpu-results.md).
     */
    static final int ROWS_MIN_N = 17;

    /** Whether DSN at ROWS_MIN_N ≤ n ≤ 32 uses the row-parallel kernels (the default). */
    private volatile boolean rowKernels = true;

    boolean usesRowKernels(int n) { return rowKernels && n >= ROWS_MIN_N && n <= WARP_LIMIT; }

    /** Chooses the row-parallel (true, default) or the per-thread DSN kernels, e.g. to compare them. */
    public void useRowKernels(boolean on) { rowKernels = on; }

    /** The cached scratch of {@link Scratch}, grown to at least {@code bytes}; callers must not close it. */
    private synchronized DeviceBuffer rowsScratch(long bytes) {
        if (scratchValues == null || scratchValues.bytes() < bytes) {
            device.synchronize();
            if (scratchValues != null) scratchValues.close();
            scratchValues = DeviceBuffer.allocate(bytes);
        }
        return scratchValues;
    }

    // ---------------------------------------------------------------------------------------------- linear algebra

    /**
     * Damped solves step_s = (sym(C_s) + λ_k I)⁻¹ g_s with escalation λ_k = λ·10^k (k ≤ maxEscalations): warp per
     * system for m ≤ {@link #WARP_LIMIT}, else block per system. {@code cStride} = m·m, or 0 for one shared matrix.
     * {@code y}/{@code z} may be null; else z = y − step.
     */
    public void solve(boolean dbl, int batch, int m, DeviceBuffer c, long cStride, DeviceBuffer g, DeviceBuffer y,
                      double lambda, int maxEscalations, DeviceBuffer step, DeviceBuffer z, DeviceBuffer lambdaUsed,
                      DeviceBuffer status) {
        if (m <= WARP_LIMIT) {
            int threads = threads((long) batch * 32, WARP_BLOCK, 0);
            long shared = (WARP_BLOCK / 32) * ((long) m * m + m + 1) * size(dbl);
            launch("nl_solve_warp_" + suffix(dbl), threads / WARP_BLOCK, WARP_BLOCK, shared,
                    new Args().i(batch).i(m).p(c).l(cStride).p(g).p(y).t(dbl, lambda).i(maxEscalations).p(step).p(z)
                            .p(lambdaUsed).p(status));
        } else {
            int blocks = Math.min(batch, MAX_BLOCKS);
            try (DeviceBuffer work = DeviceBuffer.allocate(blocks * ((long) m * m + m + 1) * size(dbl))) {
                launch("nl_solve_block_" + suffix(dbl), blocks, SOLVE_BLOCK, 0,
                        new Args().i(batch).i(m).p(c).l(cStride).p(g).p(y).t(dbl, lambda).i(maxEscalations).p(step)
                                .p(z).p(lambdaUsed).p(status).p(work));
                device.synchronize();  // the work buffer is freed on return
            }
        }
    }

    /** A_s = sym(C_s) + λ_s I and B_s = g_s for the systems with active[s] ≠ 0 ({@code active} null = all). */
    public void prepareSpd(boolean dbl, int batch, int m, DeviceBuffer c, long cStride, DeviceBuffer g,
                           DeviceBuffer lambdas, DeviceBuffer active, DeviceBuffer a, DeviceBuffer b) {
        int threads = threads((long) batch * m * m, BLOCK, 0);
        launch("nl_prepare_spd_" + suffix(dbl), threads / BLOCK, BLOCK, 0,
                new Args().i(batch).i(m).p(c).l(cStride).p(g).p(lambdas).p(active).p(a).p(b));
    }

    /** Empirical Fisher F = (1/N) Σ g gᵀ of the batch's gradients (N×m) into F (m×m). */
    public void fisher(boolean dbl, int batch, int m, DeviceBuffer g, DeviceBuffer f) {
        int threads = threads((long) m * m, BLOCK, 0);
        launch("nl_fisher_" + suffix(dbl), threads / BLOCK, BLOCK, 0, new Args().i(batch).i(m).p(g).p(f));
    }

    // ---------------------------------------------------------------------------------------------- plumbing

    static int size(boolean dbl) { return dbl ? 8 : 4; }

    static String suffix(boolean dbl) { return dbl ? "f64" : "f32"; }

    static String name(RankingKernel k, String kind, boolean dbl) { return "nl_" + k.prefix() + "_" + kind + "_" + suffix(dbl); }

    /** Threads for {@code items} work items on this device (scratch within its budget). */
    int threads(long items, int block, long scratchBytesPerThread) {
        return threads(items, block, scratchBytesPerThread, scratchBudget);
    }

    /** Threads for {@code items} work items: whole blocks, at most MAX_BLOCKS, scratch within {@code budget} bytes. */
    static int threads(long items, int block, long scratchBytesPerThread, long budget) {
        long blocks = Math.max(1, Math.min(MAX_BLOCKS, (items + block - 1) / block));
        if (scratchBytesPerThread > 0) blocks = Math.max(1, Math.min(blocks, budget / (scratchBytesPerThread * block)));
        return (int) (blocks * block);
    }

    void launch(String kernel, int grid, int block, long sharedBytes, Args args) {
        device.makeCurrent();
        CUfunction f = device.function(kernel);
        if (sharedBytes > 48 * 1024)
            CudaCalls.check(cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                    (int) sharedBytes), "cuFuncSetAttribute(" + kernel + ")");
        CudaCalls.check(cuLaunchKernel(f, grid, 1, 1, block, 1, 1, (int) sharedBytes, device.stream(), args.build(), null),
                "cuLaunchKernel(" + kernel + ")");
    }

    /** The family's leading kernel arguments, and the device copy of a network's comparators. */
    private final class Family implements AutoCloseable {
        private final Args prefix;
        private final DeviceBuffer comparators;

        Family(Args prefix, DeviceBuffer comparators) {
            this.prefix = prefix;
            this.comparators = comparators;
        }

        Args args() { return prefix.copy(); }

        /** The comparator copy is freed once the stream has used it. */
        @Override public void close() {
            if (comparators != null) {
                device.synchronize();
                comparators.close();
            }
        }
    }

    private Family family(RankingKernel k, boolean dbl, int batch, int n) {
        return switch (k) {
            case RankingKernel.Dsn d -> {
                DeviceBuffer comps = DeviceBuffer.of(d.comparators().length == 0 ? new int[1] : d.comparators());
                yield new Family(new Args().i(batch).i(n).p(comps).i(d.count()).i(d.sigmoid()).t(dbl, d.steepness())
                        .t(dbl, d.artLambda()), comps);
            }
            case RankingKernel.NeuralSort ns -> new Family(new Args().i(batch).i(n).t(dbl, ns.tau()), null);
            case RankingKernel.SoftSort ss -> new Family(new Args().i(batch).i(n).t(dbl, ss.tau()).i(ss.power()), null);
        };
    }

    /**
     * Per-thread scratch, kept between launches and grown when a launch needs more (so timed launches do not
     * allocate). Launches on one stream run in order, so reuse is safe; growing waits for the stream first.
     */
    private DeviceBuffer scratchValues, scratchInts;

    private final class Scratch implements AutoCloseable {
        final DeviceBuffer values, ints;

        Scratch(RankingKernel k, int n, int threads, int elementBytes) {
            long vb = Math.max(1, k.scratch(n)) * threads * elementBytes, ib = Math.max(1, k.intScratch(n)) * threads * 4L;
            synchronized (Kernels.this) {
                if (scratchValues == null || scratchValues.bytes() < vb) {
                    device.synchronize();
                    if (scratchValues != null) scratchValues.close();
                    scratchValues = DeviceBuffer.allocate(vb);
                }
                if (scratchInts == null || scratchInts.bytes() < ib) {
                    device.synchronize();
                    if (scratchInts != null) scratchInts.close();
                    scratchInts = DeviceBuffer.allocate(ib);
                }
                values = scratchValues;
                ints = scratchInts;
            }
        }

        @Override public void close() {}
    }

    /** Frees the cached scratch. */
    public synchronized void releaseScratch() {
        device.synchronize();
        if (scratchValues != null) scratchValues.close();
        if (scratchInts != null) scratchInts.close();
        scratchValues = scratchInts = null;
    }

    /** Kernel arguments in order; each argument is a pointer to its value, as cuLaunchKernel expects. */
    static final class Args {
        private final List<Pointer> list = new ArrayList<>();

        Args i(int v) { list.add(Pointer.to(new int[] {v})); return this; }

        Args l(long v) { list.add(Pointer.to(new long[] {v})); return this; }

        Args t(boolean dbl, double v) {
            list.add(dbl ? Pointer.to(new double[] {v}) : Pointer.to(new float[] {(float) v}));
            return this;
        }

        /** A device buffer, or a null pointer when {@code b} is null. */
        Args p(DeviceBuffer b) {
            list.add(b == null ? Pointer.to(new long[] {0L}) : Pointer.to(b.pointer()));
            return this;
        }

        Args copy() {
            Args a = new Args();
            a.list.addAll(list);
            return a;
        }

        Pointer build() { return Pointer.to(list.toArray(new Pointer[0])); }
    }
}
