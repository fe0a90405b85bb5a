package org.newtonloss.cli;

import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.Safeguard;
import picocli.CommandLine.Option;

/** {@code --curvature}, {@code --safeguard} and {@code --lambda}, shared by newton and bench. */
final class NewtonOptionsMixin {
    @Option(names = "--curvature", paramLabel = "C", defaultValue = "hessian",
            description = "hessian, hessian-mean, fisher or gauss-newton (required by newton; bench default: ${DEFAULT-VALUE}).")
    String curvature;

    @Option(names = "--safeguard", paramLabel = "S", defaultValue = "clip",
            description = "What makes an indefinite C + lambda*I solvable: escalate, spectral or clip. Default: ${DEFAULT-VALUE}.")
    String safeguard;

    @Option(names = "--lambda", paramLabel = "L", defaultValue = "1",
            description = "The damping lambda > 0 of (C + lambda*I) (required by newton; bench default: ${DEFAULT-VALUE}).")
    double lambda;

    /** The options; every bad value is an IllegalArgumentException naming the option. */
    NewtonOptions options() {
        Curvature c;
        Safeguard s;
        try {
            c = Curvature.parse(curvature);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--curvature: " + e.getMessage(), e);
        }
        try {
            s = Safeguard.parse(safeguard);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--safeguard: " + e.getMessage(), e);
        }
        if (!(lambda > 0) || !Double.isFinite(lambda))
            throw new IllegalArgumentException("--lambda must be finite and > 0, got " + lambda);
        return new NewtonOptions(c, s, lambda);
    }
}
