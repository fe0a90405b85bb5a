// newtonloss CUDA kernels: thin extern "C" entry points over the per-sample math of the nl_*.cuh headers.
// Built by Maven (profile "cuda", when nvcc exists) into the classpath resource
// org/newtonloss/cuda/newtonloss.fatbin; launched by org.newtonloss.cuda.Kernels, one typed method per kernel.
//
// Conventions shared with the Java launchers (org.newtonloss.cuda.Kernels documents the launch shapes):
//  - batches are flat row-major, sample-major: x[s*n + i], hess[s*n*n + i*n + j], as in AlgorithmicLoss;
//  - rank[s*n + i] = true ascending rank of input i of sample s (org.newtonloss.ranking.Ranks);
//  - loops are grid-stride; `ws` is scratch of (family scratch elements) × (threads in the launch) values,
//    element e of thread t at ws[e * threads + t]; Hessian and fused kernels use dual scratch (2 values each);
//  - status: k ≥ 0 = solved after k escalations of λ (λ·10^k), −1 = not solved (the host finishes it).
#include "nl_bf.cuh"
#include "nl_dsn.cuh"
#include "nl_dsn_rows.cuh"
#include "nl_linalg.cuh"
#include "nl_paths.cuh"
#include "nl_softsorts.cuh"

using namespace nl;

namespace {

template <class T>
struct DsnFamily {
    DsnSpec<T> spec;
    __device__ int n() const { return spec.n; }
    template <class S, class X>
    __device__ S run(const X* x, const int* rank, int dir, Strided<S> ws, Strided<int>) const {
        return dsn_loss_grad<S, T>(spec, x, rank, dir, ws);
    }
};

template <class T>
struct NeuralSortFamily {
    NeuralSortSpec<T> spec;
    __device__ int n() const { return spec.n; }
    template <class S, class X>
    __device__ S run(const X* x, const int* rank, int dir, Strided<S> ws, Strided<int>) const {
        return neuralsort_loss_grad<S, T>(spec, x, rank, dir, ws);
    }
};

template <class T>
struct SoftSortFamily {
    SoftSortSpec<T> spec;
    __device__ int n() const { return spec.n; }
    template <class S, class X>
    __device__ S run(const X* x, const int* rank, int dir, Strided<S> ws, Strided<int> iws) const {
        return softsort_loss_grad<S, T>(spec, x, rank, dir, ws, iws);
    }
};

/** Relaxed Bellman-Ford (For loop); the "ranks" are the true 0/1 map as ints. */
struct BellmanFordFamily {
    BfSpec spec;
    __device__ int n() const { return spec.cells(); }
    template <class S, class X>
    __device__ S run(const X* x, const int* truth, int dir, Strided<S> ws, Strided<int>) const {
        return bf_loss_grad<S>(spec, x, truth, dir, ws);
    }
};

__device__ long long thread_id() { return (long long)blockIdx.x * blockDim.x + threadIdx.x; }
__device__ long long thread_count() { return (long long)gridDim.x * blockDim.x; }

/** Loss and gradient, one thread per sample; IO is the buffers' type, T the type computed in. */
template <class IO, class T, class F>
__device__ void eval_body(const F& f, int batch, const IO* x, const int* rank, IO* loss, IO* grad, T* ws, int* iws) {
    const long long tid = thread_id(), nt = thread_count();
    const int n = f.n();
    Strided<T> w{ws + tid, nt};
    Strided<int> iw{iws + tid, nt};
    for (long long s = tid; s < batch; s += nt) {
        T l = f.template run<T>(x + s * n, rank + s * n, -1, w, iw);
        loss[s] = IO(l);
        for (int j = 0; j < n; j++) grad[s * n + j] = IO(w[j]);
    }
}

/** Loss, gradient and Hessian, one thread per (sample, direction k): writes column k of the sample's Hessian. */
template <class IO, class T, class F>
__device__ void hessian_body(const F& f, int batch, const IO* x, const int* rank, IO* loss, IO* grad, IO* hess,
                             Dual<T>* ws, int* iws) {
    const long long tid = thread_id(), nt = thread_count();
    const int n = f.n();
    const long long items = (long long)batch * n;
    Strided<Dual<T>> w{ws + tid, nt};
    Strided<int> iw{iws + tid, nt};
    for (long long item = tid; item < items; item += nt) {
        const long long s = item / n;
        const int k = (int)(item % n);
        Dual<T> l = f.template run<Dual<T>>(x + s * n, rank + s * n, k, w, iw);
        for (int j = 0; j < n; j++) hess[s * n * n + (long long)j * n + k] = IO(w[j].d);
        if (k == 0) {
            loss[s] = IO(l.v);
            for (int j = 0; j < n; j++) grad[s * n + j] = IO(w[j].v);
        }
    }
}

/** Per-warp shared memory of the fused kernel, in values of T: H, L (n² each), g, step (n each), λ used. */
__host__ __device__ constexpr long long fused_warp_values(int n) { return 2LL * n * n + 2LL * n + 1; }

/**
 * Fused Newton step, one warp per sample (n ≤ 32): lane k computes Hessian column k into shared memory, then the
 * warp factors and solves (H + λ_k I) step = g there; the Hessian never reaches global memory.
 */
template <class IO, class T, class F>
__device__ void newton_body(const F& f, int batch, const IO* x, const int* rank, T lambda, int maxEscalations,
                            IO* loss, IO* grad, IO* step, IO* z, IO* lambdaUsed, int* status, Dual<T>* ws, int* iws) {
    extern __shared__ unsigned char shared_bytes[];
    const int n = f.n();
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warpsPerBlock = blockDim.x >> 5;
    T* H = reinterpret_cast<T*>(shared_bytes) + warp * fused_warp_values(n);
    T* L = H + n * n;
    T* g = L + n * n;
    T* st = g + n;
    T* lam = st + n;
    const long long tid = thread_id(), nt = thread_count();
    Strided<Dual<T>> w{ws + tid, nt};
    Strided<int> iw{iws + tid, nt};
    const long long firstWarp = (long long)blockIdx.x * warpsPerBlock + warp, warps = (long long)gridDim.x * warpsPerBlock;
    WarpTeam team{lane};
    for (long long s = firstWarp; s < batch; s += warps) {
        if (lane < n) {
            Dual<T> l = f.template run<Dual<T>>(x + s * n, rank + s * n, lane, w, iw);
            for (int j = 0; j < n; j++) H[j * n + lane] = w[j].d;
            if (lane == 0) {
                loss[s] = IO(l.v);
                for (int j = 0; j < n; j++) g[j] = w[j].v;
            }
        }
        __syncwarp();
        int k = damped_cholesky_solve(team, H, n, g, lambda, maxEscalations, L, st, lam);
        for (int i = lane; i < n; i += 32) {
            grad[s * n + i] = IO(g[i]);
            step[s * n + i] = IO(st[i]);
            z[s * n + i] = IO(T(x[s * n + i]) - st[i]);
        }
        if (lane == 0) {
            lambdaUsed[s] = IO(*lam);
            status[s] = k;
        }
        __syncwarp();
    }
}

/** Damped solves, one warp per system (m ≤ 32); shared memory per warp: L (m²), step (m), λ used (1). */
template <class T>
__device__ void solve_warp_body(int batch, int m, const T* C, long long cStride, const T* g, const T* y, T lambda,
                                int maxEscalations, T* step, T* z, T* lambdaUsed, int* status) {
    extern __shared__ unsigned char shared_bytes[];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warpsPerBlock = blockDim.x >> 5;
    T* L = reinterpret_cast<T*>(shared_bytes) + warp * ((long long)m * m + m + 1);
    T* st = L + m * m;
    T* lam = st + m;
    const long long firstWarp = (long long)blockIdx.x * warpsPerBlock + warp, warps = (long long)gridDim.x * warpsPerBlock;
    WarpTeam team{lane};
    for (long long s = firstWarp; s < batch; s += warps) {
        int k = damped_cholesky_solve(team, C + s * cStride, m, g + s * m, lambda, maxEscalations, L, st, lam);
        for (int i = lane; i < m; i += 32) {
            step[s * m + i] = st[i];
            if (z != nullptr) z[s * m + i] = y[s * m + i] - st[i];
        }
        if (lane == 0) {
            lambdaUsed[s] = *lam;
            status[s] = k;
        }
        __syncwarp();
    }
}

/** Damped solves, one block per system (any m); work: per block m² + m + 1 values of global memory. */
template <class T>
__device__ void solve_block_body(int batch, int m, const T* C, long long cStride, const T* g, const T* y, T lambda,
                                 int maxEscalations, T* step, T* z, T* lambdaUsed, int* status, T* work) {
    T* L = work + (long long)blockIdx.x * ((long long)m * m + m + 1);
    T* st = L + (long long)m * m;
    T* lam = st + m;
    BlockTeam team{(int)threadIdx.x, (int)blockDim.x};
    for (long long s = blockIdx.x; s < batch; s += gridDim.x) {
        int k = damped_cholesky_solve(team, C + s * cStride, m, g + s * m, lambda, maxEscalations, L, st, lam);
        for (int i = threadIdx.x; i < m; i += blockDim.x) {
            step[s * m + i] = st[i];
            if (z != nullptr) z[s * m + i] = y[s * m + i] - st[i];
        }
        if (threadIdx.x == 0) {
            lambdaUsed[s] = *lam;
            status[s] = k;
        }
        __syncthreads();
    }
}

/** Empirical Fisher F = (1/N) Σ_s g_s g_sᵀ, one thread per entry (i, j). */
template <class T>
__device__ void fisher_body(int batch, int m, const T* G, T* F) {
    const long long nt = thread_count();
    for (long long e = thread_id(); e < (long long)m * m; e += nt) {
        const int i = (int)(e / m), j = (int)(e % m);
        T acc = T(0);
        for (long long s = 0; s < batch; s++) acc += G[s * m + i] * G[s * m + j];
        F[e] = acc / T(batch);
    }
}

/**
 * Prepares systems for cuSOLVER: for every s with active[s] ≠ 0 (all when active is null),
 * A_s = sym(C_s) + λ_s I and B_s = g_s (potrs overwrites its right-hand side). One thread per matrix entry.
 */
template <class T>
__device__ void prepare_spd_body(int batch, int m, const T* C, long long cStride, const T* g, const T* lambdas,
                                 const int* active, T* A, T* B) {
    const long long nt = thread_count(), mm = (long long)m * m;
    for (long long e = thread_id(); e < (long long)batch * mm; e += nt) {
        const long long s = e / mm;
        if (active != nullptr && active[s] == 0) continue;
        const int i = (int)((e % mm) / m), j = (int)(e % m);
        const T* c = C + s * cStride;
        T v = T(0.5) * (c[i * m + j] + c[j * m + i]);
        if (i == j) {
            v += lambdas[s];
            B[s * m + i] = g[s * m + i];
        }
        A[e] = v;
    }
}

/** Exact DSN Hessian, one warp per (sample, column k) (nl_dsn_rows.cuh); n ≤ 32. */
template <class IO, class T>
__device__ void dsn_hessian_rows_body(const DsnSpec<T>& p, int batch, const IO* x, const int* rank, IO* loss, IO* grad,
                                      IO* hess, Dual<T>* ws) {
    extern __shared__ unsigned char shared_bytes[];
    const int n = p.n;
    const long long warp = thread_id() >> 5, warps = thread_count() >> 5;
    Dual<T>* w = ws + warp * dsn_rows_warp_scratch(p.ncomp);
    Dual<T>* rows = reinterpret_cast<Dual<T>*>(shared_bytes) + (threadIdx.x >> 5) * 32LL * n;
    for (long long item = warp; item < (long long)batch * n; item += warps) {
        const long long s = item / n;
        const int k = (int)(item % n);
        T l = dsn_hessian_column_warp<T>(p, x + s * n, rank + s * n, k, w, rows, hess + s * n * n + k, (long long)n,
                                         grad + s * n);
        if (k == 0 && (threadIdx.x & 31) == 0) loss[s] = IO(l);
    }
}

/**
 * Fused DSN Newton step, one block per sample (n ≤ 32): its warps compute the Hessian's columns into shared memory
 * (nl_dsn_rows.cuh), then warp 0 factors and solves (H + λ_k I) step = g there; the Hessian never reaches global
 * memory. Shared memory per block: the warps' rows (dsn_rows_warp_shared_bytes each), then H, L (n² each), g, step
 * (n each), λ used.
 */
template <class IO, class T>
__device__ void dsn_newton_rows_body(const DsnSpec<T>& p, int batch, const IO* x, const int* rank, T lambda,
                                     int maxEscalations, IO* loss, IO* grad, IO* step, IO* z, IO* lambdaUsed,
                                     int* status, Dual<T>* ws) {
    extern __shared__ unsigned char shared_bytes[];
    const int n = p.n, lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warpsPerBlock = blockDim.x >> 5;
    Dual<T>* rows = reinterpret_cast<Dual<T>*>(shared_bytes) + warp * 32LL * n;
    T* H = reinterpret_cast<T*>(reinterpret_cast<Dual<T>*>(shared_bytes) + warpsPerBlock * 32LL * n);
    T* L = H + n * n;
    T* g = L + n * n;
    T* st = g + n;
    T* lam = st + n;
    Dual<T>* w = ws + ((long long)blockIdx.x * warpsPerBlock + warp) * dsn_rows_warp_scratch(p.ncomp);
    for (long long s = blockIdx.x; s < batch; s += gridDim.x) {
        for (int k = warp; k < n; k += warpsPerBlock) {
            T l = dsn_hessian_column_warp<T>(p, x + s * n, rank + s * n, k, w, rows, H + k, (long long)n, g);
            if (k == 0 && lane == 0) loss[s] = IO(l);
        }
        __syncthreads();
        if (warp == 0) {
            int k = damped_cholesky_solve(WarpTeam{lane}, H, n, g, lambda, maxEscalations, L, st, lam);
            for (int i = lane; i < n; i += 32) {
                grad[s * n + i] = IO(g[i]);
                step[s * n + i] = IO(st[i]);
                z[s * n + i] = IO(T(x[s * n + i]) - st[i]);
            }
            if (lane == 0) {
                lambdaUsed[s] = IO(*lam);
                status[s] = k;
            }
        }
        __syncthreads();
    }
}

}  // namespace

// ----------------------------------------------------------------------------------------------------------------
// Entry points. NL_BOTH defines the float (_f32) and double (_f64) kernels from one body.
// ----------------------------------------------------------------------------------------------------------------
#define NL_BOTH(DEFINE) DEFINE(float, f32) DEFINE(double, f64)

// IO is the buffers' type (the suffix), T the type the per-sample math runs in: double for every family. The
// relaxed permutation matrices have entries far below float's resolution near 1 (1 − α, BCE of p ≈ 1), which float
// arithmetic turns into clamped logs and 10–100 % gradient errors on ordinary samples (native harness, n = 7);
// the CPU's float path computes NeuralSort and SoftSort in double for the same reason. H200-class GPUs run FP64 at
// half the FP32 rate, so f32 kernels read and write float but compute in double.
#define NL_DSN_ARGS(IO) int batch, int n, const int *comps, int ncomp, int sigmoid, IO steepness, IO artLambda
#define NL_DSN_FAMILY(T) DsnFamily<T>{DsnSpec<T>{comps, ncomp, n, sigmoid, T(steepness), T(artLambda)}}
#define NL_NEURALSORT_ARGS(IO) int batch, int n, IO tau
#define NL_NEURALSORT_FAMILY(T) NeuralSortFamily<T>{NeuralSortSpec<T>{n, T(tau)}}
#define NL_SOFTSORT_ARGS(IO) int batch, int n, IO tau, int power
#define NL_SOFTSORT_FAMILY(T) SoftSortFamily<T>{SoftSortSpec<T>{n, T(tau), power}}

#define NL_FAMILY_KERNELS(NAME, ARGS, FAMILY, T32)                                                                \
    NL_FAMILY_KERNELS_T(NAME, ARGS, FAMILY, float, T32, f32)                                                      \
    NL_FAMILY_KERNELS_T(NAME, ARGS, FAMILY, double, double, f64)

#define NL_FAMILY_KERNELS_T(NAME, ARGS, FAMILY, IO, T, SUFFIX)                                                    \
    extern "C" __global__ void nl_##NAME##_eval_##SUFFIX(ARGS(IO), const IO* x, const int* rank, IO* loss,       \
                                                         IO* grad, T* ws, int* iws) {                            \
        eval_body<IO, T>(FAMILY(T), batch, x, rank, loss, grad, ws, iws);                                        \
    }                                                                                                             \
    extern "C" __global__ void nl_##NAME##_hessian_##SUFFIX(ARGS(IO), const IO* x, const int* rank, IO* loss,    \
                                                            IO* grad, IO* hess, Dual<T>* ws, int* iws) {         \
        hessian_body<IO, T>(FAMILY(T), batch, x, rank, loss, grad, hess, ws, iws);                               \
    }                                                                                                             \
    extern "C" __global__ void nl_##NAME##_newton_##SUFFIX(ARGS(IO), const IO* x, const int* rank, IO lambda,    \
                                                           int maxEscalations, IO* loss, IO* grad, IO* step,     \
                                                           IO* z, IO* lambdaUsed, int* status, Dual<T>* ws,      \
                                                           int* iws) {                                           \
        newton_body<IO, T>(FAMILY(T), batch, x, rank, T(lambda), maxEscalations, loss, grad, step, z,            \
                           lambdaUsed, status, ws, iws);                                                          \
    }

NL_FAMILY_KERNELS(dsn, NL_DSN_ARGS, NL_DSN_FAMILY, double)
NL_FAMILY_KERNELS(neuralsort, NL_NEURALSORT_ARGS, NL_NEURALSORT_FAMILY, double)
NL_FAMILY_KERNELS(softsort, NL_SOFTSORT_ARGS, NL_SOFTSORT_FAMILY, double)

#define NL_LINALG_KERNELS(T, SUFFIX)                                                                              \
    extern "C" __global__ void nl_solve_warp_##SUFFIX(int batch, int m, const T* C, long long cStride,           \
                                                      const T* g, const T* y, T lambda, int maxEscalations,      \
                                                      T* step, T* z, T* lambdaUsed, int* status) {               \
        solve_warp_body<T>(batch, m, C, cStride, g, y, lambda, maxEscalations, step, z, lambdaUsed, status);     \
    }                                                                                                             \
    extern "C" __global__ void nl_solve_block_##SUFFIX(int batch, int m, const T* C, long long cStride,          \
                                                       const T* g, const T* y, T lambda, int maxEscalations,     \
                                                       T* step, T* z, T* lambdaUsed, int* status, T* work) {     \
        solve_block_body<T>(batch, m, C, cStride, g, y, lambda, maxEscalations, step, z, lambdaUsed, status,     \
                            work);                                                                                \
    }                                                                                                             \
    extern "C" __global__ void nl_prepare_spd_##SUFFIX(int batch, int m, const T* C, long long cStride,          \
                                                       const T* g, const T* lambdas, const int* active, T* A,    \
                                                       T* B) {                                                   \
        prepare_spd_body<T>(batch, m, C, cStride, g, lambdas, active, A, B);                                     \
    }                                                                                                             \
    extern "C" __global__ void nl_fisher_##SUFFIX(int batch, int m, const T* G, T* F) {                          \
        fisher_body<T>(batch, m, G, F);                                                                           \
    }

NL_BOTH(NL_LINALG_KERNELS)

// Row-parallel DSN kernels (n ≤ 32), float and double buffers, computed in double like the other f32 kernels.
#define NL_DSN_ROWS_KERNELS(IO, SUFFIX)                                                                           \
    extern "C" __global__ void nl_dsn_hessian_rows_##SUFFIX(NL_DSN_ARGS(IO), const IO* x, const int* rank,       \
                                                            IO* loss, IO* grad, IO* hess, Dual<double>* ws) {    \
        dsn_hessian_rows_body<IO, double>(DsnSpec<double>{comps, ncomp, n, sigmoid, double(steepness),          \
                                                          double(artLambda)},                                    \
                                          batch, x, rank, loss, grad, hess, ws);                                 \
    }                                                                                                             \
    extern "C" __global__ void nl_dsn_newton_rows_##SUFFIX(NL_DSN_ARGS(IO), const IO* x, const int* rank,        \
                                                           IO lambda, int maxEscalations, IO* loss, IO* grad,    \
                                                           IO* step, IO* z, IO* lambdaUsed, int* status,         \
                                                           Dual<double>* ws) {                                   \
        dsn_newton_rows_body<IO, double>(DsnSpec<double>{comps, ncomp, n, sigmoid, double(steepness),           \
                                                         double(artLambda)},                                     \
                                         batch, x, rank, double(lambda), maxEscalations, loss, grad, step, z,    \
                                         lambdaUsed, status, ws);                                                \
    }

NL_BOTH(NL_DSN_ROWS_KERNELS)

// ----------------------------------------------------------------------------------------------------------------
// Stochastic path losses (nl_paths.cuh). Every path kernel takes the same parameter list, NL_PATH_PARAMS, so the
// Java side (org.newtonloss.cuda.PathKernels) builds it once per batch; a kernel ignores what it does not use
// (null is fine there). Layouts, per sample b (m cells, S draws): y, truth [m] (IO); eps [S·m]; maps [(S+1)·m];
// optimal [S+1]; coef [path_coef_count]; gram [S] per (b, s) thread; f [S·m]; loss [1], grad [m], hess [m·m] (IO).
// dist/pred/done: per-thread Dijkstra scratch of m elements, strided by the launch's thread count.
// ----------------------------------------------------------------------------------------------------------------
#define NL_PATH_PARAMS(IO)                                                                                        \
    int batch, int rows, int cols, int samples, double sigma, int family, int baseline, int l2, const IO *y,      \
        const IO *truth, const double *eps, double *maps, double *optimal, double *coef, double *gram, double *f, \
        IO *loss, IO *grad, IO *hess, double *dist, int *pred, int *done

namespace {

__device__ PathSpec path_spec(int rows, int cols, int samples, double sigma, int family, int baseline, int l2) {
    return PathSpec{rows, cols, samples, sigma, family, baseline, l2};
}

}  // namespace

#define NL_PATH_SPEC path_spec(rows, cols, samples, sigma, family, baseline, l2)

#define NL_PATH_KERNELS(IO, SUFFIX)                                                                               \
    /* one warp per (sample, draw d ∈ [0, S]); dist/pred/done: m contiguous elements per warp */                \
    extern "C" __global__ void nl_paths_solve_##SUFFIX(NL_PATH_PARAMS(IO)) {                                      \
        const PathSpec p = NL_PATH_SPEC;                                                                          \
        const long long warp = thread_id() >> 5, warps = thread_count() >> 5, m = p.cells(), draws = samples + 1; \
        const WarpTeam team{(int)(threadIdx.x & 31)};                                                             \
        Strided<double> di{dist + warp * m, 1};                                                                   \
        Strided<int> pr{pred + warp * m, 1}, dn{done + warp * m, 1};                                              \
        for (long long item = warp; item < (long long)batch * draws; item += warps) {                            \
            const long long b = item / draws;                                                                     \
            path_solve(team, p, (int)(item % draws), y + b * m, eps + b * samples * m, maps + b * draws * m,     \
                       optimal + b * draws, di, pr, dn);                                                          \
        }                                                                                                         \
    }                                                                                                             \
    /* one thread per sample */                                                                                  \
    extern "C" __global__ void nl_paths_prepare_##SUFFIX(NL_PATH_PARAMS(IO)) {                                    \
        const PathSpec p = NL_PATH_SPEC;                                                                          \
        const long long m = p.cells(), draws = samples + 1, nc = path_coef_count(p);                             \
        for (long long b = thread_id(); b < batch; b += thread_count())                                          \
            loss[b] = IO(path_prepare(p, y + b * m, truth + b * m, maps + b * draws * m, optimal + b * draws,    \
                                      coef + b * nc));                                                            \
    }                                                                                                             \
    /* one thread per (sample, cell k) */                                                                        \
    extern "C" __global__ void nl_paths_grad_##SUFFIX(NL_PATH_PARAMS(IO)) {                                       \
        const PathSpec p = NL_PATH_SPEC;                                                                          \
        const long long m = p.cells(), draws = samples + 1, nc = path_coef_count(p);                             \
        for (long long item = thread_id(); item < (long long)batch * m; item += thread_count()) {                \
            const long long b = item / m;                                                                         \
            grad[item] = IO(path_grad(p, (int)(item % m), truth + b * m, eps + b * samples * m,                  \
                                      maps + b * draws * m, coef + b * nc));                                      \
        }                                                                                                         \
    }                                                                                                             \
    /* one thread per (sample, i, j) */                                                                          \
    extern "C" __global__ void nl_paths_hessian_##SUFFIX(NL_PATH_PARAMS(IO)) {                                    \
        const PathSpec p = NL_PATH_SPEC;                                                                          \
        const long long m = p.cells(), mm = m * m, draws = samples + 1, nc = path_coef_count(p);                 \
        for (long long item = thread_id(); item < (long long)batch * mm; item += thread_count()) {               \
            const long long b = item / mm, e = item % mm;                                                         \
            hess[item] = IO(path_hess(p, (int)(e / m), (int)(e % m), eps + b * samples * m,                      \
                                      maps + b * draws * m, coef + b * nc, f == nullptr ? nullptr : f + b * samples * m)); \
        }                                                                                                         \
    }

NL_BOTH(NL_PATH_KERNELS)

/** One thread per (sample, draw s): row s of F = G E (smoothing of the algorithm with the L2 loss). */
extern "C" __global__ void nl_paths_gram(NL_PATH_PARAMS(double)) {
    const PathSpec p = NL_PATH_SPEC;
    const long long tid = thread_id(), nt = thread_count(), m = p.cells(), draws = samples + 1;
    Strided<double> g{gram + tid, nt};
    for (long long item = tid; item < (long long)batch * samples; item += nt) {
        const long long b = item / samples;
        path_gram(p, (int)(item % samples), eps + b * samples * m, maps + b * draws * m, g, f + item * m);
    }
}

// ----------------------------------------------------------------------------------------------------------------
// Relaxed Bellman-Ford, For loop (nl_bf.cuh): loss + gradient (thread per sample) and exact Hessian (thread per
// (sample, direction)), through the ranking families' eval/hessian bodies; truth = the 0/1 map as ints.
// ----------------------------------------------------------------------------------------------------------------
#define NL_BF_KERNELS(IO, SUFFIX)                                                                                 \
    extern "C" __global__ void nl_bf_eval_##SUFFIX(int batch, int rows, int cols, int iterations, double beta,    \
                                                   int tconorm, double p, int absorb, int l2, const IO* x,        \
                                                   const int* truth, IO* loss, IO* grad, double* ws, int* iws) {  \
        BellmanFordFamily f{BfSpec{rows, cols, iterations, beta, tconorm, p, absorb, l2}};                        \
        eval_body<IO, double>(f, batch, x, truth, loss, grad, ws, iws);                                            \
    }                                                                                                             \
    extern "C" __global__ void nl_bf_hessian_##SUFFIX(int batch, int rows, int cols, int iterations, double beta, \
                                                      int tconorm, double p, int absorb, int l2, const IO* x,     \
                                                      const int* truth, IO* loss, IO* grad, IO* hess,             \
                                                      Dual<double>* ws, int* iws) {                               \
        BellmanFordFamily f{BfSpec{rows, cols, iterations, beta, tconorm, p, absorb, l2}};                        \
        hessian_body<IO, double>(f, batch, x, truth, loss, grad, hess, ws, iws);                                   \
    }

NL_BOTH(NL_BF_KERNELS)
