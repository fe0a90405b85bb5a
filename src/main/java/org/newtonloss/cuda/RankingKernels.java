package org.newtonloss.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.ranking.DiffSortLoss;
import org.newtonloss.ranking.NeuralSortLoss;
import org.newtonloss.ranking.Sigmoid;
import org.newtonloss.ranking.SoftSortLoss;
import org.newtonloss.ranking.SortingNetwork;

/** Maps the CPU ranking losses to the kernels that compute the same per-sample math on the GPU. */
public final class RankingKernels {
    private RankingKernels() {}

    /** The kernel for {@code loss} at n scores per sample, or empty when no kernel implements it. */
    public static Optional<RankingKernel> of(AlgorithmicLoss loss, int n) {
        return switch (loss) {
            case DiffSortLoss d -> Optional.of(new RankingKernel.Dsn(comparators(d.sortingNetwork(n)),
                    sigmoidIndex(d.sigmoid()), d.steepness(), d.artLambda()));
            case NeuralSortLoss ns -> Optional.of(new RankingKernel.NeuralSort(ns.tau()));
            case SoftSortLoss ss -> Optional.of(new RankingKernel.SoftSort(ss.tau(), ss.power()));
            default -> Optional.empty();
        };
    }

    /** Whether a kernel implements {@code loss} (the ranking families). */
    public static boolean supports(AlgorithmicLoss loss) {
        return loss instanceof DiffSortLoss || loss instanceof NeuralSortLoss || loss instanceof SoftSortLoss;
    }

    /** The network as the kernels' flat comparator list: (a, b, descending ? 1 : 0) in execution order. */
    public static int[] comparators(SortingNetwork network) {
        List<Integer> out = new ArrayList<>();
        for (SortingNetwork.Layer layer : network.layers())
            for (int c = 0; c < layer.size(); c++) {
                out.add(layer.a(c));
                out.add(layer.b(c));
                out.add(layer.descending(c) ? 1 : 0);
            }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The index of {@code Sigmoid} in kernels/nl_dsn.cuh. */
    static int sigmoidIndex(Sigmoid s) {
        return switch (s) {
            case LOGISTIC -> 0;
            case LOGISTIC_PHI -> 1;
            case GAUSSIAN -> 2;
            case RECIPROCAL -> 3;
            case CAUCHY -> 4;
            case OPTIMAL -> 5;
        };
    }
}
