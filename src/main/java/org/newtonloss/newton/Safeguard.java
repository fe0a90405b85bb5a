package org.newtonloss.newton;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What the engine does so that every system it solves is positive definite, even when the curvature C is
 * indefinite (non-convex relaxations). C is first symmetrised as (C + Cᵀ)/2. For a positive semi-definite C all
 * three give exactly the paper's step {@code (C + λI)⁻¹ g}; they differ only on indefinite C.
 * See docs/newton-engine.md.
 */
public enum Safeguard {
    /**
     * Cholesky of C + λI; if it fails, retry with λ·10^k, k = 1, 2, … up to {@link #MAX_ESCALATIONS}, then fall
     * back to {@link #SPECTRAL}. Cheapest, but an eigenvalue just above −λ passes the first Cholesky and its
     * direction is amplified by up to 1/(μ + λ): escalation on failure alone does not bound the step.
     */
    ESCALATE("escalate"),
    /**
     * Saddle-free Newton: eigen-decompose the damped system C + λI = V diag(ν) Vᵀ and solve with
     * max(|ν_k|, λ) in place of each ν_k. Every system eigenvalue is then ≥ λ, so ‖step‖ ≤ ‖g‖/λ; negative
     * curvature directions keep their magnitude.
     */
    SPECTRAL("spectral"),
    /** Eigen-decompose C = V diag(μ) Vᵀ and solve with max(μ_k, 0) + λ: negative curvature is ignored. */
    CLIP("clip");

    /** The largest k of the escalation λ·10^k before {@link #ESCALATE} falls back to the spectral solve. */
    public static final int MAX_ESCALATIONS = 20;

    private final String cliName;

    Safeguard(String cliName) { this.cliName = cliName; }

    /** The name used on the command line ({@code escalate}, {@code spectral}, {@code clip}). */
    public String cliName() { return cliName; }

    /**
     * The safeguard with this CLI name.
     *
     * @throws IllegalArgumentException naming the value and listing the known names
     */
    public static Safeguard parse(String name) {
        for (Safeguard s : values()) if (s.cliName.equals(name)) return s;
        throw new IllegalArgumentException("unknown safeguard '" + name + "'; known: "
                + Arrays.stream(values()).map(Safeguard::cliName).collect(Collectors.joining(", ")));
    }

    @Override public String toString() { return cliName; }
}
