// Per-sample math of the stochastic path losses (org.newtonloss.paths: SmoothedLoss, SmoothedAlgorithmLoss,
// FenchelYoungLoss) and the exact grid shortest path they run on every perturbed cost map
// (org.newtonloss.paths.GridShortestPath). Header-only, host and device (nl_common.cuh): the kernels in
// newtonloss.cu call these functions one work item per thread, native/harness.cpp calls them in loops and compares
// with golden files written by the Java classes.
//
// Work items of one batch (m = rows·cols cells, S draws; all arithmetic in double, the buffers' type IO only for
// the inputs y, truth and the outputs loss, grad, hess):
//   1. path_solve          per (sample, draw d ∈ [0, S]), a warp each: Dijkstra on max(y + σ ε_d, 0), d = S unperturbed;
//                           0/1 map into maps[(S+1)·m], its cost into optimal[S+1]
//   2. path_prepare        per sample: the loss and the per-draw coefficients (coef, path_coef_count values)
//   3. path_gram           per (sample, draw s), smoothing of the algorithm with the L2 loss only: row s of
//                           F = G E, G_st = 2/(Sσ)² (δ_s·δ_t)
//   4. path_grad           per (sample, cell k)
//   5. path_hess           per (sample, i, j): the estimate's entry (i, j), symmetrised as the Java class does
// Every formula is evaluated in the order the Java class evaluates it, so results agree to rounding (and FMA
// contraction, outside the cost maps).
#pragma once

#include "nl_common.cuh"

namespace nl {

/** The family indices shared with org.newtonloss.cuda.PathKernel. */
enum PathFamily { PATH_SMOOTH_LOSS = 0, PATH_SMOOTH_ALGORITHM = 1, PATH_FENCHEL_YOUNG = 2 };

/** One stochastic path loss on an H×W grid: S draws of N(0, I)·σ; baseline: subtract the unperturbed result. */
struct PathSpec {
    int rows, cols, samples;
    double sigma;
    int family;
    int baseline;  // 1 = subtract the unperturbed value / map (Smoothing.baseline)
    int l2;        // smoothing of the algorithm: 1 = squared L2, 0 = L1
    NL_HD int cells() const { return rows * cols; }
};

/** Per-sample coefficients: a_s (S, gradient), b_s (S, Hessian), Σ b_s (1), φ'(p) (m, smoothing of the algorithm). */
NL_HD long long path_coef_count(const PathSpec& p) { return 2LL * p.samples + 1 + p.cells(); }

// Products and sums rounded separately, as Java does: a fused multiply-add here could move a perturbed cost by an
// ulp and, on a near-tie, change the shortest path.
NL_HD double mul_rn(double a, double b) {
#ifdef __CUDA_ARCH__
    return __dmul_rn(a, b);
#else
    return a * b;
#endif
}
NL_HD double add_rn(double a, double b) {
#ifdef __CUDA_ARCH__
    return __dadd_rn(a, b);
#else
    return a + b;
#endif
}

/** The cost the solver sees: max(y_k + σ ε_k, 0), or max(y_k, 0) for the unperturbed map (eps null). */
template <class IO>
NL_HD double perturbed_cost(const IO* y, double sigma, const double* eps, int k) {
    double v = eps == nullptr ? double(y[k]) : add_rn(double(y[k]), mul_rn(sigma, eps[k]));
    return v > 0 ? v : 0.0;  // Math.max(v, 0): also maps −0.0 to 0.0
}

/**
 * The team-wide minimum of (d, v) pairs in (distance, index) order, v = −1 meaning "none" (d = +inf); on return
 * every lane holds the same pair. SerialTeam: the lane's own pair. WarpTeam: a butterfly of shuffles (the order is
 * total, so every lane ends with the same minimum). The host harness adds a barrier-based version for its
 * thread teams.
 */
NL_HD void team_argmin(const SerialTeam&, double&, int&) {}

NL_HD bool before_pair(double da, int va, double db, int vb) {
    return va >= 0 && (vb < 0 || da < db || (da == db && va < vb));
}

#ifdef NL_DEVICE_CODE
__device__ inline void team_argmin(const WarpTeam&, double& d, int& v) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        const double od = __shfl_xor_sync(0xffffffffu, d, offset);
        const int ov = __shfl_xor_sync(0xffffffffu, v, offset);
        if (before_pair(od, ov, d, v)) {
            d = od;
            v = ov;
        }
    }
}
#endif

/**
 * Exact shortest path on the 8-connected, vertex-weighted grid from cell 0 to cell m − 1, both ends counted, with
 * GridShortestPath's tie rule: cells are settled in increasing (distance, row-major index) order and a
 * predecessor changes only on a strict improvement. O(m²) selection by a scan (no heap), spread over the team: each
 * lane keeps the first strict minimum of its cells (ascending index), then the team takes the (distance, index)
 * minimum — the order the Java heap pops in. The settled cell's 8 neighbours are relaxed by lanes 0..7 (distinct
 * cells). Writes the 0/1 map into map[0 .. m) and returns the path's cost. dist, pred and done are m-element
 * scratch shared by the team.
 */
template <class Team, class IO>
NL_HD double grid_shortest_path(const Team& t, int rows, int cols, const IO* y, double sigma, const double* eps,
                                Strided<double> dist, Strided<int> pred, Strided<int> done, double* map) {
    const int n = rows * cols, target = n - 1;
    const double inf = HUGE_VAL;
    for (int v = t.lane; v < n; v += t.size) {
        dist[v] = inf;
        pred[v] = -1;
        done[v] = 0;
    }
    t.sync();
    if (t.lane == 0) dist[0] = perturbed_cost(y, sigma, eps, 0);
    t.sync();
    while (true) {
        int v = -1;
        double dv = inf;
        for (int u = t.lane; u < n; u += t.size)
            if (!done[u] && dist[u] < dv) {
                dv = dist[u];
                v = u;
            }
        team_argmin(t, dv, v);
        t.sync();  // every lane has read dist and done before they change
        if (v < 0) break;  // nothing queued (only when a distance overflowed)
        if (t.lane == 0) done[v] = 1;
        if (v == target) break;
        const int r = v / cols, q = v % cols;
        for (int k = t.lane; k < 8; k += t.size) {  // GridShape's neighbour order: the 3×3 window row by row
            const int dr = k < 3 ? -1 : (k < 5 ? 0 : 1);
            const int dq = k == 0 || k == 3 || k == 5 ? -1 : (k == 1 || k == 6 ? 0 : 1);
            const int rr = r + dr, qq = q + dq;
            if (rr < 0 || rr >= rows || qq < 0 || qq >= cols) continue;
            const int u = rr * cols + qq;
            const double du = add_rn(dv, perturbed_cost(y, sigma, eps, u));
            if (du < dist[u]) {  // settled cells never improve: their distance is ≤ dv and costs are ≥ 0
                dist[u] = du;
                pred[u] = v;
            }
        }
        t.sync();
    }
    t.sync();
    for (int v = t.lane; v < n; v += t.size) map[v] = 0.0;
    t.sync();
    if (t.lane == 0)
        for (int v = target; v >= 0; v = pred[v]) map[v] = 1.0;
    const double cost = dist[target];
    t.sync();
    return cost;
}

/** Work item 1, for a team: draw d of one sample (d = S: the unperturbed costs). eps: the sample's S×m noise. */
template <class Team, class IO>
NL_HD void path_solve(const Team& t, const PathSpec& p, int d, const IO* y, const double* eps, double* maps,
                      double* optimal, Strided<double> dist, Strided<int> pred, Strided<int> done) {
    const int m = p.cells();
    const double* e = d < p.samples ? eps + (long long)d * m : nullptr;
    const double cost = grid_shortest_path(t, p.rows, p.cols, y, p.sigma, e, dist, pred, done, maps + (long long)d * m);
    if (t.lane == 0) optimal[d] = cost;
}

template <class IO>
NL_HD double hamming(const double* map, const IO* truth, int m) {
    double h = 0;
    for (int k = 0; k < m; k++) h += fabs(map[k] - double(truth[k]));
    return h;
}

/** δ_sk = SP_s,k − baseline map_k (the unperturbed map, or 0 without a baseline). */
NL_HD double path_delta(const PathSpec& p, const double* maps, int s, int k) {
    const int m = p.cells();
    return maps[(long long)s * m + k] - (p.baseline ? maps[(long long)p.samples * m + k] : 0.0);
}

/**
 * Work item 2, per sample: returns the loss and fills coef (path_coef_count values). maps/optimal hold the S + 1
 * results of path_solve.
 */
template <class IO>
NL_HD double path_prepare(const PathSpec& p, const IO* y, const IO* truth, const double* maps, const double* optimal,
                          double* coef) {
    const int m = p.cells(), S = p.samples;
    const double gscale = double(S) * p.sigma, hscale = double(S) * p.sigma * p.sigma;
    double* a = coef;
    double* b = coef + S;
    double* slope = coef + 2 * S + 1;
    if (p.family == PATH_FENCHEL_YOUNG) {  // ⟨θ, y⟩ − mean optimal cost; no coefficients
        double value = 0, meanOptimal = 0;
        for (int k = 0; k < m; k++) value += double(y[k]) * double(truth[k]);
        for (int s = 0; s < S; s++) meanOptimal += optimal[s];
        return value - meanOptimal / S;
    }
    double value = 0, base = 0;
    if (p.family == PATH_SMOOTH_LOSS) {  // a_s ∝ ℓ_s − ℓ(θ), ℓ = Hamming distance
        double mean = 0;
        for (int s = 0; s < S; s++) {
            a[s] = hamming(maps + (long long)s * m, truth, m);
            mean += a[s];
        }
        base = p.baseline ? hamming(maps + (long long)S * m, truth, m) : 0.0;
        value = mean / S;
    } else {  // smoothing of the algorithm: p = mean map, φ(p) to the truth, c_s = φ'(p)·δ_s
        for (int k = 0; k < m; k++) {
            double pk = 0;
            for (int s = 0; s < S; s++) pk += maps[(long long)s * m + k];
            pk /= S;
            const double r = pk - double(truth[k]);
            value += p.l2 ? r * r : fabs(r);
            slope[k] = p.l2 ? 2 * r : (r > 0 ? 1.0 : (r < 0 ? -1.0 : 0.0));
        }
        for (int s = 0; s < S; s++) {
            double cs = 0;
            for (int k = 0; k < m; k++) cs += slope[k] * path_delta(p, maps, s, k);
            a[s] = cs;
        }
    }
    double diagonal = 0;
    for (int s = 0; s < S; s++) {
        const double v = a[s] - base;
        a[s] = v / gscale;
        b[s] = v / hscale;
        diagonal += b[s];
    }
    coef[2 * S] = diagonal;
    return value;
}

/**
 * Work item 3 (smoothing of the algorithm, L2): row s of F = G E with G_st = (δ_s·δ_t)·2/(S²σ²), into f[0 .. m);
 * g: S values of this thread's scratch.
 */
template <class G>
NL_HD void path_gram(const PathSpec& p, int s, const double* eps, const double* maps, G g, double* f) {
    const int m = p.cells(), S = p.samples;
    const double scale = 2.0 / (double(S) * S * p.sigma * p.sigma);
    for (int t = 0; t < S; t++) {
        double dot = 0;
        for (int k = 0; k < m; k++) dot += path_delta(p, maps, s, k) * path_delta(p, maps, t, k);
        g[t] = dot * scale;
    }
    for (int k = 0; k < m; k++) {
        double acc = 0;
        for (int t = 0; t < S; t++) acc += g[t] * eps[(long long)t * m + k];
        f[k] = acc;
    }
}

/** Work item 4: gradient entry k. */
template <class IO>
NL_HD double path_grad(const PathSpec& p, int k, const IO* truth, const double* eps, const double* maps,
                       const double* coef) {
    const int m = p.cells(), S = p.samples;
    double g = 0;
    if (p.family == PATH_FENCHEL_YOUNG) {  // y − ŷ_σ
        for (int s = 0; s < S; s++) g += maps[(long long)s * m + k];
        return double(truth[k]) - g / S;
    }
    for (int s = 0; s < S; s++) g += coef[s] * eps[(long long)s * m + k];
    return g;
}

/** Stein Hessian entry (i, j) before any symmetrisation: Σ_s b_s ε_si ε_sj − [i = j] Σ_s b_s. */
NL_HD double stein_hess_entry(const PathSpec& p, int i, int j, const double* eps, const double* coef) {
    const int m = p.cells(), S = p.samples;
    double h = 0;
    for (int s = 0; s < S; s++) h += (coef[S + s] * eps[(long long)s * m + i]) * eps[(long long)s * m + j];
    if (i == j) h -= coef[2 * S];
    return h;
}

/** Smoothing of the algorithm, entry (i, j) before symmetrisation: Stein part plus (L2) Σ_s ε_si F_sj. */
NL_HD double algorithm_hess_entry(const PathSpec& p, int i, int j, const double* eps, const double* coef, const double* f) {
    double h = stein_hess_entry(p, i, j, eps, coef);
    if (p.l2) {
        const int m = p.cells();
        for (int s = 0; s < p.samples; s++) h += eps[(long long)s * m + i] * f[(long long)s * m + j];
    }
    return h;
}

/** Fenchel-Young: Stein Jacobian entry J_ij = Σ_s (SP_si − base_i)/(Sσ) · ε_sj of the expected path. */
NL_HD double fy_jacobian_entry(const PathSpec& p, int i, int j, const double* eps, const double* maps) {
    const int m = p.cells(), S = p.samples;
    const double scale = 1.0 / (double(S) * p.sigma);
    double acc = 0;
    for (int s = 0; s < S; s++) acc += (path_delta(p, maps, s, i) * scale) * eps[(long long)s * m + j];
    return acc;
}

/** Work item 5: Hessian entry (i, j). f: the sample's F (S×m) of path_gram, read only for the L2 algorithm loss. */
NL_HD double path_hess(const PathSpec& p, int i, int j, const double* eps, const double* maps, const double* coef,
                       const double* f) {
    switch (p.family) {
        case PATH_SMOOTH_LOSS:  // symmetric by construction; the Java class does not symmetrise it
            return stein_hess_entry(p, i, j, eps, coef);
        case PATH_SMOOTH_ALGORITHM:
            if (i == j) return algorithm_hess_entry(p, i, i, eps, coef, f);
            return 0.5 * (algorithm_hess_entry(p, i, j, eps, coef, f) + algorithm_hess_entry(p, j, i, eps, coef, f));
        default:  // −∂ŷ_σ/∂θ, symmetrised
            return -0.5 * (fy_jacobian_entry(p, i, j, eps, maps) + fy_jacobian_entry(p, j, i, eps, maps));
    }
}

}  // namespace nl
