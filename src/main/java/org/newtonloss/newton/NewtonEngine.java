package org.newtonloss.newton;

import org.newtonloss.linalg.BatchedCholesky;
import org.newtonloss.loss.Batches;
import org.newtonloss.linalg.Shapes;
import org.newtonloss.linalg.SystemLoop;

/**
 * The Newton-loss step of METHOD.md §1 for a batch: {@code step_i = (C_i + λ_i I)⁻¹ g_i}, {@code z*_i = ȳ_i −
 * step_i}, with the curvature and safeguard of {@link NewtonOptions}. Stateless and thread-safe.
 *
 * <p>Inputs are flat row-major: {@code y} and {@code grad} hold N·m values (sample i at {@code i*m}), {@code
 * curvature} holds N per-sample m×m matrices (sample i at {@code i*m*m}) for {@link Curvature#HESSIAN}, {@link
 * Curvature#HESSIAN_MEAN} (averaged here) and {@link Curvature#GAUSS_NEWTON}, and may be null for {@link
 * Curvature#FISHER} (built from the gradients). {@code grad} is the per-sample gradient ∇ℓ_i without the 1/N of
 * a batch mean. Per-sample systems are solved in parallel; a shared system is factored once.
 *
 * <p>The float entry point converts to double, runs the double algorithm and rounds step and z* to float: the
 * m×m solves are cheap next to computing exact Hessians, and one code path keeps the two precisions in exact
 * agreement up to the final rounding.
 */
public final class NewtonEngine {
    private static final ThreadLocal<DampedSystem> SCRATCH = ThreadLocal.withInitial(DampedSystem::new);

    /** Creates an engine (stateless; one instance may serve every thread). */
    public NewtonEngine() {}

    /**
     * The Newton step for a batch, in double.
     *
     * @param options   curvature, safeguard and λ
     * @param y         not modified: current outputs ȳ, N·m
     * @param grad      not modified: per-sample gradients g_i, N·m, finite
     * @param curvature not modified: N per-sample m×m matrices, finite; null allowed only for FISHER
     * @param batch     N ≥ 1
     * @param m         values per sample ≥ 1
     * @return step, z*, damping and status per sample, and statistics
     * @throws IllegalArgumentException for a shape mismatch, a missing curvature or a non-finite input (the
     *                                  message names the array, the index and the value)
     */
    public NewtonResult step(NewtonOptions options, double[] y, double[] grad, double[] curvature, int batch,
                             int m) {
        check(options, y, grad, curvature, batch, m);
        double[] step = new double[batch * m];
        double[] lambda = new double[batch];
        int[] status = new int[batch];
        int[] modified = new int[batch];
        double[] minEig = new double[batch];
        int systems;
        switch (options.curvature()) {
            case HESSIAN, GAUSS_NEWTON -> {
                systems = batch;
                long flops = options.safeguard() == Safeguard.ESCALATE ? 2 * SystemLoop.choleskyFlops(m)
                        : 6 * SystemLoop.choleskyFlops(m) + 64L * m * m; // tridiagonalisation ≈ 4 Cholesky
                SystemLoop.forEach(batch, m, flops, i -> {
                    DampedSystem sys = SCRATCH.get();
                    sys.prepare(options.safeguard(), options.lambda(), curvature, i * m * m, m);
                    sys.apply(grad, i * m, step, i * m);
                    lambda[i] = sys.lambdaUsed;
                    status[i] = sys.status;
                    modified[i] = sys.modified;
                    minEig[i] = sys.minEigenvalue;
                });
            }
            case HESSIAN_MEAN -> {
                systems = 1;
                DampedSystem sys = new DampedSystem();
                double[] mean = sys.matrix(m);
                meanSymmetric(curvature, batch, m, mean);
                sharedSolve(sys, options, grad, batch, m, step, lambda, status, modified, minEig);
            }
            case FISHER -> {
                systems = 1;
                solveFisher(options, grad, batch, m, FisherMethod.AUTO, step, lambda, status, modified, minEig);
            }
            default -> throw new AssertionError(options.curvature());
        }
        double[] z = new double[batch * m];
        for (int k = 0; k < z.length; k++) z[k] = y[k] - step[k];
        NewtonStats stats = stats(systems, options.curvature().shared(), grad, step, batch, m, status, modified,
                minEig);
        return new NewtonResult(batch, m, step, z, lambda, status, stats);
    }

    /**
     * The Newton step for a batch in float (computed in double, step and z* rounded to float); the arguments are
     * as for {@link #step(NewtonOptions, double[], double[], double[], int, int)}.
     */
    public NewtonResultF32 step(NewtonOptions options, float[] y, float[] grad, float[] curvature, int batch,
                                int m) {
        NewtonResult r = step(options, toDouble(y), toDouble(grad), curvature == null ? null : toDouble(curvature),
                batch, m);
        return new NewtonResultF32(batch, m, toFloat(r.step()), toFloat(r.z()), r.lambda(), r.status(), r.stats());
    }

    /**
     * Fills sample i's outputs of a batch evaluation (gradient and curvature matrix, and whatever else the caller
     * keeps) for {@link #stepPerSample}; called once per sample, from several threads for different samples.
     */
    @FunctionalInterface
    public interface SampleFill {
        /** Evaluates sample {@code sample}. */
        void fill(int sample);
    }

    /**
     * Evaluation and Newton step fused per sample, for the per-sample curvatures ({@link Curvature#HESSIAN},
     * {@link Curvature#GAUSS_NEWTON}): the batch is cut into contiguous chunks ({@link Batches#forEachChunk}) and,
     * for every sample of a chunk, the thread
     * calls {@code fill} (which writes the sample's gradient and curvature into {@code grad} and {@code curvature})
     * and then solves that sample's system while its matrix is still in the core's cache. One hand-off to the pool per
     * batch instead of two, no batch-wide double copies of the float arrays. The result is bit for bit that of
     * {@code fill} for every sample followed by {@link #step(NewtonOptions, float[], float[], float[], int, int)},
     * including the exception for a non-finite input (then every sample has been filled and nothing solved is
     * returned).
     *
     * @param y         not modified: current outputs ȳ, N·m
     * @param grad      modified: receives the per-sample gradients from {@code fill}
     * @param curvature modified: receives the per-sample m×m matrices from {@code fill}
     * @throws IllegalArgumentException for a curvature that is not per sample, a shape mismatch or a non-finite
     *                                  input, as {@link #step(NewtonOptions, float[], float[], float[], int, int)}
     */
    public NewtonResultF32 stepPerSample(NewtonOptions options, float[] y, float[] grad, float[] curvature,
                                         int batch, int m, SampleFill fill) {
        java.util.Objects.requireNonNull(options, "options");
        if (options.curvature().shared() || !options.curvature().needsMatrices())
            throw new IllegalArgumentException("stepPerSample needs a per-sample curvature, got " + options.curvature());
        Shapes.checkBatch(batch, m);
        Shapes.checkLength("y", y.length, batch, m);
        Shapes.checkLength("grad", grad.length, batch, m);
        Shapes.checkLength("curvature", curvature.length, batch, m * m);
        float[] stepF = new float[batch * m];
        float[] zF = new float[batch * m];
        double[] lambda = new double[batch];
        int[] status = new int[batch];
        int[] modified = new int[batch];
        double[] minEig = new double[batch];
        double[] ratio = new double[batch];
        java.util.concurrent.atomic.AtomicBoolean nonFinite = new java.util.concurrent.atomic.AtomicBoolean();
        Batches.forEachChunk(batch, m, (from, to) -> {
            SampleScratch w = SAMPLE_SCRATCH.get().fit(m);
            DampedSystem sys = w.system;
            double[] c = w.matrix, g = w.grad, st = w.step;
            for (int i = from; i < to; i++) {
                fill.fill(i);
                if (nonFinite.get()) continue; // the sequential check below reports it; just finish filling
                int o = i * m, co = i * m * m;
                boolean finite = true;
                for (int k = 0; k < m; k++) {
                    double gk = grad[o + k];
                    g[k] = gk;
                    finite &= Double.isFinite(gk) & Float.isFinite(y[o + k]);
                }
                for (int k = 0; k < m * m; k++) {
                    double ck = curvature[co + k];
                    c[k] = ck;
                    finite &= Double.isFinite(ck);
                }
                if (!finite) {
                    nonFinite.set(true);
                    continue;
                }
                sys.prepare(options.safeguard(), options.lambda(), c, 0, m);
                sys.apply(g, 0, st, 0);
                for (int k = 0; k < m; k++) {
                    stepF[o + k] = (float) st[k];
                    zF[o + k] = (float) (y[o + k] - st[k]);
                }
                lambda[i] = sys.lambdaUsed;
                status[i] = sys.status;
                modified[i] = sys.modified;
                minEig[i] = sys.minEigenvalue;
                double gn = norm(g, 0, m);
                ratio[i] = gn > 0 ? norm(st, 0, m) / gn : 0;
            }
        });
        if (nonFinite.get()) {
            step(options, y, grad, curvature, batch, m); // throws the message step() gives for these inputs
            throw new AssertionError("a non-finite input was seen but step() accepted the batch");
        }
        double maxRatio = 0;
        for (int i = 0; i < batch; i++) maxRatio = Math.max(maxRatio, ratio[i]);
        NewtonStats stats = stats(batch, false, status, modified, minEig, maxRatio);
        return new NewtonResultF32(batch, m, stepF, zF, lambda, status, stats);
    }

    /** Per-thread double buffers of {@link #stepPerSample}. */
    private static final class SampleScratch {
        final DampedSystem system = new DampedSystem();
        double[] matrix = new double[0], grad = new double[0], step = new double[0];

        SampleScratch fit(int m) {
            if (grad.length != m) {
                matrix = new double[m * m];
                grad = new double[m];
                step = new double[m];
            }
            return this;
        }
    }

    private static final ThreadLocal<SampleScratch> SAMPLE_SCRATCH = ThreadLocal.withInitial(SampleScratch::new);

    /** How the shared Fisher system is solved. */
    public enum FisherMethod {
        /** Woodbury when m &gt; N, the direct m×m system otherwise. */
        AUTO,
        /** Factor (1/N) GᵀG + λI (m×m) with the options' safeguard. */
        DIRECT,
        /** (λI + (1/N)GᵀG)⁻¹ = (1/λ)[I − Gᵀ(NλI_N + GGᵀ)⁻¹G]: an N×N system, cheaper when m &gt; N. */
        WOODBURY
    }

    /**
     * The Fisher step {@code ((1/N) Σ g_j g_jᵀ + λI)⁻¹ g_i} for every sample with a chosen solve method (both
     * agree to rounding; {@link #step} uses {@link FisherMethod#AUTO}). Returns the steps, N·m.
     */
    public double[] fisherSteps(NewtonOptions options, double[] grad, int batch, int m, FisherMethod method) {
        Shapes.checkBatch(batch, m);
        Shapes.checkLength("grad", grad.length, batch, m);
        checkFinite("grad", grad);
        double[] step = new double[batch * m];
        solveFisher(options, grad, batch, m, method, step, new double[batch], new int[batch], new int[batch],
                new double[batch]);
        return step;
    }

    // ------------------------------------------------------------------------------------------------ internals

    private static void solveFisher(NewtonOptions options, double[] grad, int batch, int m, FisherMethod method,
                                    double[] step, double[] lambda, int[] status, int[] modified,
                                    double[] minEig) {
        boolean woodbury = method == FisherMethod.WOODBURY || (method == FisherMethod.AUTO && m > batch);
        if (woodbury && woodbury(options.lambda(), grad, batch, m, step)) {
            java.util.Arrays.fill(lambda, options.lambda());
            java.util.Arrays.fill(minEig, Double.NaN);
            return; // status and modified stay 0: λI + F is PD by construction
        }
        DampedSystem sys = new DampedSystem();
        double[] f = sys.matrix(m);
        java.util.Arrays.fill(f, 0, m * m, 0.0);
        for (int s = 0; s < batch; s++) {
            int o = s * m;
            for (int i = 0; i < m; i++) {
                double gi = grad[o + i];
                if (gi == 0) continue;
                for (int j = 0; j <= i; j++) f[i * m + j] += gi * grad[o + j];
            }
        }
        for (int i = 0; i < m; i++)
            for (int j = 0; j <= i; j++) {
                f[i * m + j] /= batch;
                f[j * m + i] = f[i * m + j];
            }
        sharedSolve(sys, options, grad, batch, m, step, lambda, status, modified, minEig);
    }

    /**
     * Woodbury solve of the Fisher system for every sample: t = (NλI + GGᵀ)⁻¹ G g_i, step_i = (g_i − Gᵀ t)/λ.
     * Returns false (nothing written) if the N×N system fails to factor, which only rounding or overflow can do.
     */
    private static boolean woodbury(double lambda, double[] g, int batch, int m, double[] step) {
        int n = batch;
        double[] k = new double[n * n];
        for (int a = 0; a < n; a++)
            for (int b = 0; b <= a; b++) {
                double s = 0;
                for (int j = 0; j < m; j++) s += g[a * m + j] * g[b * m + j];
                k[a * n + b] = s;
                k[b * n + a] = s;
            }
        for (int a = 0; a < n; a++) k[a * n + a] += n * lambda;
        double[] l = new double[n * n];
        if (BatchedCholesky.factor(k, 0, n, l, 0) != 0) return false;
        // Gg_i for sample i is column i of GGᵀ (= k minus its diagonal shift): reuse it.
        double[] t = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < n; a++) t[i * n + a] = k[a * n + i] - (a == i ? n * lambda : 0);
            BatchedCholesky.solve(l, 0, n, t, i * n, t, i * n);
        }
        SystemLoop.forEach(batch, m, 2L * n * m, i -> {
            int o = i * m;
            for (int j = 0; j < m; j++) {
                double s = g[o + j];
                for (int a = 0; a < n; a++) s -= g[a * m + j] * t[i * n + a];
                step[o + j] = s / lambda;
            }
        });
        return true;
    }

    /** Factors the shared system in {@code sys} once and solves it for every sample's gradient. */
    private static void sharedSolve(DampedSystem sys, NewtonOptions options, double[] grad, int batch, int m,
                                    double[] step, double[] lambda, int[] status, int[] modified,
                                    double[] minEig) {
        sys.prepareSymmetric(options.safeguard(), options.lambda());
        for (int i = 0; i < batch; i++) sys.apply(grad, i * m, step, i * m);
        java.util.Arrays.fill(lambda, sys.lambdaUsed);
        java.util.Arrays.fill(status, sys.status);
        modified[0] = sys.modified; // one system: counted once
        java.util.Arrays.fill(minEig, sys.minEigenvalue);
    }

    private static void meanSymmetric(double[] c, int batch, int m, double[] out) {
        java.util.Arrays.fill(out, 0, m * m, 0.0);
        for (int s = 0; s < batch; s++) {
            int o = s * m * m;
            for (int k = 0; k < m * m; k++) out[k] += c[o + k];
        }
        for (int i = 0; i < m; i++)
            for (int j = 0; j <= i; j++) {
                double x = 0.5 * (out[i * m + j] + out[j * m + i]) / batch;
                out[i * m + j] = x;
                out[j * m + i] = x;
            }
    }

    private static NewtonStats stats(int systems, boolean shared, double[] grad, double[] step, int batch, int m,
                                     int[] status, int[] modified, double[] minEig) {
        double maxRatio = 0;
        for (int i = 0; i < batch; i++) {
            double gn = norm(grad, i * m, m);
            if (gn > 0) maxRatio = Math.max(maxRatio, norm(step, i * m, m) / gn);
        }
        return stats(systems, shared, status, modified, minEig, maxRatio);
    }

    private static NewtonStats stats(int systems, boolean shared, int[] status, int[] modified, double[] minEig,
                                     double maxRatio) {
        int counted = shared ? 1 : status.length;
        int escalated = 0, maxEscalation = 0, fallbacks = 0, modifiedSystems = 0;
        long eigenvaluesModified = 0;
        double min = Double.NaN;
        for (int i = 0; i < counted; i++) {
            int st = status[i];
            if (st > 0) {
                escalated++;
                maxEscalation = Math.max(maxEscalation, st);
            } else if (st == NewtonResult.STATUS_FALLBACK) {
                escalated++;
                fallbacks++;
                maxEscalation = Safeguard.MAX_ESCALATIONS;
            } else if (st == NewtonResult.STATUS_MODIFIED) {
                modifiedSystems++;
            }
            eigenvaluesModified += modified[i];
            if (!Double.isNaN(minEig[i]) && !(minEig[i] >= min)) min = minEig[i];
        }
        return new NewtonStats(systems, escalated, maxEscalation, fallbacks, modifiedSystems, eigenvaluesModified,
                min, maxRatio);
    }

    /** Euclidean norm of a[off .. off+len), scaled so that huge or tiny entries neither overflow nor vanish. */
    private static double norm(double[] a, int off, int len) {
        double big = 0;
        for (int k = off; k < off + len; k++) big = Math.max(big, Math.abs(a[k]));
        if (big == 0 || !Double.isFinite(big)) return big;
        double sum = 0;
        for (int k = off; k < off + len; k++) {
            double t = a[k] / big;
            sum += t * t;
        }
        return big * Math.sqrt(sum);
    }

    private static void check(NewtonOptions options, double[] y, double[] grad, double[] curvature, int batch,
                              int m) {
        java.util.Objects.requireNonNull(options, "options");
        Shapes.checkBatch(batch, m);
        Shapes.checkLength("y", y.length, batch, m);
        Shapes.checkLength("grad", grad.length, batch, m);
        checkFinite("y", y);
        checkFinite("grad", grad);
        if (options.curvature().needsMatrices()) {
            if (curvature == null)
                throw new IllegalArgumentException("curvature matrices are required for curvature "
                        + options.curvature() + ", got null");
            Shapes.checkLength("curvature", curvature.length, batch, m * m);
            checkFinite("curvature", curvature);
        } else if (curvature != null) {
            Shapes.checkLength("curvature", curvature.length, batch, m * m); // ignored, but must be well formed
        }
    }

    static void checkFinite(String name, double[] a) {
        for (int k = 0; k < a.length; k++)
            if (!Double.isFinite(a[k])) throw new IllegalArgumentException(name + "[" + k + "] must be finite, got "
                    + a[k]);
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int k = 0; k < a.length; k++) d[k] = a[k];
        return d;
    }

    static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int k = 0; k < a.length; k++) f[k] = (float) a[k];
        return f;
    }
}
