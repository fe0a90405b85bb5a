package org.newtonloss.ranking;

/**
 * Float twin of {@link DsnKernel} (same algorithm and layout, float arithmetic, written out by hand so the JIT can
 * vectorise twice as many lanes). The BCE derivatives use torch's floor max(p(1−p), 1e-12) so they stay within float
 * range; see {@link #lossAndSeed}.
 *
 * <p>The DSN loss of one sample: relaxed permutation matrix P, BCE against the true permutation, gradient by
 * a reverse sweep and the exact Hessian by forward-over-reverse differentiation (the reverse sweep run on dual
 * numbers with n tangent lanes, one per input direction). A kernel is a workspace for one n and one network and is
 * used by one thread at a time.
 *
 * <p>Layout: P is stored by columns ({@code col[w*n + r]} = P[r][w], r = input, w = wire/rank) because a comparator
 * mixes two columns; a tangent lane index t is innermost everywhere ({@code dcol[(w*n + r)*n + t]}), so the inner
 * loops run over contiguous lanes. The tape keeps, per comparator k, what the reverse sweep needs: α, α', α'', d,
 * the tangent of d, the column difference D = c_b − c_a before the comparator and its tangents.
 *
 * <p>Cost per sample with K comparators: value and gradient O(K·n); Hessian O(K·n²) (≈ 14 flops per
 * comparator·row·lane), memory O(K·n²) for the tape.
 */
final class DsnKernelF32 {
    final int n;
    private final int k;
    private final int[] ca, cb, cmin, cmax;
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
    private float[] dcol, dy, tapeDD, ddot, dpbar, dybar, adot, abarDot;

    DsnKernelF32(int n, int[][] net, Sigmoid sigmoid, float beta, float lambda) {
        this.n = n;
        this.k = net[0].length;
        this.ca = net[0];
        this.cb = net[1];
        this.cmin = net[2];
        this.cmax = net[3];
        this.sigmoid = sigmoid;
        this.beta = beta;
        this.lambda = lambda;
        col = new float[n * n];
        y = new float[n];
        alpha = new float[k];
        alpha1 = new float[k];
        alpha2 = new float[k];
        dval = new float[k];
        tapeD = new float[Math.multiplyExact(k, n)];
        pbar = new float[n * n];
        ybar = new float[n];
        rank = new int[n];
    }

    private void ensureTangents() {
        if (dcol != null) return;
        dcol = new float[n * n * n];
        dy = new float[n * n];
        tapeDD = new float[Math.multiplyExact(k, n * n)];
        ddot = new float[k * n];
        dpbar = new float[n * n * n];
        dybar = new float[n * n];
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
            int in = i * n, jn = j * n, mn = mi * n, xn = ma * n, kn = c * n;
            for (int r = 0; r < n; r++) {
                float pi = col[in + r], pj = col[jn + r];
                tapeD[kn + r] = pj - pi;
                col[mn + r] = a * pi + om * pj;
                col[xn + r] = om * pi + a * pj;
            }
        }
    }

    /** The same with tangents of y and P along every input direction. */
    private void forwardTangents(float[] x, int off) {
        ensureTangents();
        java.util.Arrays.fill(col, 0f);
        java.util.Arrays.fill(dcol, 0f);
        java.util.Arrays.fill(dy, 0f);
        for (int w = 0; w < n; w++) {
            col[w * n + w] = 1f;
            y[w] = x[off + w];
            dy[w * n + w] = 1;
        }
        final int nn = n;
        for (int c = 0; c < k; c++) {
            int i = ca[c], j = cb[c], mi = cmin[c], ma = cmax[c];
            float yi = y[i], yj = y[j], d = yj - yi;
            sigmoid.evaluate(d, beta, lambda, tmp);
            float a = tmp[0], om = 1 - a, a1 = tmp[1];
            alpha[c] = a;
            alpha1[c] = a1;
            alpha2[c] = tmp[2];
            dval[c] = d;
            y[mi] = a * yi + om * yj;
            y[ma] = om * yi + a * yj;
            int in = i * nn, jn = j * nn, mn = mi * nn, xn = ma * nn, kn = c * nn;
            for (int t = 0; t < nn; t++) {
                float dyi = dy[in + t], dyj = dy[jn + t], dd = dyj - dyi, ad = a1 * dd;
                ddot[kn + t] = dd;
                adot[t] = ad;
                dy[mn + t] = dyj - a * dd - ad * d;
                dy[xn + t] = dyi + a * dd + ad * d;
            }
            for (int r = 0; r < nn; r++) {
                float pi = col[in + r], pj = col[jn + r], dD = pj - pi;
                tapeD[kn + r] = dD;
                col[mn + r] = a * pi + om * pj;
                col[xn + r] = om * pi + a * pj;
                int bi = (in + r) * nn, bj = (jn + r) * nn, bmin = (mn + r) * nn, bmax = (xn + r) * nn;
                int bt = (kn + r) * nn;
                for (int t = 0; t < nn; t++) {
                    float ti = dcol[bi + t], tj = dcol[bj + t], tD = tj - ti, s = adot[t] * dD;
                    tapeDD[bt + t] = tD;
                    dcol[bmin + t] = tj - a * tD - s;
                    dcol[bmax + t] = ti + a * tD + s;
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
                    int b = e * nn;
                    for (int t = 0; t < nn; t++) dpbar[b + t] = h * dcol[b + t];
                }
            }
        }
        java.util.Arrays.fill(ybar, 0f);
        if (tangents) java.util.Arrays.fill(dybar, 0f);
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
            int in = i * nn, jn = j * nn, mn = mi * nn, xn = ma * nn, kn = c * nn;
            for (int r = 0; r < nn; r++) {
                float u = pbar[mn + r], w = pbar[xn + r];
                abar += (w - u) * tapeD[kn + r];
                pbar[in + r] = a * u + om * w;
                pbar[jn + r] = om * u + a * w;
            }
            float dbar = abar * alpha1[c];
            ybar[i] = a * yu + om * yw - dbar;
            ybar[j] = om * yu + a * yw + dbar;
        }
    }

    /** Reverse sweep on dual numbers: ∂ℓ/∂x in ybar, ∂²ℓ/∂x∂x_t in dybar[w*n + t]. */
    private void reverseTangents() {
        final int nn = n;
        for (int c = k - 1; c >= 0; c--) {
            int i = ca[c], j = cb[c], mi = cmin[c], ma = cmax[c];
            float a = alpha[c], om = 1 - a, d = dval[c], a1 = alpha1[c], a2 = alpha2[c];
            int in = i * nn, jn = j * nn, mn = mi * nn, xn = ma * nn, kn = c * nn;
            float yu = ybar[mi], yw = ybar[ma], dyw = yw - yu;
            float abar = dyw * d;
            for (int t = 0; t < nn; t++) {
                float dd = ddot[kn + t];
                adot[t] = a1 * dd;
                abarDot[t] = (dybar[xn + t] - dybar[mn + t]) * d + dyw * dd;
            }
            for (int r = 0; r < nn; r++) {
                float u = pbar[mn + r], w = pbar[xn + r], dD = tapeD[kn + r], delta = w - u;
                abar += delta * dD;
                pbar[in + r] = a * u + om * w;
                pbar[jn + r] = om * u + a * w;
                int bu = (mn + r) * nn, bw = (xn + r) * nn, bi = (in + r) * nn, bj = (jn + r) * nn;
                int bt = (kn + r) * nn;
                for (int t = 0; t < nn; t++) {
                    float tu = dpbar[bu + t], tw = dpbar[bw + t], s = adot[t] * delta;
                    abarDot[t] += (tw - tu) * dD + delta * tapeDD[bt + t];
                    dpbar[bi + t] = a * tu + om * tw - s;
                    dpbar[bj + t] = om * tu + a * tw + s;
                }
            }
            float dbar = abar * a1, a2abar = abar * a2;
            ybar[i] = a * yu + om * yw - dbar;
            ybar[j] = om * yu + a * yw + dbar;
            for (int t = 0; t < nn; t++) {
                float tu = dybar[mn + t], tw = dybar[xn + t], s = adot[t] * dyw;
                float tdbar = abarDot[t] * a1 + a2abar * ddot[kn + t];
                dybar[in + t] = a * tu + om * tw - s - tdbar;
                dybar[jn + t] = om * tu + a * tw + s + tdbar;
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
            System.arraycopy(dybar, 0, hess, hOff, n * n);
        }
        System.arraycopy(ybar, 0, grad, gOff, n);
        return value;
    }

}
