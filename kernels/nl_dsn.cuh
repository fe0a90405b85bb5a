// Differentiable sorting networks (METHOD.md §2.3–4): relaxed permutation matrix P in the column convention
// (P[i][j] = weight of input i at ascending rank j), BCE against the true permutation averaged over the n²
// entries, and its exact gradient by reverse mode. Run on Dual<T> seeded with e_k, the same code gives
// column k of the exact Hessian (forward-over-reverse).
//
// The network is a flat comparator list in execution order, 3 ints each: (a, b, flip) with a < b real wires.
// d = x[b] − x[a], α = F(β d), min = α x[a] + (1−α) x[b], max = (1−α) x[a] + α x[b]; min goes to wire a and
// max to wire b, or the other way round when flip ≠ 0 (diffsort's descending bitonic comparators). Identity
// pseudo-comparators and comparators touching virtual wires are not in the list.
#pragma once

#include "nl_bce.cuh"
#include "nl_common.cuh"
#include "nl_erf.cuh"

namespace nl {

/** Comparator families, in the order of org.newtonloss.cuda.KernelIds.Sigmoid. */
enum Sigmoid { LOGISTIC = 0, LOGISTIC_PHI = 1, GAUSSIAN = 2, RECIPROCAL = 3, CAUCHY = 4, OPTIMAL = 5 };

template <class T>
struct DsnSpec {
    const int* comps;  // 3 * ncomp ints
    int ncomp;
    int n;
    int sigmoid;
    T steepness;
    T artLambda;
};

/**
 * σ(v) and σ'(v) = σ(1 − σ) through e = exp(−|v|), as org.newtonloss.ranking.Sigmoid does: no overflow, and σ'
 * stays positive where σ rounds to 1. The branch on v's sign keeps the dual parts exact (|v| would lose them at 0).
 */
template <class S>
NL_HD void logistic(S v, S& sigma, S& slope) {
    using T = typename scalar_of<S>::type;
    S e = real(v) >= 0 ? exp(-v) : exp(v);
    S s = T(1) / (T(1) + e);
    sigma = real(v) >= 0 ? s : e * s;
    slope = e * s * s;
}

/** α = F(β d) and its slope dα/dd, on any scalar (dual slopes carry second derivatives). */
template <class S, class T>
NL_HD void comparator_alpha(int sigmoid, T beta, T artLambda, S d, S& alpha, S& slope) {
    const T pi = T(3.14159265358979323846264338327950288);
    switch (sigmoid) {
        case LOGISTIC_PHI: {
            S ad = fabs(d) + T(1e-10);
            S den = pow(ad, artLambda);
            S v = beta * d / den, s1;
            logistic(v, alpha, s1);
            slope = s1 * (beta * (ad - artLambda * fabs(d)) / (ad * den));
            break;
        }
        case GAUSSIAN: {
            // Term for term as org.newtonloss.ranking.Sigmoid.GAUSSIAN: σ = 1/β, z = d/σ, α = ½ + ½ erf(z/√2).
            T sigma = T(1) / beta;
            S z = d / sigma;
            alpha = normal_cdf_cpu(z);
            slope = (T(1) / sigma) / T(2.5066282746310002) * exp(T(-0.5) * (z * z));
            break;
        }
        case RECIPROCAL: {
            S v = beta * d;
            S den = T(2) + fabs(v);
            alpha = T(0.5) * (v / den + T(1));
            slope = beta / (den * den);
            break;
        }
        case CAUCHY: {
            S v = beta * d;
            alpha = T(0.5) + atan(v) / pi;
            slope = beta / (pi * (T(1) + v * v));
            break;
        }
        case OPTIMAL: {
            S v = beta * d;
            if (fabs(real(v)) <= T(0.25)) {
                alpha = v + T(0.5);
                slope = S(beta);
            } else {
                S av = fabs(v) + T(1e-10);
                T sg = real(v) > 0 ? T(1) : T(-1);
                alpha = T(0.5) + sg * (T(0.5) - T(1) / (T(16) * av));
                slope = beta / (T(16) * av * av);
            }
            break;
        }
        default: {  // LOGISTIC
            S v = beta * d, s1;
            logistic(v, alpha, s1);
            slope = beta * s1;
            break;
        }
    }
}

/** Scratch elements (of S) that dsn_loss_grad needs per thread. */
NL_HD long long dsn_scratch(int n, int ncomp) { return 4LL * n + 5LL * ncomp; }

/**
 * Per-sample DSN loss; writes the gradient to ws[0 .. n). x: the sample's n scores (of any type X, converted to
 * T); rank[i]: true ascending rank of input i; dir ≥ 0 seeds the tangent e_dir (S = Dual), dir < 0 none.
 */
template <class S, class T, class X>
NL_HD S dsn_loss_grad(const DsnSpec<T>& p, const X* x, const int* rank, int dir, Strided<S> ws) {
    const int n = p.n, C = p.ncomp;
    Strided<S> g = ws, xs = ws.offset(n), r = ws.offset(2LL * n), gr = ws.offset(3LL * n);
    Strided<S> alpha = ws.offset(4LL * n), slope = alpha.offset(C), dd = slope.offset(C), galpha = dd.offset(C),
               rd = galpha.offset(C);
    for (int i = 0; i < n; i++) {
        xs[i] = S(T(x[i]));
        g[i] = S(T(0));
    }
    if (dir >= 0) seed(xs[dir]);
    // Forward over the values: α and its slope per comparator.
    for (int c = 0; c < C; c++) {
        int a = p.comps[3 * c], b = p.comps[3 * c + 1], f = p.comps[3 * c + 2];
        S xa = xs[a], xb = xs[b], d = xb - xa, al, sl;
        comparator_alpha(p.sigmoid, p.steepness, p.artLambda, d, al, sl);
        alpha[c] = al;
        slope[c] = sl;
        dd[c] = d;
        galpha[c] = S(T(0));
        S mn = al * xa + (T(1) - al) * xb, mx = (T(1) - al) * xa + al * xb;
        xs[a] = f ? mx : mn;
        xs[b] = f ? mn : mx;
    }
    // Rows of P one at a time: row i is e_iᵀ P, mixed like the values; its reverse pass accumulates ∂ℓ/∂α.
    const T inv = T(1) / (T(n) * T(n));
    S loss = S(T(0));
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) r[j] = S(T(i == j ? 1 : 0));
        for (int c = 0; c < C; c++) {
            int a = p.comps[3 * c], b = p.comps[3 * c + 1], f = p.comps[3 * c + 2];
            S ra = r[a], rb = r[b], al = alpha[c];
            rd[c] = ra - rb;
            S mn = al * ra + (T(1) - al) * rb, mx = (T(1) - al) * ra + al * rb;
            r[a] = f ? mx : mn;
            r[b] = f ? mn : mx;
        }
        for (int j = 0; j < n; j++) {
            S v, d1;
            bce(r[j], rank[i] == j, v, d1);
            loss += v * inv;
            gr[j] = d1 * inv;
        }
        for (int c = C - 1; c >= 0; c--) {
            int a = p.comps[3 * c], b = p.comps[3 * c + 1], f = p.comps[3 * c + 2];
            S gmn = f ? gr[b] : gr[a], gmx = f ? gr[a] : gr[b], al = alpha[c];
            gr[a] = al * gmn + (T(1) - al) * gmx;
            gr[b] = (T(1) - al) * gmn + al * gmx;
            galpha[c] += (gmn - gmx) * rd[c];
        }
    }
    // Reverse over the values: α_c depends on the values entering comparator c.
    for (int c = C - 1; c >= 0; c--) {
        int a = p.comps[3 * c], b = p.comps[3 * c + 1], f = p.comps[3 * c + 2];
        S gmn = f ? g[b] : g[a], gmx = f ? g[a] : g[b], al = alpha[c];
        S ga = galpha[c] - (gmn - gmx) * dd[c];  // ∂(min, max)/∂α = ±(x_a − x_b) = ∓d
        S gd = ga * slope[c];
        g[a] = al * gmn + (T(1) - al) * gmx - gd;
        g[b] = (T(1) - al) * gmn + al * gmx + gd;
    }
    return loss;
}

}  // namespace nl
