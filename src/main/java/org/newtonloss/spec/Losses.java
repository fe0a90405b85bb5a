package org.newtonloss.spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.MseLoss;
import org.newtonloss.loss.SoftmaxCrossEntropyLoss;
import org.newtonloss.ranking.DiffSortLoss;
import org.newtonloss.ranking.NeuralSortLoss;
import org.newtonloss.ranking.SoftSortLoss;

/** Turns a SPEC string into a loss. Each family registers its parser here, one line each. */
public final class Losses {
    private static final Map<String, Function<Spec, AlgorithmicLoss>> FAMILIES = new LinkedHashMap<>();

    static {
        FAMILIES.put("mse", s -> { s.requireAllUsed(); return new MseLoss(); });
        FAMILIES.put("softmax-ce", s -> { s.requireAllUsed(); return new SoftmaxCrossEntropyLoss(); });
        FAMILIES.put("dsn", DiffSortLoss::fromSpec);
        FAMILIES.put("neuralsort", NeuralSortLoss::fromSpec);
        FAMILIES.put("softsort", SoftSortLoss::fromSpec);
        FAMILIES.put("bellman-ford", org.newtonloss.paths.RelaxedBellmanFord::fromSpec);
        FAMILIES.put("smooth-loss", org.newtonloss.paths.SmoothedLoss::fromSpec);
        FAMILIES.put("smooth-algorithm", org.newtonloss.paths.SmoothedAlgorithmLoss::fromSpec);
        FAMILIES.put("fenchel-young", org.newtonloss.paths.FenchelYoungLoss::fromSpec);
    }

    private Losses() {}

    /** Parses a SPEC; throws {@link SpecException} naming the unknown family, key or bad value. */
    public static AlgorithmicLoss parse(String text) {
        Spec spec = Spec.parse(text);
        Function<Spec, AlgorithmicLoss> family = FAMILIES.get(spec.family());
        if (family == null)
            throw new SpecException("SPEC '" + text + "': unknown family '" + spec.family() + "' (known: "
                    + String.join(", ", FAMILIES.keySet()) + ")");
        return family.apply(spec);
    }

    /** The registered family names, in registration order. */
    public static java.util.Set<String> families() { return java.util.Collections.unmodifiableSet(FAMILIES.keySet()); }
}
