package org.newtonloss.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.newtonloss.io.BatchInput;
import org.newtonloss.io.InputKind;
import org.newtonloss.io.JsonIo;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.spec.Losses;
import org.newtonloss.spec.Spec;

/** A loss parsed from its SPEC together with the batch read from IN.json, checked against each other. */
record LossInput(AlgorithmicLoss loss, BatchInput batch) {

    /** Per-sample Hessians of a batch live in one Java array: refuse batches whose N·m·m does not fit. */
    static void checkHessianSize(int batch, int m) {
        long entries = (long) batch * m * m;
        if (entries > Integer.MAX_VALUE - 16)
            throw new IllegalArgumentException("batch of " + batch + " samples with m = " + m + " needs " + entries
                    + " Hessian entries, more than one Java array holds; split the batch");
    }

    /** Parses {@code spec}, reads {@code input} in the layout the family needs and checks the sample size. */
    static LossInput load(String spec, Path input) throws IOException {
        AlgorithmicLoss loss = Losses.parse(spec);
        InputKind kind = InputKind.forFamily(Spec.parse(spec).family());
        BatchInput batch = JsonIo.read(input, kind);
        loss.checkDimension(batch.m());
        checkHessianSize(batch.batch(), batch.m());
        return new LossInput(loss, batch);
    }
}
