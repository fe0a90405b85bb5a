// Binary cross-entropy of one entry of a relaxed permutation matrix against its 0/1 target, with torch's
// BCELoss clamp (each log clamped at −100) and the exact derivatives of the clamped function (0 where clamped).
// Mirrors org.newtonloss.ranking.Bce.
#pragma once

#include "nl_common.cuh"

namespace nl {

template <class T> NL_HD T bce_p_clamp() { return T(3.720075976020835962959695803863118337e-44); }  // exp(−100)

/** value = −[q log p + (1−q) log(1−p)], d1 = d value / dp, with the clamp. */
template <class S>
NL_HD void bce(S p, bool q, S& value, S& d1) {
    using T = typename scalar_of<S>::type;
    S r = q ? p : T(1) - p;  // the probability whose log is taken
    if (real(r) > bce_p_clamp<T>()) {
        value = -log(r);
        d1 = q ? T(-1) / r : T(1) / r;
    } else {
        value = S(T(100));
        d1 = S(T(0));
    }
}

}  // namespace nl
