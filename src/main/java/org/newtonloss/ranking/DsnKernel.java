package org.newtonloss.ranking;

/**
 * The DSN loss of one sample in double: relaxed permutation matrix P, BCE against the true permutation, gradient by
 * a reverse sweep and the exact Hessian by forward-over-reverse differentiation (the reverse sweep run on dual
 * numbers with n tangent lanes, one per input direction). A kernel is a workspace for one n and one network and is
 * used by one thread at a time.
 *
 * <p>Layout: P is stored by columns ({@code col[w*n + r]} = P[r][w], r = input, w = wire/rank) because a comparator
 * mixes two columns. Tangents are lane vectors of length n, one array per entry ({@code dcol[w*n + r][t]}), so
 * every inner loop reads and writes its arrays at the same index t: C2 can vectorise such loops without proving
 * that two offsets into one array never overlap (which it cannot for data-dependent wire indices). The tape keeps, per comparator k, what the reverse sweep needs: α, α', α'', d,
 * the tangent of d, the column difference D = c_b − c_a before the comparator and its tangents.
 *
 * <p>Cost per sample with K comparators: value and gradient O(K·n); Hessian O(K·n²) (≈ 14 flops per
 * comparator·row·lane), memory O(K·n²) for the tape.
 */
final class DsnKernel {
    final int n;
    private final int k;
    private final int[] ca, cb, cmin, cmax;
    /**
     * Rows [lo, hi] that can be non-zero in the two columns of comparator c (and the lanes that can be non-zero in
     * their tangents): P starts as the identity and a comparator's output columns span the union of its inputs', so
     * outside this bounding interval everything is exactly 0. It depends on the network only. In the reverse sweep
     * adjoint rows outside it are never read again (earlier comparators of these columns have smaller ranges), so
     * both sweeps skip them.
     */
    private final int[] lo, hi;
    /** Start of comparator c's rows in the tapes (rows lo[c]..hi[c] only, so the tapes hold Σ band widths rows). */
    private final int[] tapeOff;
    private final int tapeRows;
    private final Sigmoid sigmoid;
    private final double beta, lambda;
    private final boolean torchCurvature;

    // forward state
    private final double[] col, y;
    private final double[] alpha, alpha1, alpha2, dval, tapeD;
    // reverse state
    private final double[] pbar, ybar;
    final int[] rank;
    private final double[] tmp = new double[3];
    // tangents (allocated on the first Hessian request)
    private double[][] dcol, dy, tapeDD, ddot, dpbar, dybar;
    private double[] adot, abarDot;

    DsnKernel(int n, int[][] net, Sigmoid sigmoid, double beta, double lambda, boolean torchCurvature) {
        this.torchCurvature = torchCurvature;
        this.n = n;
        this.k = net[0].length;
        this.ca = net[0];
        this.cb = net[1];
        this.cmin = net[2];
        this.cmax = net[3];
        lo = new int[k];
        hi = new int[k];
        int[] colLo = new int[n], colHi = new int[n];
        for (int w = 0; w < n; w++) colLo[w] = colHi[w] = w;
        tapeOff = new int[k];
        int rows = 0;
        for (int c = 0; c < k; c++) {
            int i = ca[c], j = cb[c];
            lo[c] = colLo[i] = colLo[j] = Math.min(colLo[i], colLo[j]);
            hi[c] = colHi[i] = colHi[j] = Math.max(colHi[i], colHi[j]);
            tapeOff[c] = rows;
            rows = Math.addExact(rows, hi[c] - lo[c] + 1);
        }
        tapeRows = rows;
        this.sigmoid = sigmoid;
        this.beta = beta;
        this.lambda = lambda;
        col = new double[n * n];
        y = new double[n];
        alpha = new double[k];
        alpha1 = new double[k];
        alpha2 = new double[k];
        dval = new double[k];
        tapeD = new double[tapeRows];
        pbar = new double[n * n];
        ybar = new double[n];
        rank = new int[n];
    }

    /** Doubles this kernel holds when Hessians are requested (to decide whether to cache it). */
    static long footprint(int n, int comparators) {
        return (long) comparators * n * (n + 2) + 2L * n * n * n + 8L * n * n;
    }

    /** Numbers in the tapes (for tests: the band bookkeeping must shrink them below K·n). */
    int tapeRows() { return tapeRows; }

    private void ensureTangents() {
        if (dcol != null) return;
        dcol = new double[n * n][n];
        dy = new double[n][n];
        tapeDD = new double[tapeRows][n];
        ddot = new double[k][n];
        dpbar = new double[n * n][n];
        dybar = new double[n][n];
        adot = new double[n];
        abarDot = new double[n];
    }

    /** Runs the relaxed network on x[off .. off+n), leaving P in {@code col} and the tape filled. */
    private void forward(double[] x, int off) {
        java.util.Arrays.fill(col, 0.0);
        for (int w = 0; w < n; w++) {
            col[w * n + w] = 1;
            y[w] = x[off + w];
        }
        for (int c = 0; c < k; c++) {
            int i = ca[c], j = cb[c], mi = cmin[c], ma = cmax[c];
            double yi = y[i], yj = y[j], d = yj - yi;
            sigmoid.evaluate(d, beta, lambda, tmp);
            double a = tmp[0], om = 1 - a;
            alpha[c] = a;
            alpha1[c] = tmp[1];
            alpha2[c] = tmp[2];
            dval[c] = d;
            y[mi] = a * yi + om * yj;
            y[ma] = om * yi + a * yj;
            int in = i * n, jn = j * n, mn = mi * n, xn = ma * n, tb = tapeOff[c] - lo[c];
            for (int r = lo[c], end = hi[c]; r <= end; r++) {
                double pi = col[in + r], pj = col[jn + r];
                tapeD[tb + r] = pj - pi;
                col[mn + r] = a * pi + om * pj;
                col[xn + r] = om * pi + a * pj;
            }
        }
    }

    /** The same with tangents of y and P along every input direction. */
    private void forwardTangents(double[] x, int off) {
        ensureTangents();
        final int nn = n;
        java.util.Arrays.fill(col, 0.0);
        for (double[] v : dcol) java.util.Arrays.fill(v, 0.0);
        for (int w = 0; w < nn; w++) {
            col[w * nn + w] = 1;
            y[w] = x[off + w];
            java.util.Arrays.fill(dy[w], 0.0);
            dy[w][w] = 1;
        }
        final double[] ad = adot;
        for (int c = 0; c < k; c++) {
            int i = ca[c], j = cb[c];
            boolean up = cmin[c] == i; // min to wire a (ascending comparator)
            double yi = y[i], yj = y[j], d = yj - yi;
            sigmoid.evaluate(d, beta, lambda, tmp);
            double a = tmp[0], om = 1 - a, a1 = tmp[1];
            alpha[c] = a;
            alpha1[c] = a1;
            alpha2[c] = tmp[2];
            dval[c] = d;
            double ymin = a * yi + om * yj, ymax = om * yi + a * yj;
            y[up ? i : j] = ymin;
            y[up ? j : i] = ymax;
            double[] di = dy[i], dj = dy[j], dd = ddot[c];
            double[] dmin = up ? di : dj, dmax = up ? dj : di;
            final int l0 = lo[c], l1 = hi[c] + 1;
            for (int t = l0; t < l1; t++) {
                double ti = di[t], tj = dj[t], e = tj - ti, s = a1 * e;
                dd[t] = e;
                ad[t] = s;
                dmin[t] = a * ti + om * tj - s * d;
                dmax[t] = om * ti + a * tj + s * d;
            }
            int in = i * nn, jn = j * nn, tb = tapeOff[c] - lo[c];
            for (int r = l0; r < l1; r++) {
                double pi = col[in + r], pj = col[jn + r], dD = pj - pi;
                tapeD[tb + r] = dD;
                double pmin = a * pi + om * pj, pmax = om * pi + a * pj;
                col[(up ? in : jn) + r] = pmin;
                col[(up ? jn : in) + r] = pmax;
                double[] ci = dcol[in + r], cj = dcol[jn + r], tape = tapeDD[tb + r];
                double[] cmn = up ? ci : cj, cmx = up ? cj : ci;
                for (int t = l0; t < l1; t++) {
                    double ti = ci[t], tj = cj[t], tD = tj - ti, s = ad[t] * dD;
                    tape[t] = tD;
                    cmn[t] = a * ti + om * tj - s;
                    cmx[t] = om * ti + a * tj + s;
                }
            }
        }
    }

    /** BCE of P against the ranks; fills P̄ (and its tangents when {@code tangents}); returns the loss. */
    private double lossAndSeed(boolean tangents) {
        final int nn = n;
        double inv = 1.0 / ((double) nn * nn);
        double sum = 0;
        for (int w = 0; w < nn; w++) {
            for (int r = 0; r < nn; r++) {
                int e = w * nn + r;
                double p = col[e];
                boolean q = rank[r] == w;
                sum += Bce.value(p, q);
                pbar[e] = Bce.d1(p, q) * inv;
                if (tangents) {
                    double h = (torchCurvature ? torchD2(p, q) : Bce.d2(p, q)) * inv;
                    double[] src = dcol[e], dst = dpbar[e];
                    for (int t = 0; t < nn; t++) dst[t] = h * src[t];
                }
            }
        }
        java.util.Arrays.fill(ybar, 0.0);
        if (tangents) for (double[] v : dybar) java.util.Arrays.fill(v, 0.0);
        return sum * inv;
    }

    /**
     * torch's second derivative of BCE (binary_cross_entropy_double_backward, torch 1.13):
     * (p² − 2pq + q) / ((p + ε)² (1 − p + ε)²), ε = 1e-12, instead of the exact 1/p² or 1/(1−p)². Only for
     * reproducing torch's Hessians in tests: it differs from the exact value by a relative ~2ε/p.
     */
    static double torchD2(double p, boolean q) {
        double qq = q ? 1 : 0, a = p + TORCH_EPS, b = 1 - p + TORCH_EPS;
        return (p * p - 2 * p * qq + qq) / (a * a * b * b);
    }

    private static final double TORCH_EPS = 1e-12;

    /** Reverse sweep without tangents: leaves ∂ℓ/∂x in ybar. */
    private void reverse() {
        final int nn = n;
        for (int c = k - 1; c >= 0; c--) {
            int i = ca[c], j = cb[c], mi = cmin[c], ma = cmax[c];
            double a = alpha[c], om = 1 - a, d = dval[c];
            double yu = ybar[mi], yw = ybar[ma];
            double abar = (yw - yu) * d;
            int in = i * nn, jn = j * nn, mn = mi * nn, xn = ma * nn, tb = tapeOff[c] - lo[c];
            for (int r = lo[c], end = hi[c]; r <= end; r++) {
                double u = pbar[mn + r], w = pbar[xn + r];
                abar += (w - u) * tapeD[tb + r];
                pbar[in + r] = a * u + om * w;
                pbar[jn + r] = om * u + a * w;
            }
            double dbar = abar * alpha1[c];
            ybar[i] = a * yu + om * yw - dbar;
            ybar[j] = om * yu + a * yw + dbar;
        }
    }

    /** Reverse sweep on dual numbers: ∂ℓ/∂x in ybar, ∂²ℓ/∂x∂x_t in dybar[w][t]. */
    private void reverseTangents() {
        final int nn = n;
        final double[] ad = adot, abd = abarDot;
        for (int c = k - 1; c >= 0; c--) {
            int i = ca[c], j = cb[c];
            boolean up = cmin[c] == i;
            int mi = up ? i : j, ma = up ? j : i;
            double a = alpha[c], om = 1 - a, d = dval[c], a1 = alpha1[c], a2 = alpha2[c];
            int in = i * nn, jn = j * nn, mn = mi * nn, xn = ma * nn, tb = tapeOff[c] - lo[c];
            double yu = ybar[mi], yw = ybar[ma], dyw = yw - yu;
            double abar = dyw * d;
            double[] dd = ddot[c], yuT = dybar[mi], ywT = dybar[ma];
            for (int t = 0; t < nn; t++) {
                ad[t] = a1 * dd[t];
                abd[t] = (ywT[t] - yuT[t]) * d + dyw * dd[t];
            }
            for (int r = lo[c], end = hi[c]; r <= end; r++) {
                double u = pbar[mn + r], w = pbar[xn + r], dD = tapeD[tb + r], delta = w - u;
                abar += delta * dD;
                pbar[in + r] = a * u + om * w;
                pbar[jn + r] = om * u + a * w;
                double[] tuA = dpbar[mn + r], twA = dpbar[xn + r], tape = tapeDD[tb + r];
                double[] outI = up ? tuA : twA, outJ = up ? twA : tuA;
                for (int t = 0; t < nn; t++) {
                    double tu = tuA[t], tw = twA[t], s = ad[t] * delta;
                    abd[t] += (tw - tu) * dD + delta * tape[t];
                    outI[t] = a * tu + om * tw - s;
                    outJ[t] = om * tu + a * tw + s;
                }
            }
            double dbar = abar * a1, a2abar = abar * a2;
            ybar[i] = a * yu + om * yw - dbar;
            ybar[j] = om * yu + a * yw + dbar;
            double[] outI = up ? yuT : ywT, outJ = up ? ywT : yuT;
            for (int t = 0; t < nn; t++) {
                double tu = yuT[t], tw = ywT[t], s = ad[t] * dyw;
                double tdbar = abd[t] * a1 + a2abar * dd[t];
                outI[t] = a * tu + om * tw - s - tdbar;
                outJ[t] = om * tu + a * tw + s + tdbar;
            }
        }
    }

    /**
     * Loss of the sample at x[off..], ranks already in {@link #rank}; gradient to grad[gOff..], Hessian (row-major)
     * to hess[hOff..] when hess is not null.
     */
    double evaluate(double[] x, int off, double[] grad, int gOff, double[] hess, int hOff) {
        double value;
        if (hess == null) {
            forward(x, off);
            value = lossAndSeed(false);
            reverse();
        } else {
            forwardTangents(x, off);
            value = lossAndSeed(true);
            reverseTangents();
            for (int w = 0; w < n; w++) System.arraycopy(dybar[w], 0, hess, hOff + w * n, n);
        }
        System.arraycopy(ybar, 0, grad, gOff, n);
        return value;
    }

    /**
     * Loss, gradient and generalised Gauss-Newton matrix {@code Jᵀ W J} (J = ∂P/∂x from the forward tangents, W the
     * diagonal BCE curvature ∂²ℓ/∂P², exact as in {@link Bce}) into gn[gnOff..] (row-major). PSD by construction.
     */
    double evaluateGaussNewton(double[] x, int off, double[] grad, int gOff, double[] gn, int gnOff) {
        forwardTangents(x, off);
        double value = lossAndSeed(false);
        reverse();
        System.arraycopy(ybar, 0, grad, gOff, n);
        final int nn = n;
        double inv = 1.0 / ((double) nn * nn);
        java.util.Arrays.fill(gn, gnOff, gnOff + nn * nn, 0.0);
        for (int w = 0; w < nn; w++) {
            for (int r = 0; r < nn; r++) {
                int e = w * nn + r;
                double h = Bce.d2(col[e], rank[r] == w) * inv;
                if (h == 0) continue;
                double[] jt = dcol[e];
                for (int s2 = 0; s2 < nn; s2++) {
                    double hs = h * jt[s2];
                    if (hs == 0) continue;
                    int row = gnOff + s2 * nn;
                    for (int t = s2; t < nn; t++) gn[row + t] += hs * jt[t];
                }
            }
        }
        for (int s2 = 0; s2 < nn; s2++)
            for (int t = 0; t < s2; t++) gn[gnOff + s2 * nn + t] = gn[gnOff + t * nn + s2];
        return value;
    }

    /** P (row-major, P[i][j] = weight of input i at ascending rank j) of x[off..] into p[pOff..]. */
    void permutationMatrix(double[] x, int off, double[] p, int pOff) {
        forward(x, off);
        for (int r = 0; r < n; r++)
            for (int w = 0; w < n; w++) p[pOff + r * n + w] = col[w * n + r];
    }

    /** The soft-sorted values (ascending) of the last forward run. */
    void softSorted(double[] x, int off, double[] out, int oOff) {
        forward(x, off);
        System.arraycopy(y, 0, out, oOff, n);
    }
}
