package org.newtonloss.cuda;

import java.util.Optional;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.paths.RelaxedBellmanFord;
import org.newtonloss.paths.TConorm;

/**
 * The relaxed Bellman-Ford loss as the kernels compute it (kernels/nl_bf.cuh {@code BfSpec}): For loop only. The
 * While loop (its relaxed condition and AlgoVision's batch-wide stop) has no kernel and stays on the CPU.
 *
 * @param iterations sweeps N (= traceback steps)
 * @param tconorm    kernels/nl_bf.cuh {@code BfTConorm}: probabilistic 0, Hamacher 1, Yager 2
 * @param p          Hamacher's parameter
 * @param absorb     start=absorb (the fix) instead of AlgoVision's bounce
 * @param l2         squared L2 loss (true) or L1
 */
public record BellmanFordKernel(int iterations, double beta, int tconorm, double p, boolean absorb, boolean l2) {
    public BellmanFordKernel {
        if (iterations < 1) throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
        if (tconorm < 0 || tconorm > 2) throw new IllegalArgumentException("tconorm index must be 0..2, got " + tconorm);
    }

    /** The kernel for {@code loss}: present for {@code bellman-ford} with {@code loop=for}. */
    public static Optional<BellmanFordKernel> of(AlgorithmicLoss loss) {
        if (!(loss instanceof RelaxedBellmanFord bf) || bf.options().loop() != RelaxedBellmanFord.Loop.FOR) return Optional.empty();
        RelaxedBellmanFord.Options o = bf.options();
        return Optional.of(new BellmanFordKernel(o.iterations(), o.beta(), index(o.tconorm()), o.p(),
                o.start() == RelaxedBellmanFord.StartRule.ABSORB, o.loss() == RelaxedBellmanFord.PathLoss.L2));
    }

    /**
     * Whether N &lt; max(H, W) − 1: the target is unreached and derivatives pass through 1e12-level values, where the
     * kernel's dual tangents and the CPU's hand-written ones round differently (up to 0.5 % of some Hessian
     * entries). The backend evaluates this regime on the CPU.
     */
    public boolean infinityRegime(int rows, int columns) { return iterations < Math.max(rows, columns) - 1; }

    /** kernels/nl_bf.cuh {@code bf_scratch}: scratch values per thread on a rows×columns grid. */
    public long scratch(int rows, int columns) {
        long n = (long) rows * columns, pad = (long) (rows + 2) * (columns + 2), big = iterations;
        return n + (big + 1) * pad + 8 * n + 2 * (big + 1) * n + 2 * pad + 3 * n + 8 * n;
    }

    /** The t-conorm's index in kernels/nl_bf.cuh. */
    static int index(TConorm t) {
        return switch (t) {
            case PROBABILISTIC -> 0;
            case HAMACHER -> 1;
            case YAGER -> 2;
        };
    }
}
