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

    /** Parses {@code spec}, reads {@code input} in the layout the family needs and checks the sample size. */
    static LossInput load(String spec, Path input) throws IOException {
        AlgorithmicLoss loss = Losses.parse(spec);
        InputKind kind = InputKind.forFamily(Spec.parse(spec).family());
        BatchInput batch = JsonIo.read(input, kind);
        loss.checkDimension(batch.m());
        return new LossInput(loss, batch);
    }
}
