package org.newtonloss.cli;

import org.newtonloss.backend.Backends;
import org.newtonloss.backend.LossBackend;
import org.newtonloss.backend.Precision;
import org.newtonloss.loss.AlgorithmicLoss;
import picocli.CommandLine.Option;

/** {@code --backend} and {@code --precision}, shared by eval, newton and bench. */
final class BackendOptions {
    @Option(names = "--backend", paramLabel = "auto|cpu|cuda", defaultValue = Backends.AUTO,
            description = "Where to compute: auto (CUDA when usable, else CPU), cpu or cuda. Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--precision", paramLabel = "float|double",
            description = "Number type of the computation (default: double for eval and newton, float for bench).")
    String precision;

    Precision precision(Precision defaultValue) {
        return precision == null ? defaultValue : Precision.parse(precision);
    }

    LossBackend select(AlgorithmicLoss loss, Precision p) {
        return Backends.select(backend, loss, p);
    }
}
