// The error function exactly as org.newtonloss.ranking.Erf computes it (series below 2.5, Lentz continued fraction
// for erfc above, 1 from 6 on), always in double, so the Gaussian comparator matches the CPU implementation to
// the last bits (libm's erf differs by a few ulps, and 0.5 + 0.5·erf loses digits that erfc would keep: the CPU's
// choice is the contract).
#pragma once

#include "nl_common.cuh"

namespace nl {

NL_HD double erfc_large(double x) {
    const double tiny = 1e-300;
    double f = x, c = x, d = 0;
    for (int k = 1; k < 500; k++) {
        double a = 0.5 * k;
        d = x + a * d;
        if (d == 0) d = tiny;
        c = x + a / c;
        if (c == 0) c = tiny;
        d = 1 / d;
        double delta = c * d;
        f *= delta;
        if (fabs(delta - 1) < 1e-16) break;
    }
    return 0.5641895835477563 * exp(-x * x) / f;
}

NL_HD double erf_cpu(double x) {
    if (x != x) return x;
    double ax = fabs(x), r;
    if (ax < 2.5) {
        double x2 = ax * ax, term = ax, sum = ax;
        for (int k = 1; k < 200; k++) {
            term *= 2 * x2 / (2 * k + 1);
            sum += term;
            if (term < 1e-17 * sum) break;
        }
        r = 1.1283791670955126 * exp(-x2) * sum;
    } else {
        r = ax >= 6 ? 1.0 : 1.0 - erfc_large(ax);
    }
    return x < 0 ? -r : r;
}

/**
 * Φ(z) = ½ + ½ erf(z/√2) evaluated in double and rounded once, as the CPU's float path does (in float, ½ + ½ erf
 * would cancel for z ≪ 0); a dual's tangent is φ(z)·ż.
 */
template <class T> NL_HD T normal_cdf_cpu(T z) { return T(0.5 + 0.5 * erf_cpu(double(z) / 1.4142135623730951)); }
template <class T> NL_HD Dual<T> normal_cdf_cpu(Dual<T> a) {
    return {normal_cdf_cpu(a.v), T(0.3989422804014327) * exp(T(-0.5) * (a.v * a.v)) * a.d};
}

}  // namespace nl
