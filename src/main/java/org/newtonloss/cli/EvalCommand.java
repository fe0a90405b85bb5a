package org.newtonloss.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.newtonloss.backend.LossBackend;
import org.newtonloss.backend.Precision;
import org.newtonloss.io.BatchInput;
import org.newtonloss.io.Numbers;
import org.newtonloss.io.OutJson;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.EvaluationF32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code newtonloss eval}: per-sample loss, gradient and exact Hessian of a batch, written as
 * {@code {"loss": [N], "gradient": [N][m], "hessian": [N][m][m]}} plus metadata keys.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Evaluate a loss on a batch: per-sample loss, gradient and Hessian (no 1/N) to OUT.json.")
final class EvalCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--loss", required = true, paramLabel = "SPEC",
            description = "The loss, family:key=value,... (e.g. dsn:network=odd_even,sigmoid=cauchy,steepness=10).")
    String loss;

    @Option(names = "--input", required = true, paramLabel = "IN.json",
            description = "{\"scores\": [[n]...], \"targets\": [[n]...]} (ranking) or {\"costs\": ..., \"paths\": ...}.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.json", description = "Where to write the results.")
    Path output;

    @Mixin BackendOptions backendOptions;

    @Override public Integer call() throws IOException {
        LossInput li = LossInput.load(loss, input);
        Precision precision = backendOptions.precision(Precision.DOUBLE);
        LossBackend backend = backendOptions.select(li.loss(), precision);
        BatchInput b = li.batch();
        double meanLoss;
        try (OutJson out = OutJson.open(output)) {
            Metadata.write(out, li.loss(), backend, precision, b);
            if (precision == Precision.DOUBLE) {
                Evaluation ev = backend.evaluate(li.loss(), b.inputs(), b.targets(), b.batch(), b.m(), true);
                writeEvaluation(out, Numbers.of(ev.loss()), Numbers.of(ev.grad()), Numbers.of(ev.hess()), b);
                meanLoss = Metadata.mean(Numbers.of(ev.loss()));
            } else {
                EvaluationF32 ev = backend.evaluate(li.loss(), b.inputsF32(), b.targetsF32(), b.batch(), b.m(), true);
                writeEvaluation(out, Numbers.of(ev.loss()), Numbers.of(ev.grad()), Numbers.of(ev.hess()), b);
                meanLoss = Metadata.mean(Numbers.of(ev.loss()));
            }
            out.commit();
        }
        spec.commandLine().getOut().printf("eval %s: %d samples, m=%d, mean loss %.6g (%s, %s) -> %s%n",
                li.loss().spec(), b.batch(), b.m(), meanLoss, backend.name(), precision.label(), output);
        return Main.EXIT_OK;
    }

    static void writeEvaluation(OutJson out, Numbers loss, Numbers grad, Numbers hess, BatchInput b) throws IOException {
        out.vector("loss", loss).matrix("gradient", grad, b.batch(), b.m()).matrices("hessian", hess, b.batch(), b.m());
    }
}
