// Host harness: runs the kernels' per-sample math (kernels/nl_*.cuh, the code the GPU runs) on the CPU and
// compares it with golden outputs written by the Java CPU implementation (org.newtonloss.cuda.GoldenWriter).
// Usage: harness [--invariants] GOLDEN_FILE...   Exit 0 when every case agrees, 1 on a mismatch, 2 on unreadable
// input. With --invariants the Hessians are not compared with the golden ones, only checked for symmetry and
// H·1 = 0 (losses and gradients are still compared): for cases whose golden Hessians are known to be wrong.
//
// Golden format: whitespace-separated tokens. "case NAME" opens a case, "end" closes it; in between, scalar
// fields "key value" and arrays "key COUNT v1 ... vCOUNT" (see GoldenWriter for the keys).
#include <barrier>
#include <cmath>
#include <cstdio>
#include <thread>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../kernels/nl_bf.cuh"
#include "../kernels/nl_dsn.cuh"
#include "../kernels/nl_linalg.cuh"
#include "../kernels/nl_paths.cuh"
#include "../kernels/nl_softsorts.cuh"

namespace {

/** --invariants: Hessians are checked for symmetry and H·1 = 0 instead of against the golden ones. */
bool g_invariants_only = false;

struct Case {
    std::string name;
    std::map<std::string, std::string> scalars;
    std::map<std::string, std::vector<double>> arrays;

    double num(const std::string& k) const {
        auto it = scalars.find(k);
        if (it == scalars.end()) throw std::runtime_error("case " + name + ": missing field '" + k + "'");
        return std::stod(it->second);
    }
    const std::vector<double>& arr(const std::string& k) const {
        auto it = arrays.find(k);
        if (it == arrays.end()) throw std::runtime_error("case " + name + ": missing array '" + k + "'");
        return it->second;
    }
    bool has(const std::string& k) const { return arrays.count(k) > 0; }
};

const char* ARRAY_KEYS[] = {"comps", "x", "rank", "loss", "grad", "hess", "loss32", "grad32", "hess32", "C", "g", "step", "lambda_used", "status",
                            "y", "truth", "eps", "costs", "map", "optimal"};

bool is_array_key(const std::string& k) {
    for (const char* a : ARRAY_KEYS)
        if (k == a) return true;
    return false;
}

std::vector<Case> read_cases(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::vector<Case> cases;
    std::string tok;
    while (in >> tok) {
        if (tok != "case") throw std::runtime_error(path + ": expected 'case', got '" + tok + "'");
        Case c;
        in >> c.name;
        while (in >> tok && tok != "end") {
            if (is_array_key(tok)) {
                long long count;
                in >> count;
                std::vector<double> v((size_t)count);
                for (auto& e : v) {
                    std::string s;
                    in >> s;
                    e = std::strtod(s.c_str(), nullptr);  // not stod: it rejects subnormal values
                }
                c.arrays[tok] = std::move(v);
            } else {
                in >> c.scalars[tok];
            }
        }
        cases.push_back(std::move(c));
    }
    return cases;
}

/**
 * Agreement of one array, per block of `block` values (one sample's vector or matrix):
 * |a − b| ≤ floor + atol·scale + rtol·|b| + slack, scale = max |b| over the block. `floor` is an absolute bound
 * (values under float's range cannot be represented); for square blocks (Hessians) `slack` is the golden matrix's
 * own asymmetry |b_ij − b_ji|: the CPU's Hessian is exact only up to that, so no comparison can be sharper.
 */
struct Checker {
    std::string where;
    int failures = 0;
    double worst = 0;

    void compare(const std::string& what, const std::vector<double>& got, const std::vector<double>& want,
                 size_t block, double rtol, double atol, double floor = 0, int square = 0) {
        if (got.size() != want.size()) {
            std::printf("FAIL %s %s: %zu values, golden has %zu\n", where.c_str(), what.c_str(), got.size(),
                        want.size());
            failures++;
            return;
        }
        for (size_t b0 = 0; b0 < want.size(); b0 += block) {
            double scale = 0;
            for (size_t i = b0; i < b0 + block && i < want.size(); i++) scale = std::fmax(scale, std::fabs(want[i]));
            for (size_t i = b0; i < b0 + block && i < want.size(); i++) {
                double err = std::fabs(got[i] - want[i]);
                double slack = 0;
                if (square > 0) {
                    size_t r = (i - b0) / square, c = (i - b0) % square;
                    slack = std::fabs(want[i] - want[b0 + c * square + r]);
                }
                double tol = floor + atol * scale + rtol * std::fabs(want[i]) + slack;
                if (!(err <= tol) || !std::isfinite(got[i])) {
                    if (failures < 10)
                        std::printf("FAIL %s %s[%zu]: got %.17g, golden %.17g (|diff| %.3g > tol %.3g)\n",
                                    where.c_str(), what.c_str(), i, got[i], want[i], err, tol);
                    failures++;
                }
                if (scale > 0) worst = std::fmax(worst, err / scale);
            }
        }
    }
};

/**
 * A team of real threads with a barrier for sync(): runs the warp/block decomposition of the linear-algebra code
 * (loops split by lane, syncs between phases) on the host, so that a missing sync or a lane writing what another
 * still reads shows up here rather than first on a GPU.
 */
struct ThreadTeam {
    int lane;
    int size;
    std::barrier<>* bar;
    double* sd = nullptr;  // per-lane slots of team_argmin
    int* sv = nullptr;
    void sync() const { bar->arrive_and_wait(); }
};

/** The team minimum of (d, v) for thread teams: every lane posts its pair, then all read all (found by ADL). */
void team_argmin(const ThreadTeam& t, double& d, int& v) {
    t.sd[t.lane] = d;
    t.sv[t.lane] = v;
    t.sync();
    double bd = HUGE_VAL;
    int bv = -1;
    for (int l = 0; l < t.size; l++)
        if (nl::before_pair(t.sd[l], t.sv[l], bd, bv)) {
            bd = t.sd[l];
            bv = t.sv[l];
        }
    t.sync();  // all lanes have read the slots before the next call writes them
    d = bd;
    v = bv;
}

template <class T>
int damped_solve_threads(int lanes, const T* C, int m, const T* g, T lambda, int maxEsc, T* L, T* st, T* lam) {
    std::barrier<> bar(lanes);
    std::vector<int> result(lanes);
    std::vector<std::thread> threads;
    for (int l = 0; l < lanes; l++)
        threads.emplace_back([&, l] { result[l] = nl::damped_cholesky_solve(ThreadTeam{l, lanes, &bar}, C, m, g, lambda, maxEsc, L, st, lam); });
    for (auto& t : threads) t.join();
    for (int l = 1; l < lanes; l++)
        if (result[l] != result[0]) return -999;  // lanes disagreeing about the status is a bug in itself
    return result[0];
}

/** rtol, atol (× the block's scale) and an absolute floor, per output precision. */
struct Tol {
    double rtol, atol, floor;
};

template <class T>
Tol tol_for() {
    // double: Tolerances.F64 (1e-9 relative, 1e-12 absolute) plus 1e-9 of the sample's scale for entries that
    // are sums of terms much larger than themselves; float outputs: rounding to float (and its range).
    return sizeof(T) == 8 ? Tol{1e-9, 1e-9, 1e-12} : Tol{1e-5, 1e-6, 1e-35};
}

/**
 * Runs a ranking family's per-sample math (value, gradient, Hessian) as the kernels do: inputs and outputs in IO,
 * arithmetic in T (the float NeuralSort/SoftSort kernels compute in double).
 */
template <class IO, class T, class Run>
void check_ranking(const Case& c, Checker& ck, long long scratch, long long intScratch, Run run) {
    const int n = (int)c.num("n"), batch = (int)c.num("batch");
    const auto& xs = c.arr("x");
    const auto& rk = c.arr("rank");
    std::vector<IO> x(xs.begin(), xs.end());
    std::vector<int> rank(rk.begin(), rk.end());
    std::vector<T> ws((size_t)scratch);
    std::vector<nl::Dual<T>> dws((size_t)scratch);
    std::vector<int> iws((size_t)intScratch + 1);
    std::vector<double> loss, grad, hess((size_t)batch * n * n), dloss, dgrad;
    for (int s = 0; s < batch; s++) {
        const IO* xp = x.data() + (size_t)s * n;
        const int* rp = rank.data() + (size_t)s * n;
        nl::Strided<T> w{ws.data(), 1};
        nl::Strided<int> iw{iws.data(), 1};
        T l = run(xp, rp, -1, w, iw);
        loss.push_back(IO(l));
        for (int j = 0; j < n; j++) grad.push_back(IO(w[j]));
        for (int k = 0; k < n; k++) {
            nl::Strided<nl::Dual<T>> dw{dws.data(), 1};
            nl::Dual<T> dl = run(xp, rp, k, dw, iw);
            for (int j = 0; j < n; j++) hess[(size_t)s * n * n + (size_t)j * n + k] = IO(dw[j].d);
            if (k == 0) {
                dloss.push_back(IO(dl.v));
                for (int j = 0; j < n; j++) dgrad.push_back(IO(dw[j].v));
            }
        }
    }
    Tol t = tol_for<IO>();
    ck.compare("loss", loss, c.arr("loss"), 1, t.rtol, t.atol, t.floor);
    ck.compare("grad", grad, c.arr("grad"), n, t.rtol, t.atol, t.floor);
    ck.compare("loss(dual)", dloss, c.arr("loss"), 1, t.rtol, t.atol, t.floor);
    ck.compare("grad(dual)", dgrad, c.arr("grad"), n, t.rtol, t.atol, t.floor);
    if (!g_invariants_only) ck.compare("hess", hess, c.arr("hess"), (size_t)n * n, t.rtol, t.atol, t.floor, n);
    // Every ranking loss is invariant to a common shift of the scores, so H·1 = 0 and g·1 = 0; H is symmetric.
    // Checked on the kernel's own results (in double): an independent oracle where golden Hessians are doubtful.
    if (sizeof(IO) == 8) {
        for (int s = 0; s < batch; s++) {
            double scale = 0, gscale = 0, gsum = 0;
            for (int k = 0; k < n * n; k++) scale = std::fmax(scale, std::fabs(hess[(size_t)s * n * n + k]));
            for (int j = 0; j < n; j++) {
                gscale = std::fmax(gscale, std::fabs(grad[(size_t)s * n + j]));
                gsum += grad[(size_t)s * n + j];
            }
            double worst = 0;
            for (int i = 0; i < n; i++) {
                double row = 0;
                for (int j = 0; j < n; j++) {
                    double hij = hess[(size_t)s * n * n + (size_t)i * n + j], hji = hess[(size_t)s * n * n + (size_t)j * n + i];
                    row += hij;
                    worst = std::fmax(worst, std::fabs(hij - hji));
                }
                worst = std::fmax(worst, std::fabs(row));
            }
            // relative to the sample's scale, with an absolute floor for saturated samples whose H is ~1e-80
            if (!(worst <= 1e-10 * scale + 1e-14) || !(std::fabs(gsum) <= 1e-10 * gscale + 1e-14)) {
                std::printf("FAIL %s sample %d: invariants |H-H^T|, |H·1| up to %.3g (scale %.3g), g·1 = %.3g\n",
                            ck.where.c_str(), s, worst, scale, gsum);
                ck.failures++;
            }
        }
    }
}

/**
 * A stochastic path loss (nl_paths.cuh) run work item by work item as the kernels run it: every draw solved, then
 * per sample the coefficients, the Gram rows (L2 smoothing of the algorithm), each gradient entry and each Hessian
 * entry. Inputs y and truth in IO, the noise in double (drawn by the Java code), arithmetic in double.
 */
template <class IO>
void check_paths(const Case& c, Checker& ck) {
    nl::PathSpec p{(int)c.num("rows"), (int)c.num("cols"), (int)c.num("samples"), c.num("sigma"),
                   (int)c.num("path_family"), (int)c.num("baseline"), (int)c.num("l2")};
    const int batch = (int)c.num("batch"), m = p.cells(), S = p.samples;
    std::vector<IO> y(c.arr("y").begin(), c.arr("y").end()), truth(c.arr("truth").begin(), c.arr("truth").end());
    const std::vector<double>& eps = c.arr("eps");
    if ((long long)y.size() != (long long)batch * m || (long long)eps.size() != (long long)batch * S * m)
        throw std::runtime_error("case " + c.name + ": y or eps has the wrong length");
    std::vector<double> maps((size_t)(S + 1) * m), optimal(S + 1), coef((size_t)nl::path_coef_count(p));
    std::vector<double> gram(S), f((size_t)S * m), dist(m);
    std::vector<int> pred(m), done(m);
    std::vector<double> loss, grad, hess;
    for (int b = 0; b < batch; b++) {
        const IO* yb = y.data() + (size_t)b * m;
        const IO* tb = truth.data() + (size_t)b * m;
        const double* eb = eps.data() + (size_t)b * S * m;
        for (int d = 0; d <= S; d++)
            nl::path_solve(nl::SerialTeam{}, p, d, yb, eb, maps.data(), optimal.data(), nl::Strided<double>{dist.data(), 1},
                           nl::Strided<int>{pred.data(), 1}, nl::Strided<int>{done.data(), 1});
        loss.push_back(IO(nl::path_prepare(p, yb, tb, maps.data(), optimal.data(), coef.data())));
        if (p.family == nl::PATH_SMOOTH_ALGORITHM && p.l2)
            for (int s = 0; s < S; s++)
                nl::path_gram(p, s, eb, maps.data(), nl::Strided<double>{gram.data(), 1}, f.data() + (size_t)s * m);
        for (int k = 0; k < m; k++) grad.push_back(IO(nl::path_grad(p, k, tb, eb, maps.data(), coef.data())));
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
                hess.push_back(IO(nl::path_hess(p, i, j, eb, maps.data(), coef.data(), f.data())));
    }
    Tol t = tol_for<IO>();
    ck.compare("loss", loss, c.arr("loss"), 1, t.rtol, t.atol, t.floor);
    ck.compare("grad", grad, c.arr("grad"), m, t.rtol, t.atol, t.floor);
    ck.compare("hess", hess, c.arr("hess"), (size_t)m * m, t.rtol, t.atol, t.floor);
}

/**
 * Relaxed Bellman-Ford (For loop): loss and gradient by the plain run, each Hessian column k by the run on duals
 * seeded at cost k (the Hessian kernel's thread (sample, k)); the duals' real parts must repeat loss and gradient.
 */
template <class IO>
void check_bellman_ford(const Case& c, Checker& ck) {
    nl::BfSpec b{(int)c.num("rows"), (int)c.num("cols"), (int)c.num("iterations"), c.num("beta"), (int)c.num("tconorm"),
                 c.num("p"), (int)c.num("absorb"), (int)c.num("l2")};
    const int batch = (int)c.num("batch"), n = b.cells();
    std::vector<IO> y(c.arr("y").begin(), c.arr("y").end());
    std::vector<int> truth(c.arr("truth").begin(), c.arr("truth").end());
    std::vector<double> ws((size_t)nl::bf_scratch(b));
    std::vector<nl::Dual<double>> dws((size_t)nl::bf_scratch(b));
    std::vector<double> loss, grad, hess((size_t)batch * n * n), dloss, dgrad;
    for (int s = 0; s < batch; s++) {
        const IO* yp = y.data() + (size_t)s * n;
        const int* tp = truth.data() + (size_t)s * n;
        nl::Strided<double> w{ws.data(), 1};
        loss.push_back(IO(nl::bf_loss_grad<double>(b, yp, tp, -1, w)));
        for (int j = 0; j < n; j++) grad.push_back(IO(w[j]));
        for (int k = 0; k < n; k++) {
            nl::Strided<nl::Dual<double>> dw{dws.data(), 1};
            nl::Dual<double> dl = nl::bf_loss_grad<nl::Dual<double>>(b, yp, tp, k, dw);
            for (int j = 0; j < n; j++) hess[(size_t)s * n * n + (size_t)j * n + k] = IO(dw[j].d);
            if (k == 0) {
                dloss.push_back(IO(dl.v));
                for (int j = 0; j < n; j++) dgrad.push_back(IO(dw[j].v));
            }
        }
    }
    Tol t = tol_for<IO>();
    ck.compare("loss", loss, c.arr("loss"), 1, t.rtol, t.atol, t.floor);
    ck.compare("grad", grad, c.arr("grad"), n, t.rtol, t.atol, t.floor);
    ck.compare("loss(dual)", dloss, c.arr("loss"), 1, t.rtol, t.atol, t.floor);
    ck.compare("grad(dual)", dgrad, c.arr("grad"), n, t.rtol, t.atol, t.floor);
    // In the INFTY regime (N < max(H, W) − 1) the Hessian goes through cancellations of 1e12-level values, where
    // the dual tangents and the Java class's hand-written ones round differently (0.5 % on some entries): the
    // kernel leaves that regime to the CPU backend, and the case is written with compare_hessian 0.
    if (!c.scalars.count("compare_hessian") || c.num("compare_hessian") != 0)
        ck.compare("hess", hess, c.arr("hess"), (size_t)n * n, t.rtol, t.atol, t.floor, n);
}

/** The team Dijkstra run by `lanes` real threads with a barrier (the warp kernel's lane split and syncs). */
double shortest_path_threads(int lanes, int rows, int cols, const double* costs, double* map) {
    const int n = rows * cols;
    std::vector<double> dist(n), sd(lanes), result(lanes);
    std::vector<int> pred(n), done(n), sv(lanes);
    std::barrier<> bar(lanes);
    std::vector<std::thread> threads;
    for (int l = 0; l < lanes; l++)
        threads.emplace_back([&, l] {
            result[l] = nl::grid_shortest_path(ThreadTeam{l, lanes, &bar, sd.data(), sv.data()}, rows, cols, costs, 0.0,
                                               (const double*)nullptr, nl::Strided<double>{dist.data(), 1},
                                               nl::Strided<int>{pred.data(), 1}, nl::Strided<int>{done.data(), 1}, map);
        });
    for (auto& t : threads) t.join();
    for (int l = 1; l < lanes; l++)
        if (result[l] != result[0]) return -1;  // lanes disagreeing about the cost is a bug in itself
    return result[0];
}

/**
 * The grid shortest path alone: maps and costs must equal GridShortestPath's exactly (the tie rule included), by
 * the serial team and, up to 12×12, by a team of 3 threads.
 */
void check_shortest_path(const Case& c, Checker& ck) {
    const int rows = (int)c.num("rows"), cols = (int)c.num("cols"), batch = (int)c.num("batch"), m = rows * cols;
    const std::vector<double>& costs = c.arr("costs");
    std::vector<double> dist(m), map(m), maps, optimal, tmaps, toptimal;
    std::vector<int> pred(m), done(m);
    for (int b = 0; b < batch; b++) {
        optimal.push_back(nl::grid_shortest_path(nl::SerialTeam{}, rows, cols, costs.data() + (size_t)b * m, 0.0,
                                                 (const double*)nullptr, nl::Strided<double>{dist.data(), 1},
                                                 nl::Strided<int>{pred.data(), 1}, nl::Strided<int>{done.data(), 1},
                                                 map.data()));
        maps.insert(maps.end(), map.begin(), map.end());
        if (m <= 144) {
            toptimal.push_back(shortest_path_threads(3, rows, cols, costs.data() + (size_t)b * m, map.data()));
            tmaps.insert(tmaps.end(), map.begin(), map.end());
        }
    }
    ck.compare("map", maps, c.arr("map"), m, 0, 0);
    ck.compare("optimal", optimal, c.arr("optimal"), 1, 0, 0);
    if (m <= 144) {
        ck.compare("map(3 threads)", tmaps, c.arr("map"), m, 0, 0);
        ck.compare("optimal(3 threads)", toptimal, c.arr("optimal"), 1, 0, 0);
    }
}

template <class T>
void check_case(const Case& c, Checker& ck) {
    const std::string family = c.scalars.at("family");
    if (family == "dsn") {
        const auto& cv = c.arr("comps");
        std::vector<int> comps(cv.begin(), cv.end());
        nl::DsnSpec<double> spec{comps.data(), (int)comps.size() / 3, (int)c.num("n"), (int)c.num("sigmoid"),
                                 (double)(T)c.num("steepness"), (double)(T)c.num("art_lambda")};
        long long scratch = nl::dsn_scratch(spec.n, spec.ncomp);
        check_ranking<T, double>(c, ck, scratch, 0, [&](const T* x, const int* r, int dir, auto w, nl::Strided<int>) {
            using S = typename std::remove_reference<decltype(w[0])>::type;
            return nl::dsn_loss_grad<S, double>(spec, x, r, dir, w);
        });
    } else if (family == "neuralsort") {
        nl::NeuralSortSpec<double> spec{(int)c.num("n"), c.num("tau")};
        check_ranking<T, double>(c, ck, nl::neuralsort_scratch(spec.n), 0,
                         [&](const T* x, const int* r, int dir, auto w, nl::Strided<int>) {
                             using S = typename std::remove_reference<decltype(w[0])>::type;
                             return nl::neuralsort_loss_grad<S, double>(spec, x, r, dir, w);
                         });
    } else if (family == "softsort") {
        nl::SoftSortSpec<double> spec{(int)c.num("n"), c.num("tau"), (int)c.num("power")};
        check_ranking<T, double>(c, ck, nl::softsort_scratch(spec.n), nl::softsort_int_scratch(spec.n),
                         [&](const T* x, const int* r, int dir, auto w, nl::Strided<int> iw) {
                             using S = typename std::remove_reference<decltype(w[0])>::type;
                             return nl::softsort_loss_grad<S, double>(spec, x, r, dir, w, iw);
                         });
    } else if (family == "solve") {
        const int m = (int)c.num("m"), batch = (int)c.num("batch"), maxEsc = (int)c.num("max_escalations");
        const T lambda = (T)c.num("lambda");
        std::vector<T> C(c.arr("C").begin(), c.arr("C").end()), g(c.arr("g").begin(), c.arr("g").end());
        std::vector<T> L((size_t)m * m), st(m);
        std::vector<double> step, lam, status;
        const int lanes = c.scalars.count("lanes") ? (int)c.num("lanes") : 1;
        for (int s = 0; s < batch; s++) {
            T lu;
            int k = lanes == 1 ? nl::damped_cholesky_solve(nl::SerialTeam{}, C.data() + (size_t)s * m * m, m,
                                                           g.data() + (size_t)s * m, lambda, maxEsc, L.data(), st.data(), &lu)
                               : damped_solve_threads(lanes, C.data() + (size_t)s * m * m, m, g.data() + (size_t)s * m,
                                                      lambda, maxEsc, L.data(), st.data(), &lu);
            for (int i = 0; i < m; i++) step.push_back(st[i]);
            lam.push_back(lu);
            // The device leaves systems without a factor to the host, which solves them with the CPU engine's
            // spectral fallback (NewtonResult.STATUS_FALLBACK = -2).
            status.push_back(k == nl::STATUS_NOT_SOLVED ? -2 : k);
        }
        Tol t = tol_for<T>();
        if (sizeof(T) == 4) t = Tol{1e-3, 1e-3, 0};  // float solves (computed in float) of systems with κ ~ 1e4
        ck.compare("status", status, c.arr("status"), 1, 0, 0);
        std::vector<double> want = c.arr("step"), wantLam = c.arr("lambda_used");
        for (int s = 0; s < batch; s++)
            if (status[s] == -2) {  // not solved on the device: the host's result is not the kernel's to match
                for (int i = 0; i < m; i++) want[(size_t)s * m + i] = 0;
                wantLam[s] = lam[s];
            }
        ck.compare("lambda_used", lam, wantLam, 1, sizeof(T) == 8 ? 1e-15 : 1e-6, 0);
        ck.compare("step", step, want, m, t.rtol, t.atol, t.floor);
    } else if (family == "paths") {
        check_paths<T>(c, ck);
    } else if (family == "bellman_ford") {
        check_bellman_ford<T>(c, ck);
    } else if (family == "shortest_path") {
        check_shortest_path(c, ck);
    } else {
        throw std::runtime_error("case " + c.name + ": unknown family '" + family + "'");
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: harness GOLDEN_FILE...\n");
        return 2;
    }
    int cases = 0, failed = 0;
    for (int a = 1; a < argc; a++) {
        if (std::string(argv[a]) == "--invariants") {
            g_invariants_only = true;
            continue;
        }
        std::vector<Case> all;
        try {
            all = read_cases(argv[a]);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "harness: %s\n", e.what());
            return 2;
        }
        for (const Case& c : all) {
            const bool doubleOnly = c.scalars.count("precisions") && c.scalars.at("precisions") == "double";
            for (int precision = 0; precision < (doubleOnly ? 1 : 2); precision++) {
                Checker ck{c.name + (precision == 0 ? " [double]" : " [float]")};
                try {
                    if (precision == 0) check_case<double>(c, ck);
                    else check_case<float>(c, ck);
                } catch (const std::exception& e) {
                    std::printf("FAIL %s: %s\n", ck.where.c_str(), e.what());
                    ck.failures++;
                }
                cases++;
                if (ck.failures > 0) {
                    failed++;
                    std::printf("FAIL %s: %d mismatches\n", ck.where.c_str(), ck.failures);
                } else {
                    std::printf("ok   %s (worst |diff|/scale %.2g)\n", ck.where.c_str(), ck.worst);
                }
            }
        }
    }
    std::printf("harness: %d checks, %d failed\n", cases, failed);
    return failed == 0 ? 0 : 1;
}
