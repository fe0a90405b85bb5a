package org.newtonloss.cuda;

import java.util.Optional;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.paths.FenchelYoungLoss;
import org.newtonloss.paths.RelaxedBellmanFord;
import org.newtonloss.paths.SmoothedAlgorithmLoss;
import org.newtonloss.paths.SmoothedLoss;
import org.newtonloss.paths.Smoothing;

/**
 * Which stochastic path loss the path kernels compute (kernels/nl_paths.cuh {@code PathSpec}), with the smoothing
 * whose noise the host draws. The noise itself is not a kernel parameter: it is drawn by {@link Smoothing#noise}
 * exactly as on the CPU and uploaded.
 *
 * @param family    kernels/nl_paths.cuh {@code PathFamily}: {@link #SMOOTH_LOSS}, {@link #SMOOTH_ALGORITHM},
 *                  {@link #FENCHEL_YOUNG}
 * @param smoothing samples, σ, seed, antithetic, baseline
 * @param l2        smoothing of the algorithm: squared L2 (true) or L1 loss on the expected path
 */
public record PathKernel(int family, Smoothing smoothing, boolean l2) {
    public static final int SMOOTH_LOSS = 0, SMOOTH_ALGORITHM = 1, FENCHEL_YOUNG = 2;

    public PathKernel {
        if (family < SMOOTH_LOSS || family > FENCHEL_YOUNG) throw new IllegalArgumentException("path family index must be 0..2, got " + family);
        if (smoothing == null) throw new IllegalArgumentException("smoothing must not be null");
    }

    /** The kernel for {@code loss}, or empty when it is not one of the three stochastic path losses. */
    public static Optional<PathKernel> of(AlgorithmicLoss loss) {
        return switch (loss) {
            case SmoothedLoss s -> Optional.of(new PathKernel(SMOOTH_LOSS, s.smoothing(), false));
            case SmoothedAlgorithmLoss a -> Optional.of(new PathKernel(SMOOTH_ALGORITHM, a.smoothing(),
                    a.pathLoss() == RelaxedBellmanFord.PathLoss.L2));
            case FenchelYoungLoss f -> Optional.of(new PathKernel(FENCHEL_YOUNG, f.smoothing(), false));
            default -> Optional.empty();
        };
    }

    /** Whether a path kernel implements {@code loss}. */
    public static boolean supports(AlgorithmicLoss loss) {
        return loss instanceof SmoothedLoss || loss instanceof SmoothedAlgorithmLoss || loss instanceof FenchelYoungLoss;
    }

    public int samples() { return smoothing.samples(); }

    /** Whether the Hessian needs the Gram rows F = G E (smoothing of the algorithm with the L2 loss). */
    public boolean needsGram() { return family == SMOOTH_ALGORITHM && l2; }

    /** kernels/nl_paths.cuh {@code path_coef_count}: per-sample coefficients for m cells. */
    public long coefficients(int m) { return 2L * samples() + 1 + m; }
}
