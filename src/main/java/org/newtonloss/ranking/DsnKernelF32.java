package org.newtonloss.ranking;

/**
 * Float twin of {@link DsnKernel} (same algorithm and layout, float arithmetic, written out from it so the JIT can
 * vectorise twice as many lanes). The BCE derivatives use torch's floor max(p(1−p), 1e-12) so they stay within float
 * range; see {@link #lossAndSeed}.
 *
 * <p>The DSN loss of one sample: relaxed permutation matrix P, BCE against the true permutation, gradient by
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
final class DsnKernelF32 {
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
    private final float beta, lambda;

    // forward state
    private final float[] col, y;
    private final float[] alpha, alpha1, alpha2, dval, tapeD;
    // reverse state
    private final float[] pbar, ybar;
    final int[] rank;
    private final float[] tmp = new float[3];
    /** torch's BCE backward floor on p(1−p). */
    private static final float BCE_EPS = 1e-12f;
    // tangents (allocated on the first Hessian request)
    private float[][] dcol, dy, tapeDD, ddot, dpbar, dybar;
    private float[] adot, abarDot;

    DsnKernelF32(int n, int[][] net, Sigmoid sigmoid, float beta, float lambda) {
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
        col = new float[n * n];
        y = new float[n];
        alpha = new float[k];
        alpha1 = new float[k];
        alpha2 = new float[k];
        dval = new float[k];
        tapeD = new float[tapeRows];
        pbar = new float[n * n];
        ybar = new float[n];
        rank = new int[n];
    }

    /** Numbers in the tapes (for tests: the band bookkeeping must shrink them below K·n). */
    int tapeRows() { return tapeRows; }

    private void ensureTangents() {
        if (dcol != null) return;
        dcol = new float[n * n][n];
        dy = new float[n][n];
        tapeDD = new float[tapeRows][n];
        ddot = new float[k][n];
        dpbar = new float[n * n][n];
        dybar = new float[n][n];
        adot = new float[n];
        abarDot = new float[n];
    }

    /** Runs the relaxed network on x[off .. off+n), leaving P in {@code col} and the tape filled. */
    private void forward(float[] x, int off) {
        java.util.Arrays.fill(col, 0f);
        for (int w = 0; w < n; w++) {
            col[w * n + w] = 1f;
            y[w] = x[off + w];
        }
        for (int c = 0; c < k; c++) {
            int i = ca[c], j = cb[c], mi = cmin[c], ma = cmax[c];
            float yi = y[i], yj = y[j], d = yj - yi;
            sigmoid.evaluate(d, beta, lambda, tmp);
            float a = tmp[0], om = 1 - a;
            alpha[c] = a;
            alpha1[c] = tmp[1];
            alpha2[c] = tmp[2];
            dval[c] = d;
            y[mi] = a * yi + om * yj;
            y[ma] = om * yi + a * yj;
            int in = i * n, jn = j * n, mn = mi * n, xn = ma * n, tb = tapeOff[c] - lo[c];
            for (int r = lo[c], end = hi[c]; r <= end; r++) {
                float pi = col[in + r], pj = col[jn + r];
                tapeD[tb + r] = pj - pi;
                col[mn + r] = a * pi + om * pj;
                col[xn + r] = om * pi + a * pj;
            }
        }
    }

    /** The same with tangents of y and P along every input direction. */
    private void forwardTangents(float[] x, int off) {
        ensureTangents();
        final int nn = n;
        java.util.Arrays.fill(col, 0f);
        for (float[] v : dcol) java.util.Arrays.fill(v, 0f);
        for (int w = 0; w < nn; w++) {
            col[w * nn + w] = 1f;
            y[w] = x[off + w];
            java.util.Arrays.fill(dy[w], 0f);
            dy[w][w] = 1;
        }
        final float[] ad = adot;
        for (int c = 0; c < k; c++) {
            int i = ca[c], j = cb[c];
            boolean up = cmin[c] == i; // min to wire a (ascending comparator)
            float yi = y[i], yj = y[j], d = yj - yi;
            sigmoid.evaluate(d, beta, lambda, tmp);
            float a = tmp[0], om = 1 - a, a1 = tmp[1];
            alpha[c] = a;
            alpha1[c] = a1;
            alpha2[c] = tmp[2];
            dval[c] = d;
            float ymin = a * yi + om * yj, ymax = om * yi + a * yj;
            y[up ? i : j] = ymin;
            y[up ? j : i] = ymax;
            float[] di = dy[i], dj = dy[j], dd = ddot[c];
            float[] dmin = up ? di : dj, dmax = up ? dj : di;
            final int l0 = lo[c], l1 = hi[c] + 1;
            for (int t = l0; t < l1; t++) {
                float ti = di[t], tj = dj[t], e = tj - ti, s = a1 * e;
                dd[t] = e;
                ad[t] = s;
                dmin[t] = a * ti + om * tj - s * d;
                dmax[t] = om * ti + a * tj + s * d;
            }
            int in = i * nn, jn = j * nn, tb = tapeOff[c] - lo[c];
            for (int r = l0; r < l1; r++) {
                float pi = col[in + r], pj = col[jn + r], dD = pj - pi;
                tapeD[tb + r] = dD;
                float pmin = a * pi + om * pj, pmax = om * pi + a * pj;
                col[(up ? in : jn) + r] = pmin;
                col[(up ? jn : in) + r] = pmax;
                float[] ci = dcol[in + r], cj = dcol[jn + r], tape = tapeDD[tb + r];
                float[] cmn = up ? ci : cj, cmx = up ? cj : ci;
                for (int t = l0; t < l1; t++) {
                    float ti = ci[t], tj = cj[t], tD = tj - ti, s = ad[t] * dD;
                    tape[t] = tD;
                    cmn[t] = a * ti + om * tj - s;
                    cmx[t] = om * ti + a * tj + s;
                }
            }
        }
    }

    /**
     * BCE of P against the ranks (logs clamped at −100); fills P̄ (and its tangents when {@code tangents}); returns
     * the loss. Derivatives are those of torch's backward, (p − q)/max(p(1−p), 1e-12), and of that expression again
     * for the second derivative (1/p² or 1/(1−p)² above the floor, 1e12 on it).
     */
    private float lossAndSeed(boolean tangents) {
        final int nn = n;
        float inv = 1f / ((float) nn * nn);
        double sum = 0;
        for (int w = 0; w < nn; w++) {
            for (int r = 0; r < nn; r++) {
                int e = w * nn + r;
                float p = col[e];
                boolean q = rank[r] == w;
                float s = q ? p : 1 - p; // the probability whose log is taken
                sum += Math.max(Math.log(s), Bce.LOG_CLAMP);
                float pq = p * (1 - p);
                boolean floored = !(pq > BCE_EPS);
                pbar[e] = (q ? p - 1 : p) / (floored ? BCE_EPS : pq) * inv;
                if (tangents) {
                    float h = (floored ? 1 / BCE_EPS : 1 / (s * s)) * inv;
                    float[] src = dcol[e], dst = dpbar[e];
                    for (int t = 0; t < nn; t++) dst[t] = h * src[t];
                }
            }
        }
        java.util.Arrays.fill(ybar, 0f);
        if (tangents) for (float[] v : dybar) java.util.Arrays.fill(v, 0f);
        return (float) (-sum * inv);
    }

    /** Reverse sweep without tangents: leaves ∂ℓ/∂x in ybar. */
    private void reverse() {
        final int nn = n;
        for (int c = k - 1; c >= 0; c--) {
            int i = ca[c], j = cb[c], mi = cmin[c], ma = cmax[c];
            float a = alpha[c], om = 1 - a, d = dval[c];
            float yu = ybar[mi], yw = ybar[ma];
            float abar = (yw - yu) * d;
            int in = i * nn, jn = j * nn, mn = mi * nn, xn = ma * nn, tb = tapeOff[c] - lo[c];
            for (int r = lo[c], end = hi[c]; r <= end; r++) {
                float u = pbar[mn + r], w = pbar[xn + r];
                abar += (w - u) * tapeD[tb + r];
                pbar[in + r] = a * u + om * w;
                pbar[jn + r] = om * u + a * w;
            }
            float dbar = abar * alpha1[c];
            ybar[i] = a * yu + om * yw - dbar;
            ybar[j] = om * yu + a * yw + dbar;
        }
    }

    /** Reverse sweep on dual numbers: ∂ℓ/∂x in ybar, ∂²ℓ/∂x∂x_t in dybar[w][t]. */
    private void reverseTangents() {
        final int nn = n;
        final float[] ad = adot, abd = abarDot;
        for (int c = k - 1; c >= 0; c--) {
            int i = ca[c], j = cb[c];
            boolean up = cmin[c] == i;
            int mi = up ? i : j, ma = up ? j : i;
            float a = alpha[c], om = 1 - a, d = dval[c], a1 = alpha1[c], a2 = alpha2[c];
            int in = i * nn, jn = j * nn, mn = mi * nn, xn = ma * nn, tb = tapeOff[c] - lo[c];
            float yu = ybar[mi], yw = ybar[ma], dyw = yw - yu;
            float abar = dyw * d;
            float[] dd = ddot[c], yuT = dybar[mi], ywT = dybar[ma];
            for (int t = 0; t < nn; t++) {
                ad[t] = a1 * dd[t];
                abd[t] = (ywT[t] - yuT[t]) * d + dyw * dd[t];
            }
            for (int r = lo[c], end = hi[c]; r <= end; r++) {
                float u = pbar[mn + r], w = pbar[xn + r], dD = tapeD[tb + r], delta = w - u;
                abar += delta * dD;
                pbar[in + r] = a * u + om * w;
                pbar[jn + r] = om * u + a * w;
                float[] tuA = dpbar[mn + r], twA = dpbar[xn + r], tape = tapeDD[tb + r];
                float[] outI = up ? tuA : twA, outJ = up ? twA : tuA;
                for (int t = 0; t < nn; t++) {
                    float tu = tuA[t], tw = twA[t], s = ad[t] * delta;
                    abd[t] += (tw - tu) * dD + delta * tape[t];
                    outI[t] = a * tu + om * tw - s;
                    outJ[t] = om * tu + a * tw + s;
                }
            }
            float dbar = abar * a1, a2abar = abar * a2;
            ybar[i] = a * yu + om * yw - dbar;
            ybar[j] = om * yu + a * yw + dbar;
            float[] outI = up ? yuT : ywT, outJ = up ? ywT : yuT;
            for (int t = 0; t < nn; t++) {
                float tu = yuT[t], tw = ywT[t], s = ad[t] * dyw;
                float tdbar = abd[t] * a1 + a2abar * dd[t];
                outI[t] = a * tu + om * tw - s - tdbar;
                outJ[t] = om * tu + a * tw + s + tdbar;
            }
        }
    }

    /**
     * Loss of the sample at x[off..], ranks already in {@link #rank}; gradient to grad[gOff..], Hessian (row-major)
     * to hess[hOff..] when hess is not null.
     */
    /** Stable ascending ranks of target[off .. off+n) into {@link #rank}, without allocating. */
    void ranks(float[] target, int off) {
        Ranks.stableAscendingRanksNoAlloc(target, off, n, rank);
    }

    float evaluate(float[] x, int off, float[] grad, int gOff, float[] hess, int hOff) {
        float value;
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

}
