// Row-parallel DSN Hessian (n ≤ 32): one warp per (sample, direction k) computes column k of the exact Hessian by
// the forward-over-reverse of nl_dsn.cuh, with the work spread over the lanes instead of one thread per column:
//  - lane w holds the value on wire w (the values recursion: the two lanes of a comparator exchange by shuffles);
//  - lane i holds row i of P (rows evolve independently given the α's: each comparator mixes two entries of a row);
//  - ∂ℓ/∂α_c is the warp sum of the rows' contributions, formed at comparator c of the reverse sweep, which then
//    continues the reverse over the values in the same loop.
// Per warp it keeps α, slope and d of every comparator (read back as broadcasts) and the rows' tape r_a − r_b,
// 32 entries per comparator (coalesced), in global scratch: (3 + 32)·comparators dual numbers. The thread-per-column
// kernel (nl_dsn.cuh via newtonloss.cu's hessian_body) keeps 5·comparators + 4n per thread, not shared across the
// columns, and repeats the whole values recursion and every row in each of them.
#pragma once

#include "nl_dsn.cuh"

#ifdef NL_DEVICE_CODE
namespace nl {

constexpr unsigned FULL_MASK = 0xffffffffu;

template <class T> __device__ Dual<T> shfl(Dual<T> v, int src) {
    return Dual<T>(__shfl_sync(FULL_MASK, v.v, src), __shfl_sync(FULL_MASK, v.d, src));
}

template <class T> __device__ T warp_sum(T v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(FULL_MASK, v, o);
    return v;
}

template <class T> __device__ Dual<T> warp_sum(Dual<T> v) { return Dual<T>(warp_sum(v.v), warp_sum(v.d)); }

/** Dual numbers of scratch per warp: α, slope and d per comparator, and 32 tape entries per comparator. */
__host__ __device__ constexpr long long dsn_rows_warp_scratch(int ncomp) { return 35LL * ncomp; }

/** Shared memory of one warp's rows: n dual numbers per lane, entry j of lane i's row at rows[j·32 + i]. */
__host__ __device__ constexpr long long dsn_rows_warp_shared_bytes(int n, int dualBytes) { return 32LL * n * dualBytes; }

/**
 * Column k of sample s's Hessian into col[j·colStride] (j < n), by the calling warp (all 32 lanes, converged).
 * With k == 0 also the loss (lane 0 returns it; others return 0) and the gradient into grad[j] when grad is not null.
 * x: the sample's scores; rank[i]: true ascending rank of input i; ws: this warp's global scratch; rows: this warp's
 * shared memory (dsn_rows_warp_shared_bytes). The comparator's wires are the same for every lane, so rows[a·32 + lane]
 * is a conflict-free access, where a per-lane local array indexed by a would live in local memory.
 */
template <class T, class X, class IO>
__device__ T dsn_hessian_column_warp(const DsnSpec<T>& p, const X* x, const int* rank, int k, Dual<T>* ws,
                                     Dual<T>* rows, IO* col, long long colStride, IO* grad) {
    using D = Dual<T>;
    const int n = p.n, C = p.ncomp, lane = threadIdx.x & 31;
    const bool hasRow = lane < n;
    D* alpha = ws;
    D* slope = ws + C;
    D* dd = ws + 2LL * C;
    D* tape = ws + 3LL * C;
    const T inv = T(1) / (T(n) * T(n));
    D* r = rows + lane;  // r[j·32]: entry j of row `lane` of P in the forward sweep, of its adjoint in the reverse
    D xv = hasRow ? D(T(x[lane]), lane == k ? T(1) : T(0)) : D(T(0));
    for (int j = 0; j < n; j++) r[j * 32] = D(T(lane == j ? 1 : 0));
    for (int c = 0; c < C; c++) {
        const int a = p.comps[3 * c], b = p.comps[3 * c + 1], f = p.comps[3 * c + 2];
        const D xa = shfl(xv, a), xb = shfl(xv, b), d = xb - xa;
        D al, sl;
        comparator_alpha(p.sigmoid, p.steepness, p.artLambda, d, al, sl);
        if (lane == 0) {
            alpha[c] = al;
            slope[c] = sl;
            dd[c] = d;
        }
        const D mn = al * xa + (T(1) - al) * xb, mx = (T(1) - al) * xa + al * xb;
        if (lane == a) xv = f ? mx : mn;
        if (lane == b) xv = f ? mn : mx;
        if (hasRow) {
            const D ra = r[a * 32], rb = r[b * 32];
            tape[(long long)c * 32 + lane] = ra - rb;
            const D rmn = al * ra + (T(1) - al) * rb, rmx = (T(1) - al) * ra + al * rb;
            r[a * 32] = f ? rmx : rmn;
            r[b * 32] = f ? rmn : rmx;
        }
    }
    T rowLoss = T(0);
    if (hasRow)
        for (int j = 0; j < n; j++) {
            D v, d1;
            bce(r[j * 32], rank[lane] == j, v, d1);
            rowLoss += v.v * inv;
            r[j * 32] = d1 * inv;
        }
    __syncwarp();  // lane 0's α, slope and d are visible to every lane
    D g = D(T(0));  // lane w: adjoint of the value on wire w
    for (int c = C - 1; c >= 0; c--) {
        const int a = p.comps[3 * c], b = p.comps[3 * c + 1], f = p.comps[3 * c + 2];
        const D al = alpha[c];
        D part = D(T(0));
        if (hasRow) {
            const D gmn = f ? r[b * 32] : r[a * 32], gmx = f ? r[a * 32] : r[b * 32];
            r[a * 32] = al * gmn + (T(1) - al) * gmx;
            r[b * 32] = (T(1) - al) * gmn + al * gmx;
            part = (gmn - gmx) * tape[(long long)c * 32 + lane];
        }
        const D galpha = warp_sum(part);
        const D ga = shfl(g, a), gb = shfl(g, b);
        const D gmn = f ? gb : ga, gmx = f ? ga : gb;
        const D gd = (galpha - (gmn - gmx) * dd[c]) * slope[c];  // ∂(min, max)/∂α = ∓d
        if (lane == a) g = al * gmn + (T(1) - al) * gmx - gd;
        if (lane == b) g = (T(1) - al) * gmn + al * gmx + gd;
    }
    if (hasRow) {
        col[lane * colStride] = IO(g.d);
        if (k == 0 && grad != nullptr) grad[lane] = IO(g.v);
    }
    const T loss = warp_sum(rowLoss);
    __syncwarp();  // every lane has read α before the next column overwrites it
    return lane == 0 ? loss : T(0);
}

}  // namespace nl
#endif
