// Batched small dense SPD solves with the damping escalation of the CPU engine (org.newtonloss.newton):
// factor sym(C) + λ_k I by Cholesky with λ_k = λ·10^k, k = 0, 1, ..., maxEscalations, and solve with the first
// factor that succeeds. Team-generic (see nl_common.cuh): the same code runs serially in the host harness,
// per warp (m ≤ 32) and per block (m > 32) on the GPU.
#pragma once

#include "nl_common.cuh"

namespace nl {

/**
 * Status of a damped solve: k ≥ 0 = solved after k escalations; this value = not solved on the device (no factor
 * up to the cap): the host finishes such systems with the CPU engine's fallback (NewtonResult.STATUS_FALLBACK).
 */
constexpr int STATUS_NOT_SOLVED = -100;

template <class T> NL_HD bool is_finite(T x) { return x - x == T(0); }

/**
 * Cholesky factor of sym(A) + shift·I, sym(A) = (A + Aᵀ)/2, into the lower triangle of L (row-major, m×m).
 * Left-looking by columns; the rows of a column are spread over the team.
 * Returns LAPACK-style info: 0 = success, j+1 = the leading minor of order j+1 is not positive definite
 * (its pivot is ≤ 0 or not finite). A and L must not overlap; both are read and written by the whole team.
 */
template <class T, class Team>
NL_HD int cholesky_factor_shifted(const Team& t, const T* A, int m, T shift, T* L) {
    for (int j = 0; j < m; j++) {
        for (int i = j + t.lane; i < m; i += t.size) {
            T s = T(0.5) * (A[i * m + j] + A[j * m + i]);
            if (i == j) s += shift;
            for (int k = 0; k < j; k++) s -= L[i * m + k] * L[j * m + k];
            L[i * m + j] = s;
        }
        t.sync();
        T pivot = L[j * m + j];
        if (!(pivot > T(0)) || !is_finite(pivot)) return j + 1;  // every lane read the same pivot
        T d = sqrt(pivot);
        t.sync();  // all lanes have read the pivot before it is overwritten
        for (int i = j + 1 + t.lane; i < m; i += t.size) L[i * m + j] /= d;
        if (t.lane == 0) L[j * m + j] = d;
        t.sync();
    }
    return 0;
}

/** Solves L Lᵀ x = x in place (x holds the right-hand side on entry), L from cholesky_factor_shifted. */
template <class T, class Team>
NL_HD void cholesky_solve_in_place(const Team& t, const T* L, int m, T* x) {
    for (int j = 0; j < m; j++) {  // forward: L y = b, column-oriented
        T yj = x[j] / L[j * m + j];
        t.sync();
        for (int i = j + 1 + t.lane; i < m; i += t.size) x[i] -= L[i * m + j] * yj;
        if (t.lane == 0) x[j] = yj;
        t.sync();
    }
    for (int j = m - 1; j >= 0; j--) {  // backward: Lᵀ x = y
        T xj = x[j] / L[j * m + j];
        t.sync();
        for (int i = t.lane; i < j; i += t.size) x[i] -= L[j * m + i] * xj;
        if (t.lane == 0) x[j] = xj;
        t.sync();
    }
}

/**
 * step = (sym(C) + λ_k I)⁻¹ g with the smallest k ∈ [0, maxEscalations] for which the Cholesky factor exists.
 * L (m×m) and step (m) are team-visible work/output; *lambdaUsed receives λ_k (written by lane 0).
 * Returns k, or STATUS_NOT_SOLVED if no factor exists up to k = maxEscalations (then step is all zero and
 * *lambdaUsed is the last λ tried). A non-finite step (overflow) also counts as not solved.
 */
template <class T, class Team>
NL_HD int damped_cholesky_solve(const Team& t, const T* C, int m, const T* g, T lambda, int maxEscalations,
                                T* L, T* step, T* lambdaUsed) {
    T lam = lambda;
    for (int k = 0; k <= maxEscalations; k++) {
        lam = lambda * pow(T(10), T(k));  // as org.newtonloss.newton.DampedSystem: λ·10^k, not a running product
        if (!is_finite(lam)) break;
        int info = cholesky_factor_shifted(t, C, m, lam, L);
        if (info == 0) {
            for (int i = t.lane; i < m; i += t.size) step[i] = g[i];
            t.sync();
            cholesky_solve_in_place(t, L, m, step);
            bool finite = true;
            for (int i = 0; i < m; i++) finite = finite && is_finite(step[i]);
            if (t.lane == 0) *lambdaUsed = lam;
            t.sync();
            if (finite) return k;
            break;
        }
        t.sync();  // the failed factor's writes are done before the next attempt overwrites L
    }
    for (int i = t.lane; i < m; i += t.size) step[i] = T(0);
    if (t.lane == 0) *lambdaUsed = lam;
    t.sync();
    return STATUS_NOT_SOLVED;
}

}  // namespace nl
