package org.newtonloss.cli;

import java.io.IOException;
import org.newtonloss.backend.LossBackend;
import org.newtonloss.backend.Precision;
import org.newtonloss.io.BatchInput;
import org.newtonloss.io.Numbers;
import org.newtonloss.io.OutJson;
import org.newtonloss.loss.AlgorithmicLoss;

/** The metadata keys every OUT.json starts with, so that a result file says how it was made. */
final class Metadata {
    private Metadata() {}

    static void write(OutJson out, AlgorithmicLoss loss, LossBackend backend, Precision precision, BatchInput b)
            throws IOException {
        out.string("spec", loss.spec()).string("backend", backend.name()).string("precision", precision.label())
                .integer("batch", b.batch()).integer("m", b.m()).string("version", Main.version());
    }

    static double mean(Numbers a) {
        double s = 0;
        for (int i = 0; i < a.length(); i++) s += a.get(i);
        return s / a.length();
    }
}
