package org.newtonloss.newton;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Which curvature matrix C_i the Newton step {@code z*_i = ȳ_i − (C_i + λI)⁻¹ g_i} uses (METHOD.md §1).
 */
public enum Curvature {
    /** Per-sample Hessian ∇²ℓ_i(ȳ_i): one m×m system per sample. */
    HESSIAN("hessian", false),
    /** Batch-mean Hessian (1/N) Σ_j ∇²ℓ_j (the paper's Definition 1): one shared m×m system. */
    HESSIAN_MEAN("hessian-mean", true),
    /** Empirical Fisher (1/N) Σ_j g_j g_jᵀ (the paper's Definition 2): one shared system, gradients only. */
    FISHER("fisher", true),
    /**
     * Generalised Gauss-Newton J_iᵀ (∇²_P ℓ) J_i, supplied per sample by the caller like a Hessian; positive
     * semi-definite when the outer loss is convex in the relaxation's output.
     */
    GAUSS_NEWTON("gauss-newton", false);

    private final String cliName;
    private final boolean shared;

    Curvature(String cliName, boolean shared) {
        this.cliName = cliName;
        this.shared = shared;
    }

    /** The name used on the command line and in JSON ({@code hessian}, {@code hessian-mean}, ...). */
    public String cliName() { return cliName; }

    /** True when one m×m system is shared by the whole batch (status and λ are then the same for all samples). */
    public boolean shared() { return shared; }

    /** True when the caller must supply per-sample m×m matrices (all but {@link #FISHER}). */
    public boolean needsMatrices() { return this != FISHER; }

    /**
     * The curvature with this CLI name.
     *
     * @throws IllegalArgumentException naming the value and listing the known names
     */
    public static Curvature parse(String name) {
        for (Curvature c : values()) if (c.cliName.equals(name)) return c;
        throw new IllegalArgumentException("unknown curvature '" + name + "'; known: " + known());
    }

    static String known() {
        return Arrays.stream(values()).map(Curvature::cliName).collect(Collectors.joining(", "));
    }

    @Override public String toString() { return cliName; }
}
