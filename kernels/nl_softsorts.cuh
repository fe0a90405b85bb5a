// NeuralSort (Grover et al. 2019) and SoftSort (Prillo & Eisenschlos 2020) with the BCE ranking loss of
// METHOD.md §2. Both are defined in the row / descending convention, P̂[i][·] = softmax over the inputs for
// rank i; they are used in the column convention P = P̂ᵀ (P[j][i] = weight of input j at ascending rank i):
//   NeuralSort: s = −x, P̂[i][j] = softmax_j(((n − 1 − 2i) s_j − Σ_k |s_j − s_k|) / τ), i = 0..n−1;
//   SoftSort:   P̂[i][j] = softmax_j(−|x_(i) − x_j|^p / τ), x_(i) the i-th smallest x (stable), p ∈ {1, 2}.
// |·| has derivative sign(·) with sign(0) = 0 (torch's convention, so ties and SoftSort's diagonal give 0).
// Per row: softmax, BCE, reverse through the softmax; O(n²) per sample for the gradient. Run on duals seeded with
// e_k for column k of the exact Hessian.
#pragma once

#include "nl_bce.cuh"
#include "nl_common.cuh"

namespace nl {

/** Rows whose largest off-target probability is within this of 1 use the log-domain form of its BCE term. */
constexpr double SATURATION = 0.25;

/**
 * One row of the relaxed permutation: p = softmax(z), its BCE against the one-hot target (the input j0 with
 * rank[j0] == i), and ∂ℓ/∂z written back into z. Mirrors org.newtonloss.ranking.SoftPermutationLoss.row: the
 * largest entry * gets e* = 1 (shift by the row's maximum), 1 − p* is computed as sx/(1 + sx) without
 * cancellation, and when * is off-target and nearly 1 its term −log(1 − p*) = log(1 + sx) − log(sx) is
 * differentiated in the log domain (∂/∂z = p*(e* − π), π the softmax without *), not through 1/(1 − p*).
 * `pa` is scratch of n.
 */
template <class S, class T>
NL_HD S softmax_bce_row(int n, int i, const int* rank, Strided<S> z, Strided<S> pa, T inv) {
    int star = 0, j0 = -1;
    T zmax = real(z[0]);
    for (int l = 1; l < n; l++)
        if (real(z[l]) > zmax) {
            zmax = real(z[l]);
            star = l;
        }
    for (int l = 0; l < n; l++)
        if (rank[l] == i) j0 = l;
    S sx = S(T(0));
    for (int l = 0; l < n; l++) {
        z[l] = exp(z[l] - zmax);  // the shift carries no tangent; e* = 1 in value
        if (l != star) sx += z[l];
    }
    const S denom = z[star] + sx;
    const S pStar = z[star] / denom, rStar = sx / denom;
    const T clamp = bce_p_clamp<T>();
    const bool extended = star != j0 && real(rStar) < T(SATURATION) && real(rStar) > clamp;
    S value = S(T(0)), sumPa = S(T(0));
    for (int l = 0; l < n; l++) {
        S pl = z[l] / denom, a = S(T(0));
        if (l == j0) {
            if (real(pl) > clamp) {
                value -= log(pl);
                a = S(-inv);
            } else {
                value += T(100);
            }
        } else {
            S r = l == star ? rStar : T(1) - pl;
            if (real(r) > clamp) {
                value -= log(r);
                if (!(extended && l == star)) a = (pl / r) * inv;
            } else {
                value += T(100);
            }
        }
        pa[l] = a;
        sumPa += a;
        z[l] = pl;
    }
    for (int l = 0; l < n; l++) {
        S u = pa[l] - z[l] * sumPa;
        if (extended) u += l == star ? pStar * inv : -(pStar * inv) * (z[l] / rStar);
        pa[l] = u;
    }
    for (int l = 0; l < n; l++) z[l] = pa[l];
    return value * inv;
}

template <class T>
struct NeuralSortSpec {
    int n;
    T tau;
};

NL_HD long long neuralsort_scratch(int n) { return 6LL * n; }

/** Per-sample NeuralSort loss; gradient to ws[0 .. n). Arguments as dsn_loss_grad. */
template <class S, class T, class X>
NL_HD S neuralsort_loss_grad(const NeuralSortSpec<T>& p, const X* x, const int* rank, int dir, Strided<S> ws) {
    const int n = p.n;
    Strided<S> g = ws, s = ws.offset(n), A = ws.offset(2LL * n), gA = ws.offset(3LL * n), z = ws.offset(4LL * n),
               pa = ws.offset(5LL * n);
    for (int j = 0; j < n; j++) {
        S xj = S(T(x[j]));
        if (j == dir) seed(xj);
        s[j] = -xj;
        g[j] = S(T(0));  // holds ∂ℓ/∂s until the end
        gA[j] = S(T(0));
    }
    for (int j = 0; j < n; j++) {
        S a = S(T(0));
        for (int k = 0; k < n; k++) a += fabs(s[j] - s[k]);
        A[j] = a;
    }
    const T inv = T(1) / (T(n) * T(n));
    S loss = S(T(0));
    for (int i = 0; i < n; i++) {
        T coef = T(n - 1 - 2 * i);
        for (int j = 0; j < n; j++) z[j] = (coef * s[j] - A[j]) / p.tau;
        loss += softmax_bce_row(n, i, rank, z, pa, inv);
        for (int j = 0; j < n; j++) {
            g[j] += z[j] * (coef / p.tau);
            gA[j] -= z[j] / p.tau;
        }
    }
    // A_j = Σ_k |s_j − s_k|  ⇒  ∂ℓ/∂s_m += Σ_k (gA_m + gA_k) sign(s_m − s_k)
    for (int m = 0; m < n; m++) {
        S acc = S(T(0));
        for (int k = 0; k < n; k++) {
            int sg = sign_of(s[m] - s[k]);
            if (sg != 0) acc += T(sg) * (gA[m] + gA[k]);
        }
        g[m] += acc;
    }
    for (int j = 0; j < n; j++) g[j] = -g[j];  // s = −x
    return loss;
}

template <class T>
struct SoftSortSpec {
    int n;
    T tau;
    int power;  // 1 or 2
};

NL_HD long long softsort_scratch(int n) { return 4LL * n; }
NL_HD long long softsort_int_scratch(int n) { return n; }

/**
 * Per-sample SoftSort loss; gradient to ws[0 .. n). `perm` is int scratch of n: perm[i] = index of the i-th
 * smallest score (stable: ties keep input order), through which the sorted values pass their gradient.
 */
template <class S, class T, class X>
NL_HD S softsort_loss_grad(const SoftSortSpec<T>& p, const X* x, const int* rank, int dir, Strided<S> ws,
                           Strided<int> perm) {
    const int n = p.n;
    Strided<S> g = ws, z = ws.offset(n), xs = ws.offset(2LL * n), pa = ws.offset(3LL * n);
    for (int j = 0; j < n; j++) {
        int pos = 0;
        for (int k = 0; k < n; k++) pos += (x[k] < x[j] || (x[k] == x[j] && k < j)) ? 1 : 0;
        perm[pos] = j;
        g[j] = S(T(0));
        xs[j] = S(T(x[j]));
    }
    if (dir >= 0) seed(xs[dir]);
    const T inv = T(1) / (T(n) * T(n));
    S loss = S(T(0));
    for (int i = 0; i < n; i++) {
        const int pi = perm[i];
        for (int j = 0; j < n; j++) {
            S u = xs[pi] - xs[j];
            z[j] = p.power == 2 ? -(u * u) / p.tau : -fabs(u) / p.tau;
        }
        loss += softmax_bce_row(n, i, rank, z, pa, inv);
        for (int j = 0; j < n; j++) {
            S u = xs[pi] - xs[j];
            S dz = p.power == 2 ? (T(-2) * u) / p.tau : S(T(-sign_of(u)) / p.tau);
            S gu = z[j] * dz;
            g[pi] += gu;
            g[j] -= gu;
        }
    }
    return loss;
}

}  // namespace nl
