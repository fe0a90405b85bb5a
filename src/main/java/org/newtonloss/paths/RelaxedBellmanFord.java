package org.newtonloss.paths;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.newtonloss.loss.GaussNewtonLoss;
import org.newtonloss.spec.Spec;
import org.newtonloss.spec.SpecException;

/**
 * AlgoVision's relaxed Bellman-Ford shortest path (Petersen et al., NeurIPS 2021) followed by an L1 or squared L2
 * loss to the true 0/1 path map, summed over the cells, with the exact gradient and Hessian with respect to the
 * row-major costs. SPEC {@code bellman-ford:loop=for,loss=l2,beta=10,iterations=25,tconorm=probabilistic}.
 *
 * <p>By default it computes exactly what {@code get_shortest_path} of AlgoVision 0.1.2 computes
 * ({@code shared/ALGOVISION_BF.md}): distances padded with INFTY = 1e12, a softmin-weighted mean of the eight
 * neighbours per synchronous sweep with d(start) re-pinned to 0, the traceback from the target with the weights of
 * the last sweep, a t-conorm accumulation, and for {@code loop=while} the relaxed loop with ε = 1e-5, max_iter =
 * 1024 and the batch-wide stop. Its quirks are kept; the fixes are options: {@code start=absorb} makes the start a
 * sink (trace mass that reaches it is recorded, then dropped, instead of bouncing to its cheapest neighbour) and
 * {@code stop=sample} ends each sample's While loop by its own ε test.
 *
 * <p>Derivatives are exact (forward-over-reverse: a reverse sweep whose every adjoint also carries its tangent in
 * all m cost directions at once), not finite differences; cost per sample O(iterations·m·8·m).
 *
 * <p><b>Gauss-Newton</b> ({@link #evaluateGaussNewton}): C = Jᵀ (∇²φ) J with J = ∂map/∂costs, the exact Jacobian
 * of the relaxed map from the forward tangents alone (no reverse tangent sweep). For L2, φ = Σ (map − truth)², so
 * ∇²φ = 2I and C = 2JᵀJ. For L1 the second derivative of |map − truth| is 0 wherever it exists (and the map lies
 * in [0, 1] with a 0/1 truth, where L1 is even linear in the map), so the literal Gauss-Newton matrix is 0, which
 * would turn the Newton step into plain gradient descent scaled by 1/λ. For L1, C is therefore defined as 2JᵀJ,
 * the Gauss-Newton matrix of the squared L2 loss on the same map (the L2 surrogate); value and gradient stay the
 * L1 ones. Both are positive semi-definite by construction.
 */
public final class RelaxedBellmanFord implements GaussNewtonLoss {
    /** AlgoVision's INFTY, exact in double. */
    static final double INFTY = 1e12;
    /** AlgoVision's While defaults. */
    static final double EPSILON = 1e-5;
    static final int MAX_ITER = 1024;

    /** Traceback loop kind. */
    public enum Loop { FOR, WHILE }

    /** Loss between the relaxed map and the true map, summed over the cells. */
    public enum PathLoss { L1, L2 }

    /** What trace mass does at the start: bounce on (AlgoVision) or leave the trace (fix). */
    public enum StartRule { BOUNCE, ABSORB }

    /** While loop stop: batch-wide ε test (AlgoVision) or each sample's own (fix). */
    public enum Stop { BATCH, SAMPLE }

    /**
     * Validated options.
     *
     * @param beta       inverse temperature of the softmin and of the While condition, > 0
     * @param iterations relaxation sweeps N (and For traceback steps), ≥ 1
     * @param p          Hamacher's parameter, > 0 (used only with {@link TConorm#HAMACHER})
     */
    public record Options(Loop loop, PathLoss loss, double beta, int iterations, TConorm tconorm, double p,
                          StartRule start, Stop stop) {
        public Options {
            if (!(beta > 0) || !Double.isFinite(beta)) throw new IllegalArgumentException("beta must be finite and > 0, got " + beta);
            if (iterations < 1) throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
            if (tconorm == TConorm.HAMACHER && !(p > 0 && Double.isFinite(p)))
                throw new IllegalArgumentException("hamacher p must be finite and > 0, got " + p);
            if (loop == null || loss == null || tconorm == null || start == null || stop == null)
                throw new IllegalArgumentException("options must not be null");
        }

        /** AlgoVision's behaviour with the given main parameters. */
        public static Options algovision(Loop loop, PathLoss loss, double beta, int iterations, TConorm tconorm, double p) {
            return new Options(loop, loss, beta, iterations, tconorm, p, StartRule.BOUNCE, Stop.BATCH);
        }
    }

    private final Options options;
    /** Batch-wide While stop count of the last batch seen (identity + content checksum), shared by its threads. */
    private final AtomicReference<BatchSteps> lastBatch = new AtomicReference<>();
    private final ThreadLocal<Work> work = ThreadLocal.withInitial(Work::new);

    private record BatchSteps(Object array, long checksum, int m, int steps) {}

    public RelaxedBellmanFord(Options options) { this.options = options; }

    public Options options() { return options; }

    /** Parses the keys of family {@code bellman-ford}. */
    public static RelaxedBellmanFord fromSpec(Spec s) {
        Loop loop = s.choice("loop", Loop.class, Loop.FOR);
        PathLoss loss = s.choice("loss", PathLoss.class, PathLoss.L2);
        double beta = s.positive("beta", 10);
        int iterations = s.integer("iterations", 25, 1);
        String t = s.string("tconorm", "probabilistic").toLowerCase(Locale.ROOT);
        TConorm tconorm = switch (t) {
            case "probabilistic" -> TConorm.PROBABILISTIC;
            case "hamacher" -> TConorm.HAMACHER;
            case "yager", "yager_1" -> TConorm.YAGER;
            default -> throw new SpecException("SPEC '" + s.text() + "': unknown tconorm '" + t
                    + "' (known: probabilistic, hamacher, yager)");
        };
        if (s.has("p") && tconorm != TConorm.HAMACHER)
            throw new SpecException("SPEC '" + s.text() + "': p is Hamacher's parameter, but tconorm is " + t);
        double p = s.positive("p", 5);
        StartRule start = s.choice("start", StartRule.class, StartRule.BOUNCE);
        Stop stop = s.choice("stop", Stop.class, Stop.BATCH);
        s.requireAllUsed("loop", "loss", "beta", "iterations", "tconorm", "p", "start", "stop");
        return new RelaxedBellmanFord(new Options(loop, loss, beta, iterations, tconorm, p, start, stop));
    }

    @Override public String spec() {
        Options o = options;
        StringBuilder b = new StringBuilder("bellman-ford:loop=").append(lower(o.loop())).append(",loss=")
                .append(lower(o.loss())).append(",beta=").append(o.beta()).append(",iterations=").append(o.iterations())
                .append(",tconorm=").append(lower(o.tconorm()));
        if (o.tconorm() == TConorm.HAMACHER) b.append(",p=").append(o.p());
        if (o.start() != StartRule.BOUNCE) b.append(",start=").append(lower(o.start()));
        if (o.stop() != Stop.BATCH) b.append(",stop=").append(lower(o.stop()));
        return b.toString();
    }

    private static String lower(Enum<?> e) { return e.name().toLowerCase(Locale.ROOT); }

    @Override public void checkDimension(int m) { GridShape.square(m); }

    @Override public double evaluate(int sample, int m, double[] y, double[] target, double[] grad, double[] hess) {
        GridShape grid = GridShape.square(m);
        int steps = whileStepsForBatch(grid, y, m);
        Work w = work.get();
        double value = w.run(options, grid, y, sample * m, target, sample * m, steps, hess != null, false);
        System.arraycopy(w.grad, 0, grad, sample * m, m);
        if (hess != null) System.arraycopy(w.hess, 0, hess, sample * m * m, m * m);
        return value;
    }

    /** Float batches are converted to double: the 1e12 padding leaves no room for float arithmetic. */
    @Override public float evaluate(int sample, int m, float[] y, float[] target, float[] grad, float[] hess) {
        GridShape grid = GridShape.square(m);
        int steps = whileStepsForBatch(grid, y, m);
        Work w = work.get();
        double[] yd = new double[m];
        double[] td = new double[m];
        for (int k = 0; k < m; k++) {
            yd[k] = y[sample * m + k];
            td[k] = target[sample * m + k];
        }
        double value = w.run(options, grid, yd, 0, td, 0, steps, hess != null, false);
        for (int k = 0; k < m; k++) grad[sample * m + k] = (float) w.grad[k];
        if (hess != null) for (int k = 0; k < m * m; k++) hess[sample * m * m + k] = (float) w.hess[k];
        return (float) value;
    }

    /**
     * Loss, gradient and Gauss-Newton matrix C = 2JᵀJ of one sample (see the class comment; for L1 this is the L2
     * surrogate). Value and gradient are bitwise those of {@link #evaluate}; a While loop with the batch-wide stop
     * uses the same step count as {@code evaluate} on the same batch array.
     */
    @Override
    public double evaluateGaussNewton(int sample, int m, double[] y, double[] target, double[] grad, double[] gaussNewton) {
        GridShape grid = GridShape.square(m);
        int steps = whileStepsForBatch(grid, y, m);
        Work w = work.get();
        double value = w.run(options, grid, y, sample * m, target, sample * m, steps, false, true);
        System.arraycopy(w.grad, 0, grad, sample * m, m);
        mapGaussNewton(w.dOut, m, m, gaussNewton, sample * m * m);
        return value;
    }

    /**
     * Writes 2·JᵀJ (m×m, row-major) at {@code out[off ..]} for J with k rows of m ({@code jac[v*m + j]} = ∂map_v/∂θ_j):
     * the Gauss-Newton matrix of Σ (map − truth)². The upper triangle is accumulated and mirrored, so C is exactly
     * symmetric; every term is a product of two equal factors, so C is PSD up to rounding in the sums.
     */
    static void mapGaussNewton(double[] jac, int k, int m, double[] out, int off) {
        for (int i = 0; i < m; i++) Arrays.fill(out, off + i * m + i, off + (i + 1) * m, 0.0);
        for (int v = 0; v < k; v++) {
            int row = v * m;
            for (int i = 0; i < m; i++) {
                double a = 2 * jac[row + i];
                if (a == 0) continue;
                int o = off + i * m;
                for (int j = i; j < m; j++) out[o + j] += a * jac[row + j];
            }
        }
        for (int i = 0; i < m; i++)
            for (int j = i + 1; j < m; j++) out[off + j * m + i] = out[off + i * m + j];
    }

    /**
     * The exact Jacobian of the relaxed path map of one grid, from forward tangents (not finite differences).
     *
     * @param costs H·W costs at {@code offset}
     * @param jac   modified: receives {@code jac[v*m + j]} = ∂map_v/∂costs_j (m×m, row-major)
     * @return the relaxed map ({@link #pathMap})
     */
    public double[] pathMapJacobian(GridShape grid, double[] costs, int offset, double[] jac) {
        int m = grid.cells();
        if (jac.length < m * m)
            throw new IllegalArgumentException("jac: need " + m * m + " values, array length is " + jac.length);
        Work w = work.get();
        w.prepare(options, grid);
        w.checkCosts(costs, offset);
        w.ensureTangents();
        w.forward(costs, offset, -1, true);
        System.arraycopy(w.dOut, 0, jac, 0, m * m);
        return Arrays.copyOf(w.out, m);
    }

    /**
     * The relaxed path map of one grid (AlgoVision's {@code tracked_path}), for inspection and tests.
     *
     * @param costs H·W costs at {@code offset}
     */
    public double[] pathMap(GridShape grid, double[] costs, int offset) {
        Work w = work.get();
        w.prepare(options, grid);
        w.checkCosts(costs, offset);
        w.forward(costs, offset, -1, false);
        return Arrays.copyOf(w.out, grid.cells());
    }

    /** Steps K the While loop of one grid runs by its own ε test. */
    int whileSteps(GridShape grid, double[] costs, int offset) {
        Work w = work.get();
        w.prepare(options, grid);
        w.checkCosts(costs, offset);
        w.forward(costs, offset, -1, false);
        return w.steps;
    }

    /** −1 (each sample's own stop) unless this is a While loop with the batch-wide stop over a batch of several. */
    private int whileStepsForBatch(GridShape grid, Object batchArray, int m) {
        if (options.loop() != Loop.WHILE || options.stop() != Stop.BATCH) return -1;
        int length = batchArray instanceof double[] d ? d.length : ((float[]) batchArray).length;
        if (length <= m) return -1;
        long checksum = checksum(batchArray);
        BatchSteps cached = lastBatch.get();
        if (cached != null && cached.array() == batchArray && cached.checksum() == checksum && cached.m() == m)
            return cached.steps();
        int steps = 0;
        double[] one = new double[m];
        for (int b = 0; b < length / m; b++) {
            for (int k = 0; k < m; k++)
                one[k] = batchArray instanceof double[] d ? d[b * m + k] : ((float[]) batchArray)[b * m + k];
            steps = Math.max(steps, whileSteps(grid, one, 0));
        }
        lastBatch.set(new BatchSteps(batchArray, checksum, m, steps));
        return steps;
    }

    private static long checksum(Object array) {
        long h = 0x9E3779B97F4A7C15L;
        if (array instanceof double[] d) for (double v : d) h = (h ^ Double.doubleToRawLongBits(v)) * 0x100000001B3L;
        else for (float v : (float[]) array) h = (h ^ Float.floatToRawIntBits(v)) * 0x100000001B3L;
        return h;
    }

    @Override public boolean equals(Object o) { return o instanceof RelaxedBellmanFord r && r.options.equals(options); }

    @Override public int hashCode() { return options.hashCode(); }

    @Override public String toString() { return spec(); }

    /**
     * Per-thread state of one evaluation. Arrays are laid out so that every tangent is a contiguous m-vector
     * (index·m + direction): D and its tangents per sweep on the padded (H+2)×(W+2) array, the last sweep's
     * weights and their tangents, and the traceback's T and x with tangents per step.
     */
    private static final class Work {
        Options o;
        GridShape grid;
        int n, wp, pad, padStart, sweeps;
        int[] nbPad, nbGrid, padOf;
        double[] d, dD;            // D_i, i = 0..N, and tangents
        double[] weights, dWeights; // weights of sweep N and tangents
        double[] t = new double[0], x = new double[0], dT = new double[0], dX = new double[0];
        double[] prob = new double[0], cond = new double[0], dProb = new double[0], dCond = new double[0];
        double[] out, dOut, outBar, dOutBar;
        int steps, capSteps = -1;
        boolean tangents;
        double[] grad, hess;
        // reverse-pass buffers
        double[] tBar, dTBar, xBar, dXBar, xBarNext, dXBarNext, wBar, dWBar, dBar, dDBar, dBarPrev, dDBarPrev;
        final double[] s6 = new double[6];
        final double[] nk = new double[8], wk = new double[8], gk = new double[8];
        double[] tmp, tmp2;

        void prepare(Options options, GridShape g) {
            if (options.equals(o) && g.equals(grid)) return;
            o = options;
            grid = g;
            n = g.cells();
            wp = g.columns() + 2;
            pad = (g.rows() + 2) * wp;
            padStart = wp + 1;
            sweeps = options.iterations();
            nbPad = new int[n * 8];
            nbGrid = new int[n * 8];
            padOf = new int[n];
            for (int v = 0; v < n; v++) {
                int r = v / g.columns(), q = v % g.columns();
                padOf[v] = (r + 1) * wp + q + 1;
                for (int k = 0; k < 8; k++) {
                    int rr = r + GridShape.DROW[k], qq = q + GridShape.DCOL[k];
                    nbPad[v * 8 + k] = (rr + 1) * wp + qq + 1;
                    nbGrid[v * 8 + k] = rr < 0 || rr >= g.rows() || qq < 0 || qq >= g.columns() ? -1 : rr * g.columns() + qq;
                }
            }
            d = new double[(sweeps + 1) * pad];
            weights = new double[n * 8];
            out = new double[n];
            outBar = new double[n];
            grad = new double[n];
            tBar = new double[n];
            xBar = new double[n];
            xBarNext = new double[n];
            wBar = new double[n * 8];
            dBar = new double[pad];
            dBarPrev = new double[pad];
            dD = null;
            dWeights = null;
            hess = null;
            capSteps = -1;
            t = new double[0];
            x = new double[0];
            dT = new double[0];
            dX = new double[0];
            prob = new double[0];
            cond = new double[0];
            dProb = new double[0];
            dCond = new double[0];
        }

        void ensureTangents() {
            int m = n;
            if (dD != null) return;
            dD = new double[(sweeps + 1) * pad * m];
            dWeights = new double[n * 8 * m];
            dOut = new double[n * m];
            dOutBar = new double[n * m];
            hess = new double[n * m];
            dTBar = new double[n * m];
            dXBar = new double[n * m];
            dXBarNext = new double[n * m];
            dWBar = new double[n * 8 * m];
            dDBar = new double[pad * m];
            dDBarPrev = new double[pad * m];
            tmp = new double[m];
            tmp2 = new double[m];
        }

        /** Room for traceback steps 0..k (grown with copies: the While loop grows it while it runs). */
        void ensureSteps(int k) {
            if (k > capSteps) {
                int c = Math.max(k, Math.max(2 * capSteps, 32));
                t = Arrays.copyOf(t, (c + 1) * n);
                x = Arrays.copyOf(x, (c + 1) * n);
                prob = Arrays.copyOf(prob, c + 1);
                cond = Arrays.copyOf(cond, c + 1);
                capSteps = c;
            }
            if (tangents && dT.length < (capSteps + 1) * n * n) {
                dT = Arrays.copyOf(dT, (capSteps + 1) * n * n);
                dX = Arrays.copyOf(dX, (capSteps + 1) * n * n);
                dProb = Arrays.copyOf(dProb, (capSteps + 1) * n);
                dCond = Arrays.copyOf(dCond, (capSteps + 1) * n);
            }
        }

        void checkCosts(double[] c, int off) {
            for (int v = 0; v < n; v++) {
                double cv = c[off + v];
                if (!Double.isFinite(cv))
                    throw new IllegalArgumentException("bellman-ford: cost of cell " + v + " must be finite, got " + cv);
            }
        }

        /**
         * Value and gradient; with {@code withHessian} also the Hessian, with {@code withJacobian} (and no Hessian)
         * only the forward tangents, leaving J = ∂out/∂c in dOut.
         */
        double run(Options options, GridShape g, double[] c, int co, double[] target, int to, int fixedSteps,
                   boolean withHessian, boolean withJacobian) {
            prepare(options, g);
            checkCosts(c, co);
            PathMaps.validate(g, target, to);
            if (withHessian || withJacobian) ensureTangents();
            forward(c, co, fixedSteps, withHessian || withJacobian);
            // the loss and its derivatives in the output
            double value = 0;
            for (int v = 0; v < n; v++) {
                double r = out[v] - target[to + v];
                if (o.loss() == PathLoss.L1) {
                    value += Math.abs(r);
                    outBar[v] = Math.signum(r);
                } else {
                    value += r * r;
                    outBar[v] = 2 * r;
                }
            }
            if (withHessian) {
                double second = o.loss() == PathLoss.L2 ? 2 : 0;
                for (int i = 0; i < n * n; i++) dOutBar[i] = second * dOut[i];
            }
            reverse(withHessian);
            return value;
        }

        /** Primal (and, if asked, tangent) forward pass: sweeps, weights, traceback, output. */
        void forward(double[] c, int co, int fixedSteps, boolean withTangents) {
            tangents = withTangents;
            int m = n;
            double beta = o.beta();
            Arrays.fill(d, 0, pad, INFTY);
            d[padStart] = 0;
            for (int i = 1; i <= sweeps; i++) {
                int prev = (i - 1) * pad, cur = i * pad;
                Arrays.fill(d, cur, cur + pad, INFTY);
                for (int v = 0; v < n; v++) {
                    double f = softmin(prev, v, beta);
                    d[cur + padOf[v]] = f + c[co + v];
                    if (i == sweeps) System.arraycopy(wk, 0, weights, v * 8, 8);
                    if (withTangents) {
                        int dst = (cur + padOf[v]) * m;
                        Arrays.fill(dD, dst, dst + m, 0.0);
                        for (int k = 0; k < 8; k++) {
                            double gkk = wk[k] * (1 - beta * (nk[k] - f));
                            if (gkk != 0) axpy(gkk, dD, (prev + nbPad[v * 8 + k]) * m, dD, dst, m);
                        }
                        dD[dst + v] += 1;
                        if (i == sweeps) {
                            Arrays.fill(tmp, 0.0);
                            for (int k = 0; k < 8; k++)
                                if (wk[k] != 0) axpy(wk[k], dD, (prev + nbPad[v * 8 + k]) * m, tmp, 0, m);
                            for (int k = 0; k < 8; k++) {
                                int wdst = (v * 8 + k) * m;
                                double a = -beta * wk[k];
                                int src = (prev + nbPad[v * 8 + k]) * m;
                                if (a == 0) Arrays.fill(dWeights, wdst, wdst + m, 0.0);
                                else for (int j = 0; j < m; j++) dWeights[wdst + j] = a * (dD[src + j] - tmp[j]);
                            }
                        }
                    }
                }
                d[cur + padStart] = 0;
                if (withTangents) Arrays.fill(dD, (cur + padStart) * m, (cur + padStart + 1) * m, 0.0);
            }
            traceback(fixedSteps);
        }

        /** Softmin weights of cell v over D at offset {@code base} into wk (neighbour values into nk); returns Σ w n. */
        double softmin(int base, int v, double beta) {
            double tmin = Double.POSITIVE_INFINITY;
            for (int k = 0; k < 8; k++) {
                nk[k] = d[base + nbPad[v * 8 + k]];
                tmin = Math.min(tmin, beta * nk[k]);
            }
            double s = 0;
            for (int k = 0; k < 8; k++) {
                wk[k] = Math.exp(tmin - beta * nk[k]);
                s += wk[k];
            }
            double f = 0;
            for (int k = 0; k < 8; k++) {
                wk[k] /= s;
                f += wk[k] * nk[k];
            }
            return f;
        }

        void traceback(int fixedSteps) {
            int m = n;
            boolean isFor = o.loop() == Loop.FOR;
            ensureSteps(isFor ? sweeps : 1);
            Arrays.fill(t, 0, n, 0.0);
            Arrays.fill(x, 0, n, 0.0);
            x[n - 1] = 1.0;
            if (tangents) {
                Arrays.fill(dT, 0, n * m, 0.0);
                Arrays.fill(dX, 0, n * m, 0.0);
            }
            int k = 0;
            if (isFor) {
                for (; k < sweeps; k++) body(k);
            } else {
                prob[0] = sigmoid(-(t[0] - 1.0) * o.beta());
                while (fixedSteps >= 0 ? k < fixedSteps : prob[k] > EPSILON && k < MAX_ITER) {
                    ensureSteps(k + 1);
                    body(k);
                    cond[k + 1] = sigmoid(-(t[(k + 1) * n] - 1.0) * o.beta());
                    prob[k + 1] = prob[k] * cond[k + 1];
                    k++;
                }
            }
            steps = k;
            if (isFor) {
                System.arraycopy(t, k * n, out, 0, n);
                if (tangents) System.arraycopy(dT, k * n * m, dOut, 0, n * m);
            } else {
                whileOutput();
            }
        }

        /** out = Σ_{k<K} (P_{k−1} − P_k) T_k + P_{K−1}·T_K (AlgoVision's accumulation, in its order), with tangents. */
        void whileOutput() {
            int m = n, kk = steps;
            Arrays.fill(out, 0.0);
            for (int k = 1; k <= kk; k++) {
                double a = prob[k - 1] - prob[k];
                for (int v = 0; v < n; v++) out[v] += a * t[k * n + v];
            }
            for (int v = 0; v < n; v++) out[v] += prob[kk] * t[kk * n + v];
            if (!tangents) return;
            double beta = o.beta();
            Arrays.fill(dProb, 0, m, 0.0);
            for (int k = 1; k <= kk; k++) {
                double ck = cond[k];
                double slope = -beta * ck * (1 - ck);
                for (int j = 0; j < m; j++) {
                    double dc = slope * dT[(k * n) * m + j];
                    dCond[k * m + j] = dc;
                    dProb[k * m + j] = dProb[(k - 1) * m + j] * ck + prob[k - 1] * dc;
                }
            }
            Arrays.fill(dOut, 0.0);
            for (int k = 1; k <= kk; k++) {
                double a = k < kk ? prob[k - 1] - prob[k] : prob[k - 1];
                for (int v = 0; v < n; v++) {
                    double tv = t[k * n + v];
                    int row = v * m, src = (k * n + v) * m;
                    for (int j = 0; j < m; j++) {
                        double da = k < kk ? dProb[(k - 1) * m + j] - dProb[k * m + j] : dProb[(k - 1) * m + j];
                        dOut[row + j] += da * tv + a * dT[src + j];
                    }
                }
            }
        }

        /** One traceback step k: T_{k+1} = S(T_k, x_k); x_{k+1} = move(x_k), with tangents. */
        void body(int k) {
            int m = n;
            int tk = k * n, tn = (k + 1) * n;
            double p = o.p();
            for (int v = 0; v < n; v++) {
                o.tconorm().evaluate(t[tk + v], x[tk + v], p, s6);
                t[tn + v] = s6[0];
                if (tangents) {
                    int dst = (tn + v) * m, a = (tk + v) * m;
                    double sa = s6[1], sb = s6[2];
                    for (int j = 0; j < m; j++) dT[dst + j] = sa * dT[a + j] + sb * dX[a + j];
                }
            }
            Arrays.fill(x, tn, tn + n, 0.0);
            if (tangents) Arrays.fill(dX, tn * m, (tn + n) * m, 0.0);
            boolean absorb = o.start() == StartRule.ABSORB;
            for (int v = absorb ? 1 : 0; v < n; v++) {
                double xv = x[tk + v];
                if (xv == 0) continue;
                for (int j = 0; j < 8; j++) {
                    int u = nbGrid[v * 8 + j];
                    if (u < 0) continue;
                    double w = weights[v * 8 + j];
                    x[tn + u] += xv * w;
                    if (tangents) {
                        int dst = (tn + u) * m, src = (tk + v) * m, dw = (v * 8 + j) * m;
                        for (int i = 0; i < m; i++) dX[dst + i] += w * dX[src + i] + xv * dWeights[dw + i];
                    }
                }
            }
        }

        /** Reverse pass from outBar (and its tangents dOutBar) to grad (and hess rows). */
        void reverse(boolean withTangents) {
            int m = n;
            double beta = o.beta();
            Arrays.fill(grad, 0.0);
            Arrays.fill(wBar, 0.0);
            Arrays.fill(xBar, 0.0);
            if (withTangents) {
                Arrays.fill(hess, 0.0);
                Arrays.fill(dWBar, 0.0);
                Arrays.fill(dXBar, 0.0);
            }
            int kk = steps;
            boolean isFor = o.loop() == Loop.FOR;
            double[] probBar = null, dProbBar = null, condBar = null, dCondBar = null;
            if (isFor) {
                System.arraycopy(outBar, 0, tBar, 0, n);
                if (withTangents) System.arraycopy(dOutBar, 0, dTBar, 0, n * m);
            } else {
                // adjoints of α_k, then of P_k and c_k (scalar chain), with tangents
                probBar = new double[kk + 1];
                condBar = new double[kk + 1];
                dProbBar = withTangents ? new double[(kk + 1) * m] : null;
                dCondBar = withTangents ? new double[(kk + 1) * m] : null;
                for (int k = 1; k <= kk; k++) {
                    double ab = 0;
                    for (int v = 0; v < n; v++) ab += outBar[v] * t[k * n + v];
                    probBar[k - 1] += ab;
                    if (k < kk) probBar[k] -= ab;
                    if (withTangents) {
                        Arrays.fill(tmp, 0.0);
                        for (int v = 0; v < n; v++) {
                            double tv = t[k * n + v], ob = outBar[v];
                            int a = v * m, b = (k * n + v) * m;
                            for (int j = 0; j < m; j++) tmp[j] += dOutBar[a + j] * tv + ob * dT[b + j];
                        }
                        axpy(1, tmp, 0, dProbBar, (k - 1) * m, m);
                        if (k < kk) axpy(-1, tmp, 0, dProbBar, k * m, m);
                    }
                }
                for (int k = kk; k >= 1; k--) {
                    condBar[k] = probBar[k] * prob[k - 1];
                    if (withTangents)
                        for (int j = 0; j < m; j++)
                            dCondBar[k * m + j] = dProbBar[k * m + j] * prob[k - 1] + probBar[k] * dProb[(k - 1) * m + j];
                    probBar[k - 1] += probBar[k] * cond[k];
                    if (withTangents)
                        for (int j = 0; j < m; j++)
                            dProbBar[(k - 1) * m + j] += dProbBar[k * m + j] * cond[k] + probBar[k] * dCond[k * m + j];
                }
                Arrays.fill(tBar, 0.0);
                if (withTangents) Arrays.fill(dTBar, 0.0);
                addWhileDirect(kk, condBar, dCondBar, withTangents);
            }
            for (int k = kk - 1; k >= 0; k--) {
                bodyReverse(k, withTangents);
                if (!isFor && k >= 1) addWhileDirect(k, condBar, dCondBar, withTangents);
            }
            weightsReverse(withTangents, beta);
            sweepsReverse(withTangents, beta);
        }

        /** T̄_k += α_k·out̄ and, at the start cell, c̄_k·c'(T_k[0]); with tangents. */
        void addWhileDirect(int k, double[] condBar, double[] dCondBar, boolean withTangents) {
            int m = n, kk = steps;
            double a = k < kk ? prob[k - 1] - prob[k] : prob[k - 1];
            for (int v = 0; v < n; v++) tBar[v] += a * outBar[v];
            double ck = cond[k], beta = o.beta();
            double slope = -beta * ck * (1 - ck);
            double curve = beta * beta * ck * (1 - ck) * (1 - 2 * ck);
            tBar[0] += condBar[k] * slope;
            if (!withTangents) return;
            for (int v = 0; v < n; v++) {
                double ob = outBar[v];
                int row = v * m, src = v * m;
                for (int j = 0; j < m; j++) {
                    double da = k < kk ? dProb[(k - 1) * m + j] - dProb[k * m + j] : dProb[(k - 1) * m + j];
                    dTBar[row + j] += da * ob + a * dOutBar[src + j];
                }
            }
            int t0 = (k * n) * m;
            for (int j = 0; j < m; j++)
                dTBar[j] += dCondBar[k * m + j] * slope + condBar[k] * curve * dT[t0 + j];
        }

        /** Reverse of body(k): (T̄_{k+1}, x̄_{k+1}) → (T̄_k, x̄_k) and w̄ += ∂/∂w. */
        void bodyReverse(int k, boolean withTangents) {
            int m = n, tk = k * n;
            double p = o.p();
            Arrays.fill(xBarNext, 0.0);
            if (withTangents) Arrays.fill(dXBarNext, 0.0);
            boolean absorb = o.start() == StartRule.ABSORB;
            // move: x_{k+1}(u) = Σ x_k(v) w_j(v); current xBar holds x̄_{k+1}
            for (int v = absorb ? 1 : 0; v < n; v++) {
                double xv = x[tk + v];
                for (int j = 0; j < 8; j++) {
                    int u = nbGrid[v * 8 + j];
                    if (u < 0) continue;
                    double xb = xBar[u];
                    double w = weights[v * 8 + j];
                    xBarNext[v] += w * xb;
                    wBar[v * 8 + j] += xv * xb;
                    if (withTangents) {
                        int xs = v * m, ub = u * m, dw = (v * 8 + j) * m, dx = (tk + v) * m;
                        double[] next = dXBarNext, bar = dXBar, dWts = dWeights;
                        for (int i = 0; i < m; i++) next[xs + i] += dWts[dw + i] * xb + w * bar[ub + i];
                        // x_k(v) = 0 implies its tangent is 0 too (mass only spreads along non-zero weights)
                        if (xv != 0) {
                            double[] wb = dWBar, dxs = dX;
                            for (int i = 0; i < m; i++) wb[dw + i] += dxs[dx + i] * xb + xv * bar[ub + i];
                        }
                    }
                }
            }
            // t-conorm: T_{k+1} = S(T_k, x_k); tBar holds T̄_{k+1}, becomes T̄_k
            for (int v = 0; v < n; v++) {
                double tb = tBar[v];
                o.tconorm().evaluate(t[tk + v], x[tk + v], p, s6);
                tBar[v] = s6[1] * tb;
                xBarNext[v] += s6[2] * tb;
                if (withTangents) {
                    int r = v * m, a = (tk + v) * m;
                    double sa = s6[1], sb = s6[2], saa = s6[3], sab = s6[4], sbb = s6[5];
                    for (int i = 0; i < m; i++) {
                        double da = dT[a + i], db = dX[a + i], dtb = dTBar[r + i];
                        dTBar[r + i] = sa * dtb + tb * (saa * da + sab * db);
                        dXBarNext[r + i] += sb * dtb + tb * (sab * da + sbb * db);
                    }
                }
            }
            double[] swap = xBar;
            xBar = xBarNext;
            xBarNext = swap;
            if (withTangents) {
                swap = dXBar;
                dXBar = dXBarNext;
                dXBarNext = swap;
            }
        }

        /** Reverse of the last sweep's softmin weights: w̄ → D̄_{N−1}. */
        void weightsReverse(boolean withTangents, double beta) {
            int m = n, prev = (sweeps - 1) * pad;
            Arrays.fill(dBar, 0.0);
            if (withTangents) Arrays.fill(dDBar, 0.0);
            for (int v = 0; v < n; v++) {
                double mu = 0;
                for (int j = 0; j < 8; j++) mu += weights[v * 8 + j] * wBar[v * 8 + j];
                if (withTangents) {
                    Arrays.fill(tmp, 0.0);
                    for (int j = 0; j < 8; j++) {
                        int o8 = (v * 8 + j) * m;
                        double w = weights[v * 8 + j], wb = wBar[v * 8 + j];
                        for (int i = 0; i < m; i++) tmp[i] += dWeights[o8 + i] * wb + w * dWBar[o8 + i];
                    }
                }
                for (int j = 0; j < 8; j++) {
                    double w = weights[v * 8 + j];
                    if (w == 0) continue;
                    int target = nbPad[v * 8 + j];
                    double wb = wBar[v * 8 + j];
                    dBar[target] += -beta * w * (wb - mu);
                    if (withTangents) {
                        int o8 = (v * 8 + j) * m, dst = target * m;
                        for (int i = 0; i < m; i++)
                            dDBar[dst + i] += -beta * (dWeights[o8 + i] * (wb - mu) + w * (dWBar[o8 + i] - tmp[i]));
                    }
                }
            }
            if (prev < 0) throw new IllegalStateException("sweeps >= 1");
        }

        /** Reverse of sweeps N−1 .. 1: D_i(v) = Σ w_j n_j + c_v for v ≠ start. */
        void sweepsReverse(boolean withTangents, double beta) {
            int m = n;
            for (int i = sweeps - 1; i >= 1; i--) {
                int prev = (i - 1) * pad;
                Arrays.fill(dBarPrev, 0.0);
                if (withTangents) Arrays.fill(dDBarPrev, 0.0);
                for (int v = 1; v < n; v++) {
                    int pv = padOf[v];
                    double db = dBar[pv];
                    // cells the front has not reached yet have an identically zero adjoint: skip them exactly
                    if (db == 0 && (!withTangents || allZero(dDBar, pv * m, m))) continue;
                    grad[v] += db;
                    if (withTangents) axpy(1, dDBar, pv * m, hess, v * m, m);
                    double f = softmin(prev, v, beta);
                    for (int j = 0; j < 8; j++) gk[j] = wk[j] * (1 - beta * (nk[j] - f));
                    for (int j = 0; j < 8; j++) if (gk[j] != 0) dBarPrev[nbPad[v * 8 + j]] += db * gk[j];
                    if (!withTangents) continue;
                    // wṅ = Σ w_j ṅ_j and ḟ = Σ g_j ṅ_j
                    Arrays.fill(tmp, 0.0);
                    Arrays.fill(tmp2, 0.0);
                    for (int j = 0; j < 8; j++) {
                        if (wk[j] == 0) continue;
                        int src = (prev + nbPad[v * 8 + j]) * m;
                        double w = wk[j], g = gk[j];
                        for (int q = 0; q < m; q++) {
                            double dn = dD[src + q];
                            tmp[q] += w * dn;
                            tmp2[q] += g * dn;
                        }
                    }
                    int own = pv * m;
                    for (int j = 0; j < 8; j++) {
                        if (wk[j] == 0) continue;
                        double w = wk[j], a = nk[j] - f;
                        double ca = -beta * w * (2 - beta * a) * db;
                        double cb = beta * w * (1 - beta * a) * db;
                        double cc = beta * w * db;
                        double g = gk[j];
                        int src = (prev + nbPad[v * 8 + j]) * m, dst = nbPad[v * 8 + j] * m;
                        for (int q = 0; q < m; q++)
                            dDBarPrev[dst + q] += g * dDBar[own + q] + ca * dD[src + q] + cb * tmp[q] + cc * tmp2[q];
                    }
                }
                double[] swap = dBar;
                dBar = dBarPrev;
                dBarPrev = swap;
                if (withTangents) {
                    swap = dDBar;
                    dDBar = dDBarPrev;
                    dDBarPrev = swap;
                }
            }
        }

        private static boolean allZero(double[] a, int from, int len) {
            for (int i = 0; i < len; i++) if (a[from + i] != 0) return false;
            return true;
        }

        private static double sigmoid(double z) { return 1.0 / (1.0 + Math.exp(-z)); }

        private static void axpy(double a, double[] xs, int xo, double[] ys, int yo, int len) {
            for (int i = 0; i < len; i++) ys[yo + i] += a * xs[xo + i];
        }
    }
}
