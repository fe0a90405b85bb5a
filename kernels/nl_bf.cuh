// AlgoVision's relaxed Bellman-Ford with the For loop (org.newtonloss.paths.RelaxedBellmanFord, loop=for) and an
// L1 or squared L2 loss to the true map: loss and reverse-mode gradient, templated on the scalar S. Run on
// Dual<double> seeded at cost k it gives column k of the exact Hessian (forward-over-reverse, as the DSN kernels).
// Every primal and adjoint operation is evaluated in the order of the Java class, so gradients agree to rounding.
//
// Scratch (S values per thread, strided): g[m] (the gradient, read by the kernel bodies), D[(N+1)·pad],
// W[8m] (last sweep's weights), T[(N+1)·m], X[(N+1)·m], dBar[pad], dBarPrev[pad], tBar[m], xBar[m], xBarNext[m],
// wBar[8m]; pad = (H+2)(W+2).
#pragma once

#include "nl_common.cuh"

namespace nl {

/** t-conorm indices shared with org.newtonloss.cuda.BellmanFordKernel. */
enum BfTConorm { BF_PROBABILISTIC = 0, BF_HAMACHER = 1, BF_YAGER = 2 };

struct BfSpec {
    int rows, cols, iterations;  // grid H×W, sweeps N (= For traceback steps)
    double beta;
    int tconorm;
    double p;    // Hamacher's parameter
    int absorb;  // 1: start=absorb (trace mass reaching the start leaves the trace)
    int l2;      // 1: squared L2 loss, 0: L1
    NL_HD int cells() const { return rows * cols; }
    NL_HD int padded() const { return (rows + 2) * (cols + 2); }
};

constexpr double BF_INFTY = 1e12;

NL_HD long long bf_scratch(const BfSpec& b) {
    const long long n = b.cells(), pad = b.padded(), N = b.iterations;
    return n + (N + 1) * pad + 8 * n + 2 * (N + 1) * n + 2 * pad + 3 * n + 8 * n;
}

/** Cell v's padded index, and its k-th neighbour's (the 3×3 window row by row without the centre). */
NL_HD int bf_pad_of(const BfSpec& b, int v) { return (v / b.cols + 1) * (b.cols + 2) + v % b.cols + 1; }
NL_HD int bf_dr(int k) { return k < 3 ? -1 : (k < 5 ? 0 : 1); }
NL_HD int bf_dq(int k) { return k == 0 || k == 3 || k == 5 ? -1 : (k == 1 || k == 6 ? 0 : 1); }
NL_HD int bf_nb_pad(const BfSpec& b, int v, int k) {
    return (v / b.cols + 1 + bf_dr(k)) * (b.cols + 2) + v % b.cols + 1 + bf_dq(k);
}
/** The k-th neighbour's grid index, −1 outside the grid. */
NL_HD int bf_nb_grid(const BfSpec& b, int v, int k) {
    const int rr = v / b.cols + bf_dr(k), qq = v % b.cols + bf_dq(k);
    return rr < 0 || rr >= b.rows || qq < 0 || qq >= b.cols ? -1 : rr * b.cols + qq;
}

/** Exactly zero, tangent included. */
NL_HD bool bf_zero(double a) { return a == 0; }
template <class T> NL_HD bool bf_zero(Dual<T> a) { return a.v == 0 && a.d == 0; }

/** Softmin weights of cell v over the padded D (neighbour values into nk, weights into wk); returns Σ w n. */
template <class S>
NL_HD S bf_softmin(const BfSpec& b, Strided<S> D, int v, S* nk, S* wk) {
    S tmin = S(HUGE_VAL);
    for (int k = 0; k < 8; k++) {
        nk[k] = D[bf_nb_pad(b, v, k)];
        const S bn = b.beta * nk[k];
        if (real(bn) < real(tmin)) tmin = bn;  // Math.min: the smaller value
    }
    S s = S(0.0);
    for (int k = 0; k < 8; k++) {
        wk[k] = exp(tmin - b.beta * nk[k]);
        s += wk[k];
    }
    S f = S(0.0);
    for (int k = 0; k < 8; k++) {
        wk[k] /= s;
        f += wk[k] * nk[k];
    }
    return f;
}

/** S(a, b) and its partials S_a, S_b (TConorm.evaluate's first three outputs, same operation order). */
template <class S>
NL_HD void bf_tconorm(const BfSpec& b, S x, S y, S& s, S& sa, S& sb) {
    if (b.tconorm == BF_PROBABILISTIC) {
        s = (x + y) - x * y;
        sa = 1.0 - y;
        sb = 1.0 - x;
    } else if (b.tconorm == BF_HAMACHER) {
        const double p = b.p;
        S num = x + y + (p - 2) * x * y;
        S den = 1.0 + (p - 1) * x * y;
        s = num / den;
        sa = (1.0 + (p - 2) * y - s * (p - 1) * y) / den;
        sb = (1.0 + (p - 2) * x - s * (p - 1) * x) / den;
    } else {  // Yager (w = 1): 1 − relu(1 − a − b), relu'(0) = 0
        S r = 1.0 - x - y;
        const bool open = real(r) > 0;
        s = open ? 1.0 - r : S(1.0);
        sa = S(open ? 1.0 : 0.0);
        sb = sa;
    }
}

/**
 * Loss of one sample and its gradient into w[0 .. m); costs c[0 .. m) (IO), truth the 0/1 map as ints.
 * dir ≥ 0 seeds the tangent of cost dir (S = Dual: the gradient's tangents are Hessian column dir).
 */
template <class S, class In>
NL_HD S bf_loss_grad(const BfSpec& b, const In* c, const int* truth, int dir, Strided<S> w) {
    const int n = b.cells(), N = b.iterations, pad = b.padded(), padStart = b.cols + 3;
    Strided<S> g = w, D = w.offset(n), W = D.offset((long long)(N + 1) * pad), T = W.offset(8LL * n),
               X = T.offset((long long)(N + 1) * n), dBar = X.offset((long long)(N + 1) * n), dBarPrev = dBar.offset(pad),
               tBar = dBarPrev.offset(pad), xBar = tBar.offset(n), xBarNext = xBar.offset(n), wBar = xBarNext.offset(n);
    auto cost = [&](int v) {
        S cv = S(double(c[v]));
        if (v == dir) seed(cv);
        return cv;
    };
    S nk[8], wk[8];
    // sweeps
    for (int q = 0; q < pad; q++) D[q] = S(BF_INFTY);
    D[padStart] = S(0.0);
    for (int i = 1; i <= N; i++) {
        Strided<S> prev = D.offset((long long)(i - 1) * pad), cur = D.offset((long long)i * pad);
        for (int q = 0; q < pad; q++) cur[q] = S(BF_INFTY);
        for (int v = 0; v < n; v++) {
            S f = bf_softmin(b, prev, v, nk, wk);
            cur[bf_pad_of(b, v)] = f + cost(v);
            if (i == N)
                for (int k = 0; k < 8; k++) W[8 * v + k] = wk[k];
        }
        cur[padStart] = S(0.0);
    }
    // traceback (For): T_{k+1} = S(T_k, x_k), x_{k+1} = the trace moved one step along the weights
    for (int v = 0; v < n; v++) {
        T[v] = S(0.0);
        X[v] = S(0.0);
    }
    X[n - 1] = S(1.0);
    for (int k = 0; k < N; k++) {
        Strided<S> tk = T.offset((long long)k * n), xk = X.offset((long long)k * n), tn = T.offset((long long)(k + 1) * n),
                   xn = X.offset((long long)(k + 1) * n);
        for (int v = 0; v < n; v++) {
            S s, sa, sb;
            bf_tconorm(b, tk[v], xk[v], s, sa, sb);
            tn[v] = s;
        }
        for (int v = 0; v < n; v++) xn[v] = S(0.0);
        for (int v = b.absorb ? 1 : 0; v < n; v++) {
            const S xv = xk[v];
            if (real(xv) == 0) continue;
            for (int j = 0; j < 8; j++) {
                const int u = bf_nb_grid(b, v, j);
                if (u < 0) continue;
                xn[u] += xv * W[8 * v + j];
            }
        }
    }
    // loss and its adjoint
    Strided<S> out = T.offset((long long)N * n);
    S value = S(0.0);
    for (int v = 0; v < n; v++) {
        const S r = out[v] - double(truth[v]);
        if (b.l2) {
            value += r * r;
            tBar[v] = 2.0 * r;
        } else {
            value += fabs(r);
            tBar[v] = S(real(r) > 0 ? 1.0 : (real(r) < 0 ? -1.0 : 0.0));
        }
        xBar[v] = S(0.0);
        g[v] = S(0.0);
    }
    for (int q = 0; q < 8 * n; q++) wBar[q] = S(0.0);
    // reverse of the traceback
    for (int k = N - 1; k >= 0; k--) {
        Strided<S> tk = T.offset((long long)k * n), xk = X.offset((long long)k * n);
        for (int v = 0; v < n; v++) xBarNext[v] = S(0.0);
        for (int v = b.absorb ? 1 : 0; v < n; v++) {
            const S xv = xk[v];
            for (int j = 0; j < 8; j++) {
                const int u = bf_nb_grid(b, v, j);
                if (u < 0) continue;
                const S xb = xBar[u];
                xBarNext[v] += W[8 * v + j] * xb;
                wBar[8 * v + j] += xv * xb;
            }
        }
        for (int v = 0; v < n; v++) {
            const S tb = tBar[v];
            S s, sa, sb;
            bf_tconorm(b, tk[v], xk[v], s, sa, sb);
            tBar[v] = sa * tb;
            xBarNext[v] += sb * tb;
        }
        for (int v = 0; v < n; v++) xBar[v] = xBarNext[v];
    }
    // reverse of the last sweep's weights: w̄ → D̄_{N−1}
    for (int q = 0; q < pad; q++) dBar[q] = S(0.0);
    for (int v = 0; v < n; v++) {
        S mu = S(0.0);
        for (int j = 0; j < 8; j++) mu += W[8 * v + j] * wBar[8 * v + j];
        for (int j = 0; j < 8; j++) {
            const S wj = W[8 * v + j];
            if (real(wj) == 0) continue;
            dBar[bf_nb_pad(b, v, j)] += -b.beta * wj * (wBar[8 * v + j] - mu);
        }
    }
    // reverse of sweeps N−1 .. 1: D_i(v) = softmin(D_{i−1})(v) + c_v for v ≠ start
    for (int i = N - 1; i >= 1; i--) {
        Strided<S> prev = D.offset((long long)(i - 1) * pad);
        for (int q = 0; q < pad; q++) dBarPrev[q] = S(0.0);
        for (int v = 1; v < n; v++) {
            const S db = dBar[bf_pad_of(b, v)];
            if (bf_zero(db)) continue;  // cells the adjoint front has not reached (exactly zero, as in Java)
            g[v] += db;
            const S f = bf_softmin(b, prev, v, nk, wk);
            for (int j = 0; j < 8; j++) {
                if (real(wk[j]) == 0) continue;  // an underflowed weight has a zero tangent as well
                const S gk = wk[j] * (1.0 - b.beta * (nk[j] - f));
                dBarPrev[bf_nb_pad(b, v, j)] += db * gk;
            }
        }
        for (int q = 0; q < pad; q++) dBar[q] = dBarPrev[q];
    }
    return value;
}

}  // namespace nl
