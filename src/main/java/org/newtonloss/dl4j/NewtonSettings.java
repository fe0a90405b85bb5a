package org.newtonloss.dl4j;

import java.util.Locale;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonEngine;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.NewtonResult;
import org.newtonloss.newton.NewtonStats;
import org.newtonloss.newton.Safeguard;

/**
 * Which gradient the loss adapter hands to the network: the plain relaxation's ({@link Kind#NONE}), or the
 * Newton loss's with a curvature, a damping λ and a safeguard (METHOD.md §1).
 *
 * @param curvature none, hessian, hessian-mean, fisher or gauss-newton
 * @param lambda    λ, finite and &gt; 0 (ignored for none)
 * @param safeguard the Newton engine's safeguard name (escalate, spectral, clip)
 */
public record NewtonSettings(Kind curvature, double lambda, String safeguard) {
    /** Curvature choices of the adapter. */
    public enum Kind {
        NONE("none", null), HESSIAN("hessian", Curvature.HESSIAN), HESSIAN_MEAN("hessian-mean", Curvature.HESSIAN_MEAN),
        FISHER("fisher", Curvature.FISHER), GAUSS_NEWTON("gauss-newton", Curvature.GAUSS_NEWTON);

        private final String cliName;
        private final Curvature engineCurvature;

        Kind(String cliName, Curvature engineCurvature) {
            this.cliName = cliName;
            this.engineCurvature = engineCurvature;
        }

        public String cliName() { return cliName; }

        /** The Newton engine's curvature, null for none. */
        public Curvature engineCurvature() { return engineCurvature; }

        /** True when a per-sample curvature matrix (Hessian or Gauss-Newton) must be computed. */
        public boolean needsHessian() { return this == HESSIAN || this == HESSIAN_MEAN || this == GAUSS_NEWTON; }

        /** The kind with this name; throws {@link IllegalArgumentException} naming the value and the known names. */
        public static Kind parse(String name) {
            String s = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
            for (Kind k : values()) if (k.cliName.equals(s)) return k;
            throw new IllegalArgumentException("curvature must be one of none, hessian, hessian-mean, fisher, gauss-newton; got '"
                    + name + "'");
        }
    }

    /** The preconditioned direction (C + λI)⁻¹ g per set and what the step did. */
    record Step(double[] direction, SetGradients.NewtonInfo info) {}

    public NewtonSettings {
        if (curvature == null) throw new IllegalArgumentException("curvature must not be null");
        if (curvature != Kind.NONE && !(lambda > 0 && Double.isFinite(lambda)))
            throw new IllegalArgumentException("lambda must be finite and > 0 for curvature " + curvature.cliName() + ", got " + lambda);
        Safeguard.parse(safeguard); // names the value and the known ones
    }

    private static final NewtonEngine ENGINE = new NewtonEngine();

    /** Solves the Newton systems of a batch of sets with the Newton engine: direction (C_s + λI)⁻¹ g_s per set. */
    Step solve(double[] y, double[] grad, double[] hess, int sets, int n) {
        if (curvature == Kind.NONE) throw new IllegalStateException("no Newton step for curvature none");
        NewtonOptions options = new NewtonOptions(curvature.engineCurvature(), Safeguard.parse(safeguard), lambda);
        NewtonResult r = ENGINE.step(options, y, grad, curvature.needsHessian() ? hess : null, sets, n);
        NewtonStats st = r.stats();
        return new Step(r.step(), new SetGradients.NewtonInfo(st.systems(), st.escalated(), st.modifiedSystems(), st.maxStepRatio()));
    }

    @Override public String toString() {
        return curvature == Kind.NONE ? "curvature none" : "curvature " + curvature.cliName() + ", lambda " + lambda + ", safeguard " + safeguard;
    }
}
