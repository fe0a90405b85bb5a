// Shared building blocks of the newtonloss kernels: the host/device qualifier, dual numbers for
// forward-over-reverse Hessians, strided scratch memory and "teams" (a lane-parallel loop abstraction that
// runs the same algorithm serially on the host, per warp or per block on the GPU).
//
// Everything here is header-only and compiles both with nvcc (device and host) and with a plain C++17
// compiler (the host harness in native/), so the per-sample math that the GPU runs is the math the harness
// checks against the Java CPU implementation.
#pragma once

#include <cmath>

#ifdef __CUDACC__
#define NL_HD __host__ __device__ __forceinline__
#define NL_DEVICE_CODE 1
#else
#define NL_HD inline
#endif

namespace nl {

using std::atan;
using std::erfc;
using std::exp;
using std::fabs;
using std::log;
using std::pow;
using std::sqrt;

// ---------------------------------------------------------------------------------------------------------------
// Dual numbers: v + d·ε with ε² = 0. Running the exact reverse-mode gradient code on Dual<T> seeded with the
// tangent e_k yields the gradient (real parts) and column k of the Hessian (dual parts): forward-over-reverse.
// ---------------------------------------------------------------------------------------------------------------
template <class T>
struct Dual {
    T v, d;
    NL_HD Dual() : v(0), d(0) {}
    NL_HD Dual(T value) : v(value), d(0) {}  // NOLINT: implicit on purpose, constants mix with duals
    NL_HD Dual(T value, T tangent) : v(value), d(tangent) {}
};

template <class T> NL_HD Dual<T> operator+(Dual<T> a, Dual<T> b) { return {a.v + b.v, a.d + b.d}; }
template <class T> NL_HD Dual<T> operator-(Dual<T> a, Dual<T> b) { return {a.v - b.v, a.d - b.d}; }
template <class T> NL_HD Dual<T> operator-(Dual<T> a) { return {-a.v, -a.d}; }
template <class T> NL_HD Dual<T> operator*(Dual<T> a, Dual<T> b) { return {a.v * b.v, a.d * b.v + a.v * b.d}; }
template <class T> NL_HD Dual<T> operator/(Dual<T> a, Dual<T> b) {
    T q = a.v / b.v;
    return {q, (a.d - q * b.d) / b.v};
}
template <class T> NL_HD Dual<T> operator+(Dual<T> a, T b) { return {a.v + b, a.d}; }
template <class T> NL_HD Dual<T> operator+(T a, Dual<T> b) { return {a + b.v, b.d}; }
template <class T> NL_HD Dual<T> operator-(Dual<T> a, T b) { return {a.v - b, a.d}; }
template <class T> NL_HD Dual<T> operator-(T a, Dual<T> b) { return {a - b.v, -b.d}; }
template <class T> NL_HD Dual<T> operator*(Dual<T> a, T b) { return {a.v * b, a.d * b}; }
template <class T> NL_HD Dual<T> operator*(T a, Dual<T> b) { return {a * b.v, a * b.d}; }
template <class T> NL_HD Dual<T> operator/(Dual<T> a, T b) { return {a.v / b, a.d / b}; }
template <class T> NL_HD Dual<T> operator/(T a, Dual<T> b) {
    T q = a / b.v;
    return {q, -q * b.d / b.v};
}
template <class T> NL_HD Dual<T>& operator+=(Dual<T>& a, Dual<T> b) { a.v += b.v; a.d += b.d; return a; }
template <class T> NL_HD Dual<T>& operator-=(Dual<T>& a, Dual<T> b) { a.v -= b.v; a.d -= b.d; return a; }
template <class T> NL_HD Dual<T>& operator+=(Dual<T>& a, T b) { a.v += b; return a; }
template <class T> NL_HD Dual<T>& operator-=(Dual<T>& a, T b) { a.v -= b; return a; }
template <class T> NL_HD Dual<T>& operator*=(Dual<T>& a, Dual<T> b) { a = a * b; return a; }
template <class T> NL_HD Dual<T>& operator/=(Dual<T>& a, Dual<T> b) { a = a / b; return a; }

// Comparisons and branches look at the real part only (the function is evaluated on one smooth piece).
template <class T> NL_HD T real(Dual<T> a) { return a.v; }
NL_HD float real(float a) { return a; }
NL_HD double real(double a) { return a; }

template <class T> NL_HD Dual<T> exp(Dual<T> a) { T e = exp(a.v); return {e, e * a.d}; }
template <class T> NL_HD Dual<T> log(Dual<T> a) { return {log(a.v), a.d / a.v}; }
template <class T> NL_HD Dual<T> sqrt(Dual<T> a) { T s = sqrt(a.v); return {s, a.d / (T(2) * s)}; }
template <class T> NL_HD Dual<T> atan(Dual<T> a) { return {atan(a.v), a.d / (T(1) + a.v * a.v)}; }
// |x| with derivative sign(x) and sign(0) = 0, as torch defines it.
template <class T> NL_HD Dual<T> fabs(Dual<T> a) {
    return a.v > T(0) ? a : (a.v < T(0) ? -a : Dual<T>(T(0), T(0)));
}
// x^p for a constant p (x > 0 where used).
template <class T> NL_HD Dual<T> pow(Dual<T> a, T p) {
    T r = pow(a.v, p);
    return {r, p * pow(a.v, p - T(1)) * a.d};
}
// erfc with d/dx erfc(x) = −2/√π · exp(−x²).
template <class T> NL_HD Dual<T> erfc(Dual<T> a) {
    const T two_over_sqrt_pi = T(1.1283791670955125738961589031215452);
    return {erfc(a.v), -two_over_sqrt_pi * exp(-a.v * a.v) * a.d};
}

/** Sets the tangent of a dual to 1 (the direction being differentiated); a no-op on plain numbers. */
template <class T> NL_HD void seed(Dual<T>& a) { a.d = T(1); }
NL_HD void seed(float&) {}
NL_HD void seed(double&) {}

/** sign(x) ∈ {−1, 0, 1} of the real part, as a plain number (derivative 0 everywhere it is used). */
template <class S> NL_HD int sign_of(S x) {
    return real(x) > 0 ? 1 : (real(x) < 0 ? -1 : 0);
}

/** The scalar type under a dual (T for T, T for Dual<T>). */
template <class S> struct scalar_of { using type = S; };
template <class T> struct scalar_of<Dual<T>> { using type = T; };

// ---------------------------------------------------------------------------------------------------------------
// Scratch memory: element e of this thread's scratch lives at base[e * stride]. On the GPU the stride is the
// number of threads of the launch, so neighbouring threads touch neighbouring addresses (coalesced); on the
// host the stride is 1.
// ---------------------------------------------------------------------------------------------------------------
template <class S>
struct Strided {
    S* base;
    long long stride;
    NL_HD S& operator[](long long e) const { return base[e * stride]; }
    NL_HD Strided<S> offset(long long e) const { return {base + e * stride, stride}; }
};

// ---------------------------------------------------------------------------------------------------------------
// Teams: `lane` in [0, size); `for (int i = t.lane; i < m; i += t.size)` distributes a loop, `t.sync()` makes
// the team's writes visible to each other. Shared data (the matrix being factored) sits in memory all lanes see.
// ---------------------------------------------------------------------------------------------------------------
struct SerialTeam {
    static constexpr int lane = 0;
    static constexpr int size = 1;
    NL_HD void sync() const {}
};

#ifdef NL_DEVICE_CODE
struct WarpTeam {
    int lane;
    static constexpr int size = 32;
    __device__ void sync() const { __syncwarp(); }
};
struct BlockTeam {
    int lane;
    int size;
    __device__ void sync() const { __syncthreads(); }
};
#endif

}  // namespace nl
