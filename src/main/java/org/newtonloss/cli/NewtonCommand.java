package org.newtonloss.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.newtonloss.backend.LossBackend;
import org.newtonloss.backend.NewtonOutcome;
import org.newtonloss.backend.NewtonOutcomeF32;
import org.newtonloss.backend.Precision;
import org.newtonloss.io.BatchInput;
import org.newtonloss.io.Numbers;
import org.newtonloss.io.OutJson;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.NewtonStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code newtonloss newton}: one regularised Newton step per sample, {@code step_i = (C_i + λ_i I)⁻¹ g_i} and
 * {@code z_i = y_i − step_i}, written with eval's keys plus {@code step}, {@code z}, {@code lambda}, {@code status}
 * and {@code stats}.
 */
@Command(name = "newton", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Take one regularised Newton step on a loss for a batch: step = (C + lambda*I)^-1 g, "
                + "z = input - step, with the damping used and a status per system, to OUT.json.")
final class NewtonCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--loss", required = true, paramLabel = "SPEC", description = "The loss, family:key=value,...")
    String loss;

    @Option(names = "--input", required = true, paramLabel = "IN.json", description = "The batch (as for eval).")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.json", description = "Where to write the results.")
    Path output;

    @Mixin NewtonOptionsMixin newton;

    @Mixin BackendOptions backendOptions;

    @Override public Integer call() throws IOException {
        // DESIGN.md's newton synopsis requires --curvature and --lambda (bench has defaults for them).
        for (String required : new String[] {"--curvature", "--lambda"})
            if (!spec.commandLine().getParseResult().hasMatchedOption(required))
                throw new ParameterException(spec.commandLine(), "Missing required option: '" + required + "'");
        NewtonOptions options = newton.options();
        LossInput li = LossInput.load(loss, input);
        Precision precision = backendOptions.precision(Precision.DOUBLE);
        LossBackend backend = backendOptions.select(li.loss(), precision);
        BatchInput b = li.batch();
        NewtonStats stats;
        try (OutJson out = OutJson.open(output)) {
            Metadata.write(out, li.loss(), backend, precision, b);
            Map<String, Object> requested = new LinkedHashMap<>();
            requested.put("curvature", options.curvature().cliName());
            requested.put("safeguard", options.safeguard().cliName());
            requested.put("lambda", options.lambda());
            out.object("options", requested);
            if (precision == Precision.DOUBLE) {
                NewtonOutcome r = backend.newton(li.loss(), options, b.inputs(), b.targets(), b.batch(), b.m());
                double[] hess = options.curvature() == Curvature.HESSIAN || options.curvature() == Curvature.HESSIAN_MEAN
                        ? r.evaluation().hess()
                        : backend.evaluate(li.loss(), b.inputs(), b.targets(), b.batch(), b.m(), true).hess();
                EvalCommand.writeEvaluation(out, Numbers.of(r.evaluation().loss()), Numbers.of(r.evaluation().grad()),
                        Numbers.of(hess), b);
                if (options.curvature() == Curvature.GAUSS_NEWTON)
                    out.matrices("gauss_newton", Numbers.of(r.evaluation().hess()), b.batch(), b.m());
                writeStep(out, Numbers.of(r.result().step()), Numbers.of(r.result().z()), r.result().lambda(),
                        r.result().status(), b);
                stats = r.result().stats();
            } else {
                float[] y = b.inputsF32();
                float[] t = b.targetsF32();
                NewtonOutcomeF32 r = backend.newton(li.loss(), options, y, t, b.batch(), b.m());
                float[] hess = options.curvature() == Curvature.HESSIAN || options.curvature() == Curvature.HESSIAN_MEAN
                        ? r.evaluation().hess()
                        : backend.evaluate(li.loss(), y, t, b.batch(), b.m(), true).hess();
                EvalCommand.writeEvaluation(out, Numbers.of(r.evaluation().loss()), Numbers.of(r.evaluation().grad()),
                        Numbers.of(hess), b);
                if (options.curvature() == Curvature.GAUSS_NEWTON)
                    out.matrices("gauss_newton", Numbers.of(r.evaluation().hess()), b.batch(), b.m());
                writeStep(out, Numbers.of(r.result().step()), Numbers.of(r.result().z()), r.result().lambda(),
                        r.result().status(), b);
                stats = r.result().stats();
            }
            out.object("stats", statsMap(stats));
            out.commit();
        }
        spec.commandLine().getOut().printf(java.util.Locale.ROOT,
                "newton %s: %d samples, m=%d, curvature %s, safeguard %s, lambda %s: %d of %d systems escalated, "
                        + "%d modified, max |step|/|g| %.4g (%s, %s) -> %s%n",
                li.loss().spec(), b.batch(), b.m(), options.curvature().cliName(), options.safeguard().cliName(),
                options.lambda(), stats.escalated(), stats.systems(), stats.modifiedSystems(), stats.maxStepRatio(),
                backend.name(), precision.label(), output);
        return Main.EXIT_OK;
    }

    private static void writeStep(OutJson out, Numbers step, Numbers z, double[] lambda, int[] status, BatchInput b)
            throws IOException {
        out.matrix("step", step, b.batch(), b.m()).matrix("z", z, b.batch(), b.m())
                .vector("lambda", Numbers.of(lambda)).ints("status", status);
    }

    /** The batch statistics under snake_case keys; min_eigenvalue only when some system was eigen-decomposed. */
    static Map<String, Object> statsMap(NewtonStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("systems", s.systems());
        m.put("escalated", s.escalated());
        m.put("max_escalation", s.maxEscalation());
        m.put("fallbacks", s.fallbacks());
        m.put("modified_systems", s.modifiedSystems());
        m.put("eigenvalues_modified", s.eigenvaluesModified());
        if (s.hasMinEigenvalue()) m.put("min_eigenvalue", s.minEigenvalue());
        m.put("max_step_ratio", s.maxStepRatio());
        return m;
    }
}
