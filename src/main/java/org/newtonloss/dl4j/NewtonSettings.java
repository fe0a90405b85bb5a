package org.newtonloss.dl4j;

import java.util.Locale;

/**
 * Which gradient the loss adapter hands to the network: the plain relaxation's ({@link Kind#NONE}), or the
 * Newton loss's with a curvature, a damping λ and a safeguard (METHOD.md §1).
 *
 * @param curvature none, hessian, hessian-mean or fisher
 * @param lambda    λ, finite and &gt; 0 (ignored for none)
 * @param safeguard the Newton engine's safeguard name (escalate, spectral, clip)
 */
public record NewtonSettings(Kind curvature, double lambda, String safeguard) {
    /** Curvature choices of the adapter. */
    public enum Kind {
        NONE("none"), HESSIAN("hessian"), HESSIAN_MEAN("hessian-mean"), FISHER("fisher");

        private final String cliName;

        Kind(String cliName) { this.cliName = cliName; }

        public String cliName() { return cliName; }

        /** True when the per-sample Hessians must be computed. */
        public boolean needsHessian() { return this == HESSIAN || this == HESSIAN_MEAN; }

        /** The kind with this name; throws {@link IllegalArgumentException} naming the value and the known names. */
        public static Kind parse(String name) {
            String s = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
            for (Kind k : values()) if (k.cliName.equals(s)) return k;
            throw new IllegalArgumentException("curvature must be one of none, hessian, hessian-mean, fisher; got '" + name + "'");
        }
    }

    /** The preconditioned direction (C + λI)⁻¹ g per set and what the step did. */
    record Step(double[] direction, SetGradients.NewtonInfo info) {}

    public NewtonSettings {
        if (curvature == null) throw new IllegalArgumentException("curvature must not be null");
        if (curvature != Kind.NONE && !(lambda > 0 && Double.isFinite(lambda)))
            throw new IllegalArgumentException("lambda must be finite and > 0 for curvature " + curvature.cliName() + ", got " + lambda);
        if (!java.util.List.of("escalate", "spectral", "clip").contains(safeguard))
            throw new IllegalArgumentException("safeguard must be one of escalate, spectral, clip; got '" + safeguard + "'");
    }

    /** Solves the Newton systems of a batch of sets. */
    Step solve(double[] y, double[] grad, double[] hess, int sets, int n) {
        throw new UnsupportedOperationException("curvature " + curvature.cliName() + " needs org.newtonloss.newton.NewtonEngine, not merged yet");
    }

    @Override public String toString() {
        return curvature == Kind.NONE ? "curvature none" : "curvature " + curvature.cliName() + ", lambda " + lambda + ", safeguard " + safeguard;
    }
}
