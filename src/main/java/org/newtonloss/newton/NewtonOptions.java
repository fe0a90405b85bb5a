package org.newtonloss.newton;

import java.util.Objects;

/**
 * What a Newton step computes: the curvature, the safeguard for indefinite systems and the damping λ.
 *
 * @param curvature which C_i (see {@link Curvature})
 * @param safeguard what makes C_i + λI positive definite when it is not (see {@link Safeguard})
 * @param lambda    the damping λ, finite and &gt; 0
 */
public record NewtonOptions(Curvature curvature, Safeguard safeguard, double lambda) {
    /** The safeguard used when none is named: {@link Safeguard#CLIP}, the best-training one in docs/curvature.md. */
    public static final Safeguard DEFAULT_SAFEGUARD = Safeguard.CLIP;

    /** @throws IllegalArgumentException if λ is not finite and &gt; 0 (the message names lambda and its value) */
    public NewtonOptions {
        Objects.requireNonNull(curvature, "curvature");
        Objects.requireNonNull(safeguard, "safeguard");
        if (!(lambda > 0) || !Double.isFinite(lambda))
            throw new IllegalArgumentException("lambda must be finite and > 0, got " + lambda);
    }

    /** Options with the {@link #DEFAULT_SAFEGUARD}. */
    public static NewtonOptions of(Curvature curvature, double lambda) {
        return new NewtonOptions(curvature, DEFAULT_SAFEGUARD, lambda);
    }
}
