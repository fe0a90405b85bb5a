package org.newtonloss.ranking;

/**
 * The DSN loss of one sample in double: relaxed permutation matrix P, BCE against the true permutation, gradient by
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
final class DsnKernel {
    final int n;
    private final int k;
    private final int[] ca, cb, cmin, cmax;
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
    private double[] dcol, dy, tapeDD, ddot, dpbar, dybar, adot, abarDot;

    DsnKernel(int n, int[][] net, Sigmoid sigmoid, double beta, double lambda, boolean torchCurvature) {
        this.torchCurvature = torchCurvature;
        this.n = n;
        this.k = net[0].length;
        this.ca = net[0];
        this.cb = net[1];
        this.cmin = net[2];
        this.cmax = net[3];
        this.sigmoid = sigmoid;
        this.beta = beta;
        this.lambda = lambda;
        col = new double[n * n];
        y = new double[n];
        alpha = new double[k];
        alpha1 = new double[k];
        alpha2 = new double[k];
        dval = new double[k];
        tapeD = new double[Math.multiplyExact(k, n)];
        pbar = new double[n * n];
        ybar = new double[n];
        rank = new int[n];
    }

    /** Doubles this kernel holds when Hessians are requested (to decide whether to cache it). */
    static long footprint(int n, int comparators) {
        return (long) comparators * n * (n + 2) + 2L * n * n * n + 8L * n * n;
    }

    private void ensureTangents() {
        if (dcol != null) return;
        dcol = new double[n * n * n];
        dy = new double[n * n];
        tapeDD = new double[Math.multiplyExact(k, n * n)];
        ddot = new double[k * n];
        dpbar = new double[n * n * n];
        dybar = new double[n * n];
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
            int in = i * n, jn = j * n, mn = mi * n, xn = ma * n, kn = c * n;
            for (int r = 0; r < n; r++) {
                double pi = col[in + r], pj = col[jn + r];
                tapeD[kn + r] = pj - pi;
                col[mn + r] = a * pi + om * pj;
                col[xn + r] = om * pi + a * pj;
            }
        }
    }

    /** The same with tangents of y and P along every input direction. */
    private void forwardTangents(double[] x, int off) {
        ensureTangents();
        java.util.Arrays.fill(col, 0.0);
        java.util.Arrays.fill(dcol, 0.0);
        java.util.Arrays.fill(dy, 0.0);
        for (int w = 0; w < n; w++) {
            col[w * n + w] = 1;
            y[w] = x[off + w];
            dy[w * n + w] = 1;
        }
        final int nn = n;
        for (int c = 0; c < k; c++) {
            int i = ca[c], j = cb[c], mi = cmin[c], ma = cmax[c];
            double yi = y[i], yj = y[j], d = yj - yi;
            sigmoid.evaluate(d, beta, lambda, tmp);
            double a = tmp[0], om = 1 - a, a1 = tmp[1];
            alpha[c] = a;
            alpha1[c] = a1;
            alpha2[c] = tmp[2];
            dval[c] = d;
            y[mi] = a * yi + om * yj;
            y[ma] = om * yi + a * yj;
            int in = i * nn, jn = j * nn, mn = mi * nn, xn = ma * nn, kn = c * nn;
            for (int t = 0; t < nn; t++) {
                double dyi = dy[in + t], dyj = dy[jn + t], dd = dyj - dyi, ad = a1 * dd;
                ddot[kn + t] = dd;
                adot[t] = ad;
                dy[mn + t] = dyj - a * dd - ad * d;
                dy[xn + t] = dyi + a * dd + ad * d;
            }
            for (int r = 0; r < nn; r++) {
                double pi = col[in + r], pj = col[jn + r], dD = pj - pi;
                tapeD[kn + r] = dD;
                col[mn + r] = a * pi + om * pj;
                col[xn + r] = om * pi + a * pj;
                int bi = (in + r) * nn, bj = (jn + r) * nn, bmin = (mn + r) * nn, bmax = (xn + r) * nn;
                int bt = (kn + r) * nn;
                for (int t = 0; t < nn; t++) {
                    double ti = dcol[bi + t], tj = dcol[bj + t], tD = tj - ti, s = adot[t] * dD;
                    tapeDD[bt + t] = tD;
                    dcol[bmin + t] = tj - a * tD - s;
                    dcol[bmax + t] = ti + a * tD + s;
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
                    int b = e * nn;
                    for (int t = 0; t < nn; t++) dpbar[b + t] = h * dcol[b + t];
                }
            }
        }
        java.util.Arrays.fill(ybar, 0.0);
        if (tangents) java.util.Arrays.fill(dybar, 0.0);
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
            int in = i * nn, jn = j * nn, mn = mi * nn, xn = ma * nn, kn = c * nn;
            for (int r = 0; r < nn; r++) {
                double u = pbar[mn + r], w = pbar[xn + r];
                abar += (w - u) * tapeD[kn + r];
                pbar[in + r] = a * u + om * w;
                pbar[jn + r] = om * u + a * w;
            }
            double dbar = abar * alpha1[c];
            ybar[i] = a * yu + om * yw - dbar;
            ybar[j] = om * yu + a * yw + dbar;
        }
    }

    /** Reverse sweep on dual numbers: ∂ℓ/∂x in ybar, ∂²ℓ/∂x∂x_t in dybar[w*n + t]. */
    private void reverseTangents() {
        final int nn = n;
        for (int c = k - 1; c >= 0; c--) {
            int i = ca[c], j = cb[c], mi = cmin[c], ma = cmax[c];
            double a = alpha[c], om = 1 - a, d = dval[c], a1 = alpha1[c], a2 = alpha2[c];
            int in = i * nn, jn = j * nn, mn = mi * nn, xn = ma * nn, kn = c * nn;
            double yu = ybar[mi], yw = ybar[ma], dyw = yw - yu;
            double abar = dyw * d;
            for (int t = 0; t < nn; t++) {
                double dd = ddot[kn + t];
                adot[t] = a1 * dd;
                abarDot[t] = (dybar[xn + t] - dybar[mn + t]) * d + dyw * dd;
            }
            for (int r = 0; r < nn; r++) {
                double u = pbar[mn + r], w = pbar[xn + r], dD = tapeD[kn + r], delta = w - u;
                abar += delta * dD;
                pbar[in + r] = a * u + om * w;
                pbar[jn + r] = om * u + a * w;
                int bu = (mn + r) * nn, bw = (xn + r) * nn, bi = (in + r) * nn, bj = (jn + r) * nn;
                int bt = (kn + r) * nn;
                for (int t = 0; t < nn; t++) {
                    double tu = dpbar[bu + t], tw = dpbar[bw + t], s = adot[t] * delta;
                    abarDot[t] += (tw - tu) * dD + delta * tapeDD[bt + t];
                    dpbar[bi + t] = a * tu + om * tw - s;
                    dpbar[bj + t] = om * tu + a * tw + s;
                }
            }
            double dbar = abar * a1, a2abar = abar * a2;
            ybar[i] = a * yu + om * yw - dbar;
            ybar[j] = om * yu + a * yw + dbar;
            for (int t = 0; t < nn; t++) {
                double tu = dybar[mn + t], tw = dybar[xn + t], s = adot[t] * dyw;
                double tdbar = abarDot[t] * a1 + a2abar * ddot[kn + t];
                dybar[in + t] = a * tu + om * tw - s - tdbar;
                dybar[jn + t] = om * tu + a * tw + s + tdbar;
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
            System.arraycopy(dybar, 0, hess, hOff, n * n);
        }
        System.arraycopy(ybar, 0, grad, gOff, n);
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
