package org.newtonloss.experiments;

import java.util.ArrayList;
import java.util.List;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.GaussNewtonLoss;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.Safeguard;

/**
 * The curvature × safeguard × λ combinations an experiment compares. Safeguards only matter for curvatures that can
 * be indefinite (the Hessians); the empirical Fisher and Gauss-Newton are PSD, so they get one row per λ. Gauss-Newton
 * rows are left out for losses that have no Gauss-Newton form.
 */
public final class CurvatureGrid {
    private CurvatureGrid() {}

    public static List<NewtonOptions> of(AlgorithmicLoss loss, List<Curvature> curvatures, List<Safeguard> safeguards,
                                         List<Double> lambdas) {
        List<NewtonOptions> out = new ArrayList<>();
        for (Curvature c : curvatures) {
            if (c == Curvature.GAUSS_NEWTON && !(loss instanceof GaussNewtonLoss)) continue;
            boolean psd = c == Curvature.FISHER || c == Curvature.GAUSS_NEWTON;
            for (Safeguard s : psd ? List.of(Safeguard.ESCALATE) : safeguards)
                for (double lambda : lambdas) out.add(new NewtonOptions(c, s, lambda));
        }
        return out;
    }
}
